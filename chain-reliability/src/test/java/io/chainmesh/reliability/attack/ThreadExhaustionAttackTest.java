package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.KEYS;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat "memory and thread exhaustion" (brief §4), the thread half: a process-wide bound on
 * concurrent requests that is the same on every JVM, platform threads (Java 17) or virtual threads
 * (Java 21+). A hop or edge with {@code maxThreads} request threads runs at most that many requests
 * at once and queues as many more; a flood beyond that is answered {@code 503 hop.unavailable} with
 * {@code Retry-After} at once, without its function running or a chain starting, and the server
 * serves honest clients as soon as its threads are free again. The same holds for the asynchronous
 * chains a hop has accepted (64 threads, 1024 queued by default).
 *
 * <p>Each test holds the function on a gate, so the requests that got a thread keep it until the test
 * opens the gate: what is admitted and what is refused is then exact, not a race.
 */
class ThreadExhaustionAttackTest {
  private static final int MAX_THREADS = 4;
  /** Requests a server takes on with {@link #MAX_THREADS} threads: as many run as wait. */
  private static final int ADMITTED = 2 * MAX_THREADS;
  private static final int FLOOD = 48;

  private final Gate gate = new Gate();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ExecutorService clients = Executors.newFixedThreadPool(FLOOD);
  /** The flood's answers as they come, and a permit for each. */
  private final java.util.Queue<RawHttp.Reply> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Semaphore answered = new Semaphore(0);

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws Exception {
    gate.open();
    clients.shutdownNow();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** Records how many callers are inside at once, and on which threads, and holds them until opened. */
  public static final class Gate {
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    private final Semaphore arrivals = new Semaphore(0);
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @ChainFunction("held")
    public String held(String body) throws InterruptedException {
      entered.incrementAndGet();
      threads.add(Thread.currentThread());
      peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
      arrivals.release();
      try {
        if (!open.await(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the gate");
        }
        return body + ".held";
      } finally {
        inside.decrementAndGet();
      }
    }

    void open() {
      open.countDown();
    }

    void awaitEntered(int count) throws InterruptedException {
      assertTrue(arrivals.tryAcquire(count, 20, TimeUnit.SECONDS),
          () -> "only " + entered.get() + " of " + count + " calls reached the function");
      arrivals.release(count);
    }

    @Override
    public String toString() {
      return "function entered " + entered + " times, at most " + peak + " at once, on " + threads.size() + " threads";
    }
  }

  @Test
  void hopAnswersAFloodBeyondItsThreadsAndQueueWith503RetryAfterAndRunsAtMostMaxThreadsAtOnce() throws Exception {
    URI hop = serveHop(MAX_THREADS, Map.of());
    String path = "POST / HTTP/1.1\r\nHost: hop\r\n" + ChainHeaders.DESCRIPTOR + ": ";

    List<Future<RawHttp.Reply>> replies = flood(hop, () -> path + sign(descriptor("held").build()));

    assertFloodRefusedBeyond(replies, "hop");
    assertEquals(MAX_THREADS, gate.entered.get(), gate::toString);
    gate.open();
    assertAdmittedServed(replies);
    assertTrue(gate.threads.size() <= MAX_THREADS, gate::toString);
    assertEquals(200, RawHttp.exchange(hop, path + sign(descriptor("held").build()), bytes("honest")).status(),
        "an honest request once the flood is over");
  }

  @Test
  void edgeAnswersAFloodBeyondItsThreadsAndQueueWith503RetryAfterAndStartsNoChainForIt() throws Exception {
    URI hop = serveHop(256, Map.of());
    Path catalogue = dir.resolve("chains.yaml");
    Files.writeString(catalogue, """
        services: [held]
        chains:
          - name: held
            match: POST /held
            segments: [held]
        """);
    ChainEdge edge = ChainEdge.builder().catalogue(catalogue).keys(KEYS)
        .resolver(SegmentResolver.staticMap(Map.of("held", hop))).loopback().port(0).nodeId("edge-node")
        .catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO).maxThreads(MAX_THREADS).start();
    resources.add(edge);
    String request = "POST /held HTTP/1.1\r\nHost: edge\r\nContent-Type: text/plain";

    List<Future<RawHttp.Reply>> replies = flood(edge.uri(), () -> request);

    assertFloodRefusedBeyond(replies, "edge");
    assertEquals(MAX_THREADS, edge.stats().chainsStarted(), "chains started while the flood is held");
    gate.open();
    assertAdmittedServed(replies);
    assertEquals(ADMITTED, edge.stats().chainsStarted(), "only the admitted requests started chains");
    assertEquals(200, RawHttp.exchange(edge.uri(), request, bytes("honest")).status(),
        "an honest request once the flood is over");
  }

  @Test
  void hopAnswersAsynchronousChainsBeyondItsAsyncThreadsAndQueueWith503RetryAfter() throws Exception {
    int asyncCapacity = ChainHop.DEFAULT_ASYNC_THREADS + ChainHop.DEFAULT_ASYNC_QUEUE;
    Semaphore delivered = new Semaphore(0);
    MockWebServer replyTo = new MockWebServer();
    replyTo.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        delivered.release();
        return new MockResponse.Builder().code(204).build();
      }
    });
    replyTo.start(java.net.InetAddress.getLoopbackAddress(), 0);
    resources.add(replyTo);
    URI hop = serveHop(256, Map.of("sink", replyTo.url("/").uri()));
    String path = "POST / HTTP/1.1\r\nHost: hop\r\n" + ChainHeaders.DESCRIPTOR + ": ";

    List<Future<RawHttp.Reply>> accepted = new ArrayList<>();
    for (int i = 0; i < asyncCapacity; i++) {
      String head = path + sign(descriptor("held").async(Segment.of("sink")).build());
      byte[] body = bytes("async-" + i);
      accepted.add(clients.submit(() -> RawHttp.exchange(hop, head, body)));
    }
    for (Future<RawHttp.Reply> reply : accepted) {
      RawHttp.Reply r = reply.get(60, TimeUnit.SECONDS);
      assertEquals(202, r.status(), () -> "an asynchronous chain within the bound: " + r + "; " + gate);
    }
    for (int i = 0; i < 16; i++) {
      RawHttp.Reply refused = RawHttp.exchange(hop, path + sign(descriptor("held").async(Segment.of("sink")).build()),
          bytes("over"));
      assertUnavailable(refused, "hop beyond " + asyncCapacity + " asynchronous chains; " + gate);
    }
    assertTrue(gate.peak.get() <= ChainHop.DEFAULT_ASYNC_THREADS, gate::toString);
    gate.open();
    assertTrue(delivered.tryAcquire(asyncCapacity, 60, TimeUnit.SECONDS),
        () -> delivered.availablePermits() + " of " + asyncCapacity + " replies delivered; " + gate);
    assertEquals(asyncCapacity, gate.entered.get(), gate::toString);
    assertTrue(gate.threads.size() <= ChainHop.DEFAULT_ASYNC_THREADS, gate::toString);
    RawHttp.Reply honest = RawHttp.exchange(hop, path + sign(descriptor("held").async(Segment.of("sink")).build()),
        bytes("honest"));
    assertEquals(202, honest.status(), () -> "an asynchronous chain once the others are done: " + honest);
    assertTrue(delivered.tryAcquire(1, 20, TimeUnit.SECONDS), "its reply delivered");
  }

  private URI serveHop(int maxThreads, Map<String, URI> routes) {
    ChainHop hop = ChainHop.builder().functions(gate).serviceName("held").nodeId("held-node").keys(KEYS)
        .resolver(SegmentResolver.staticMap(routes)).build();
    ChainServer server = ChainServer.builder(hop).loopback().port(0).maxThreads(maxThreads)
        .stopGrace(Duration.ZERO).ownHop().start();
    resources.add(server);
    return server.uri();
  }

  /** {@link #FLOOD} clients at once, each on its own connection. */
  private List<Future<RawHttp.Reply>> flood(URI server, java.util.function.Supplier<String> head) {
    List<Future<RawHttp.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      String h = head.get();
      byte[] body = bytes("flood-" + i);
      replies.add(clients.submit(() -> {
        try {
          RawHttp.Reply reply = RawHttp.exchange(server, h, body);
          answers.add(reply);
          return reply;
        } finally {
          answered.release();
        }
      }));
    }
    return replies;
  }

  /**
   * While the gate holds the admitted requests, every other one is answered 503 within seconds, and
   * the function never runs more than {@link #MAX_THREADS} at once.
   */
  private void assertFloodRefusedBeyond(List<Future<RawHttp.Reply>> replies, String server) throws Exception {
    gate.awaitEntered(MAX_THREADS);
    answered.tryAcquire(FLOOD - ADMITTED, 20, TimeUnit.SECONDS);
    List<RawHttp.Reply> early = List.copyOf(answers);
    assertEquals(FLOOD - ADMITTED, early.size(), () -> server + " with " + MAX_THREADS + " threads answered "
        + early.size() + " of " + FLOOD + " held requests within 20 s (expected all but " + ADMITTED + "); " + gate);
    for (RawHttp.Reply reply : early) {
      assertUnavailable(reply, server + " flooded");
    }
    assertTrue(gate.peak.get() <= MAX_THREADS, gate::toString);
  }

  /** Once the gate opens, the requests that were admitted (running or queued) are served. */
  private void assertAdmittedServed(List<Future<RawHttp.Reply>> replies) throws Exception {
    int served = 0;
    for (Future<RawHttp.Reply> reply : replies) {
      RawHttp.Reply r = reply.get(30, TimeUnit.SECONDS);
      if (r.status() == 200) {
        assertTrue(r.body().endsWith(".held"), r::toString);
        served++;
      }
    }
    assertEquals(ADMITTED, served, gate::toString);
    assertEquals(ADMITTED, gate.entered.get(), gate::toString);
    assertTrue(gate.peak.get() <= MAX_THREADS, gate::toString);
  }

  private static void assertUnavailable(RawHttp.Reply reply, String what) {
    assertEquals(503, reply.status(), () -> what + ": " + reply);
    assertEquals("1", header(reply, "Retry-After"), () -> what + ": " + reply);
    assertEquals(ChainHeaders.PROBLEM_JSON, header(reply, "Content-Type"), () -> what + ": " + reply);
    assertTrue(reply.body().contains("\"reason\":\"hop.unavailable\""), () -> what + ": " + reply);
  }

  /** A response header's value by case-insensitive name, or null. */
  private static String header(RawHttp.Reply reply, String name) {
    for (String line : reply.head().split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
