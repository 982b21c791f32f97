package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.faults.JettyDoor;
import io.chainmesh.http.faults.Loopback;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.RawHop;
import io.chainmesh.http.faults.Relay;
import io.chainmesh.http.faults.Throwing;
import io.chainmesh.http.testing.TestChains;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whatever happens in a chain, a hop gives back what it took: every connection to the next hop
 * returns to the pool, and closing servers, hops and clients ends their threads and closes their
 * sockets.
 */
class ResourceLeakTest {
  private static final Pattern CHAIN_THREADS = Pattern.compile(".*(OkHttp|Okio|chainmesh|HTTP-Dispatcher|qtp|rawhop).*");

  /** Forwards, then fails anyway: the downstream answer must still be released. */
  public static final class ForwardThenThrow {
    @ChainFunction("forward-then-throw")
    public ChainReply forwardThenThrow(String body, Forwarder next) {
      next.forward(body);
      throw new IllegalArgumentException("changed its mind");
    }
  }

  /** Breaks the contract by forwarding twice: the first answer must still be released. */
  public static final class ForwardTwice {
    @ChainFunction("forward-twice")
    public ChainReply forwardTwice(String body, Forwarder next) {
      next.forward(body);
      return next.forward(body);
    }
  }

  /** Ends the chain early. */
  public static final class EndEarly {
    @ChainFunction("end")
    public ChainReply end(String body) {
      return ChainReply.status(409, "ended at b");
    }
  }

  /** How the hop after {@code a} behaves: a real hop serving a segment, or a raw one misbehaving. */
  enum Downstream {
    ANSWERS(200, null, "b/relay", hops -> hops.serve("b", new Relay("b"))),
    FAILS(500, Reason.HANDLER_FAILED, "b/explode", hops -> hops.serve("b", new Throwing(new RuntimeException("boom")))),
    ENDS_EARLY(409, null, "b/end", hops -> hops.serve("b", new EndEarly())),
    REFUSES(401, Reason.INTEGRITY_UNKNOWN_KEY, "b/relay", hops -> hops.serve("b", hops.hop("b").functions(new Relay("b"))
        .keys(KeyRing.builder().addKey("other", "a-ring-the-chain-does-not-use-0123456".getBytes(StandardCharsets.US_ASCII))
            .build()))),
    ANSWERS_WITHOUT_ROUTE(502, Reason.NEXT_HOP_BAD_RESPONSE, "b/relay",
        RawHop.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")),
    RESETS(502, Reason.NEXT_HOP_UNREACHABLE, "b/relay", RawHop.resetAfterReading(0));

    final int status;
    final Reason reason;
    final String segment;
    final Consumer<NamedHops> serve;
    final RawHop.Conduct raw;

    Downstream(int status, Reason reason, String segment, Consumer<NamedHops> serve) {
      this(status, reason, segment, serve, null);
    }

    Downstream(int status, Reason reason, String segment, RawHop.Conduct raw) {
      this(status, reason, segment, null, raw);
    }

    Downstream(int status, Reason reason, String segment, Consumer<NamedHops> serve, RawHop.Conduct raw) {
      this.status = status;
      this.reason = reason;
      this.segment = segment;
      this.serve = serve;
      this.raw = raw;
    }
  }

  @ParameterizedTest
  @EnumSource(Downstream.class)
  void forwardReturnsItsConnectionToThePoolWhateverTheNextHopDoes(Downstream downstream) throws Exception {
    ConnectionPool pool = new ConnectionPool();
    RawHop raw = downstream.raw == null ? null : RawHop.start(downstream.raw);
    try (TestChains chains = new TestChains()) {
      NamedHops hops = new NamedHops(chains);
      hops.serve("a", hops.hop("a").functions(new Relay("a")).httpClient(forwarder(chains, pool)));
      if (raw != null) {
        hops.route("b", raw.uri());
      } else {
        downstream.serve.accept(hops);
      }

      for (int i = 0; i < 3; i++) {
        ChainResponse answer = chains.send(chain("a/relay", downstream.segment).build(), "x", TestChains.TEXT);
        assertEquals(downstream.status, answer.status(), answer::bodyString);
        if (downstream.reason != null) {
          TestChains.assertProblem(answer, downstream.status, downstream.reason);
        }
      }

      Loopback.awaitTrue(() -> Loopback.connectionsInUse(pool) == 0,
          () -> "a's connections are back in its pool (in use: " + Loopback.connectionsInUse(pool) + ")");
    } finally {
      if (raw != null) {
        raw.close();
      }
      pool.evictAll();
    }
  }

  @Test
  void functionThrowingAfterForwardingReleasesTheDownstreamAnswer() throws Exception {
    assertFunctionFailingAfterForwardReleasesTheConnection(new ForwardThenThrow(), "a/forward-then-throw");
  }

  @Test
  void functionForwardingTwiceReleasesTheFirstDownstreamAnswer() throws Exception {
    assertFunctionFailingAfterForwardReleasesTheConnection(new ForwardTwice(), "a/forward-twice");
  }

  @Test
  void closingServersHopsAndClientsEndsTheirThreads() throws Exception {
    // On Java 21+ requests run on virtual threads: no pool to leak, and Thread.getAllStackTraces()
    // does not list them. The platform-thread pools this test watches exist only on Java 17-20.
    assumeTrue(Runtime.version().feature() < 21, "requests run on virtual threads on Java 21+");
    warmUp();
    Set<Long> before = liveThreads().keySet();
    try (MockWebServer edge = new MockWebServer()) {
      edge.enqueue(new MockResponse.Builder().code(200).build());
      edge.start();
      try (TestChains chains = new TestChains()) {
        NamedHops hops = new NamedHops(chains);
        hops.serve("a", new Relay("a"));
        hops.serve("b", new Relay("b"));
        hops.route("edge", edge.url("/").uri());
        try (JettyDoor c = JettyDoor.serve(hops.hop("c").functions(new Relay("c")).build())) {
          hops.route("c", c.uri());
          for (int i = 0; i < 20; i++) {
            assertEquals(200, chains.send(chain("a/relay", "b/relay", "c/relay").build(), "x", TestChains.TEXT).status());
          }
          assertEquals(202, chains.send(chain("a/relay", "b/relay", "c/relay").async(Segment.of("edge")).build(), "x",
              TestChains.TEXT).status());
          assertTrue(newThreads(before).stream().anyMatch(name -> name.startsWith("chainmesh-hop")),
              "while serving, the hops' request threads are alive (so the check below can fail)");
        }
      }
    }

    Loopback.awaitTrue(() -> lingering(before).isEmpty(), () -> "threads ended: " + lingering(before));
  }

  @Test
  void fileDescriptorsReturnToBaselineAfterABurstOf200Requests() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs Linux /proc");
    warmUp();
    long before = count(fds);
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try (TestChains chains = new TestChains()) {
      NamedHops hops = new NamedHops(chains);
      hops.serve("a", new Relay("a"));
      hops.serve("b", new Relay("b"));
      hops.serve("c", new Relay("c"));
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        statuses.add(callers.submit(() ->
            chains.send(chain("a/relay", "b/relay", "c/relay").build(), "x", TestChains.TEXT).status()));
      }
      for (Future<Integer> status : statuses) {
        assertEquals(200, status.get(30, TimeUnit.SECONDS));
      }
      long during = count(fds);
      assertTrue(during > before + 4, () -> "pooled connections hold descriptors while open (" + before + " -> "
          + during + "), so the check below can fail");
    } finally {
      callers.shutdownNow();
    }

    Loopback.awaitTrue(() -> count(fds) <= before + 4,
        () -> "descriptors back to baseline: " + before + " before, " + count(fds) + " after");
  }

  private static void assertFunctionFailingAfterForwardReleasesTheConnection(Object function, String segment)
      throws Exception {
    ConnectionPool pool = new ConnectionPool();
    try (TestChains chains = new TestChains()) {
      NamedHops hops = new NamedHops(chains);
      hops.serve("a", hops.hop("a").functions(function).httpClient(forwarder(chains, pool)));
      Relay b = new Relay("b");
      hops.serve("b", b);

      ChainResponse answer = chains.send(chain(segment, "b/relay").build(), "x", TestChains.TEXT);

      TestChains.assertProblem(answer, 500, Reason.HANDLER_FAILED);
      assertTrue(b.calls() >= 1);
      Loopback.awaitTrue(() -> Loopback.connectionsInUse(pool) == 0,
          () -> "a's connection to b is back in its pool (in use: " + Loopback.connectionsInUse(pool) + ")");
    } finally {
      pool.evictAll();
    }
  }

  private static OkHttpClient forwarder(TestChains chains, ConnectionPool pool) {
    return chains.http().newBuilder().connectionPool(pool).build();
  }

  /** Loads the classes (and opens the jars) a chain needs, so that they do not count as growth. */
  private static void warmUp() throws Exception {
    try (TestChains chains = new TestChains()) {
      NamedHops hops = new NamedHops(chains);
      hops.serve("w", new Relay("w"));
      try (JettyDoor servlet = JettyDoor.serve(hops.hop("v").functions(new Relay("v")).build())) {
        hops.route("v", servlet.uri());
        assertEquals(200, chains.send(chain("w/relay", "v/relay").build(), "x", TestChains.TEXT).status());
      }
    }
  }

  private static Map<Long, Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toMap(Thread::getId, t -> t));
  }

  private static List<String> newThreads(Set<Long> before) {
    return liveThreads().entrySet().stream().filter(e -> !before.contains(e.getKey()))
        .map(e -> e.getValue().getName()).toList();
  }

  /** New threads of servers, hops or clients that are still alive: any non-daemon one, and any of ours. */
  private static List<String> lingering(Set<Long> before) {
    return liveThreads().entrySet().stream()
        .filter(e -> !before.contains(e.getKey()))
        .map(Map.Entry::getValue)
        .filter(t -> CHAIN_THREADS.matcher(t.getName()).matches())
        .filter(t -> !t.isDaemon() || t.getName().startsWith("chainmesh"))
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .toList();
  }

  private static long count(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void lingeringThreadCheckSeesAThreadLeftRunning() throws Exception {
    Set<Long> before = liveThreads().keySet();
    Thread leaked = new Thread(() -> {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException ignored) {
        // Ended by the test.
      }
    }, "chainmesh-leak-probe");
    leaked.start();
    try {
      assertEquals(List.of("chainmesh-leak-probe"), lingering(before));
    } finally {
      leaked.interrupt();
      leaked.join();
    }
    assertFalse(lingering(before).contains("chainmesh-leak-probe"));
  }
}
