package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static io.chainmesh.http.faults.NamedHops.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.Reason;
import io.chainmesh.http.faults.Loopback;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.RawHop;
import io.chainmesh.http.faults.Relay;
import io.chainmesh.http.internal.StaleConnectionCheck;
import io.chainmesh.http.testing.TestChains;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hop retries a forward only when the request provably never left (the connection could not be
 * made) or the next service is declared idempotent; never more often than the policy allows, never
 * past the deadline.
 */
class RetryTest {
  private final TestChains chains = new TestChains();
  private final NamedHops hops = new NamedHops(chains);
  private final Relay a = new Relay("a");
  private final Relay b = new Relay("b");
  private final AtomicInteger connectAttempts = new AtomicInteger();
  private final CountDownLatch firstConnectFailed = new CountDownLatch(1);
  private RawHop front;
  // Not the common pool: Java 25's CompletableFuture uses it however small (1 thread on 2 cores).
  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void closeChains() throws InterruptedException {
    if (front != null) {
      front.close();
    }
    chains.close();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Sends its body on as a stream, which can be sent only once. */
  public static final class Streaming {
    @ChainFunction("stream")
    public InputStream stream(String body) {
      return new ByteArrayInputStream((body + ">a").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void connectFailureIsRetriedUntilTheNextHopAppears() throws Exception {
    URI address = Loopback.unusedAddress();
    hops.serve("a", hopA(RetryPolicy.builder().maxAttempts(8).initialBackoff(Duration.ofMillis(50)).build()));
    hops.route("b", address);
    CompletableFuture<ChainServer> appearing = CompletableFuture.supplyAsync(() -> {
      await(firstConnectFailed);
      return ChainServer.builder(hops.hop("b").functions(b).build()).loopback().port(address.getPort())
          .stopGrace(Duration.ZERO).ownHop().start();
    }, background);
    try {
      ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

      assertEquals(200, answer.status(), answer::bodyString);
      assertEquals("x>a>b", answer.bodyString());
      assertEquals(1, b.calls());
      assertTrue(connectAttempts.get() >= 2, () -> connectAttempts + " connection attempts");
    } finally {
      appearing.get(5, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void nextHopRestartedBetweenChainsIsReachedOnAFreshConnection() {
    URI address = Loopback.unusedAddress();
    hops.serve("a", hopA(RetryPolicy.DEFAULT));
    hops.route("b", address);
    try (ChainServer first = serveB(address)) {
      assertEquals(200, chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT).status());
    }
    try (ChainServer restarted = serveB(address)) {
      ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "y", TestChains.TEXT);

      assertEquals(200, answer.status(), answer::bodyString);
      assertEquals("y>a>b", answer.bodyString());
      assertEquals(2, b.calls());
    }
  }

  @Test
  void firstHopRestartedBetweenChainsIsReachedOnAFreshConnection() {
    URI address = Loopback.unusedAddress();
    hops.route("b", address);
    try (ChainServer first = serveB(address)) {
      assertEquals(200, chains.send(chain("b/relay").build(), "x", TestChains.TEXT).status());
    }
    try (ChainServer restarted = serveB(address)) {
      ChainResponse answer = chains.send(chain("b/relay").build(), "y", TestChains.TEXT);

      assertEquals(200, answer.status(), answer::bodyString);
      assertEquals("y>b", answer.bodyString());
    }
  }

  /** Waits until {@code parties} calls are inside at once, so that each holds its own connection. */
  public static final class Gathering {
    final CountDownLatch arrived;

    Gathering(int parties) {
      this.arrived = new CountDownLatch(parties);
    }

    @ChainFunction("gather")
    public String gather(String body) throws InterruptedException {
      arrived.countDown();
      arrived.await(20, TimeUnit.SECONDS);
      return body + ">gathered";
    }
  }

  @Test
  void firstHopRestartedWithMoreIdleConnectionsPooledThanOneRequestMaySkipIsReachedOnAFreshConnection()
      throws Exception {
    int pooled = StaleConnectionCheck.MAX_SKIPPED + 16;
    URI address = Loopback.unusedAddress();
    hops.route("g", address);
    try (ChainServer first = ChainServer.builder(hops.hop("g").functions(new Gathering(pooled)).build())
        .loopback().port(address.getPort()).maxThreads(2 * pooled).stopGrace(Duration.ZERO).ownHop().start()) {
      List<CompletableFuture<ChainResponse>> together = new ArrayList<>();
      for (int i = 0; i < pooled; i++) {
        together.add(CompletableFuture.supplyAsync(
            () -> chains.send(chain("g/gather").build(), "x", TestChains.TEXT), background));
      }
      for (CompletableFuture<ChainResponse> answer : together) {
        assertEquals(200, answer.get(30, TimeUnit.SECONDS).status());
      }
    }
    assertTrue(chains.http().connectionPool().idleConnectionCount() >= pooled,
        () -> "idle connections pooled: " + chains.http().connectionPool().idleConnectionCount());
    try (ChainServer restarted = ChainServer.builder(hops.hop("g").functions(new Gathering(1)).build())
        .loopback().port(address.getPort()).stopGrace(Duration.ZERO).ownHop().start()) {
      ChainResponse answer = chains.send(chain("g/gather").build(), "y", TestChains.TEXT);

      assertEquals(200, answer.status(), answer::bodyString);
      assertEquals("y>gathered", answer.bodyString());
    }
  }

  private ChainServer serveB(URI address) {
    return ChainServer.builder(hops.hop("b").functions(b).build()).loopback().port(address.getPort())
        .stopGrace(Duration.ZERO).ownHop().start();
  }

  @Test
  void connectFailureIsRetriedUntilAttemptsAreExhausted() {
    hops.serve("a", hopA(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build()));
    hops.route("b", Loopback.unusedAddress());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(node("a"), problem.hop().orElseThrow());
    assertEquals(3, connectAttempts.get());
    assertEquals(1, a.calls(), "the function runs once; only the forward is retried");
  }

  @Test
  void serviceThatAcceptedTheRequestAndResetIsNotRetriedUnlessIdempotent() {
    ChainServer realB = hops.serve("b", b);
    front = RawHop.start(RawHop.resetFirstThenPassTo(1, realB.uri()));
    hops.route("b", front.uri());
    hops.serve("a", hopA(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build()));

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(node("a"), problem.hop().orElseThrow());
    assertEquals(1, front.arrivals(), "the request reached b once and was not sent again");
    assertEquals(0, b.calls());
  }

  @Test
  void idempotentServiceThatAcceptedTheRequestAndResetIsRetried() {
    ChainServer realB = hops.serve("b", b);
    front = RawHop.start(RawHop.resetFirstThenPassTo(1, realB.uri()));
    hops.route("b", front.uri());
    hops.serve("a", hopA(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10))
        .idempotentServices(Set.of("b")).build()));

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("x>a>b", answer.bodyString());
    assertEquals(2, front.arrivals());
    assertEquals(1, b.calls());
  }

  @Test
  void idempotentServiceIsNotRetriedOnceAStreamedBodyWasSent() {
    ChainServer realB = hops.serve("b", b);
    front = RawHop.start(RawHop.resetFirstThenPassTo(1, realB.uri()));
    hops.route("b", front.uri());
    hops.serve("a", hops.hop("a").functions(new Streaming()).httpClient(countingConnects())
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10))
            .idempotentServices(Set.of("b")).build()));

    ChainResponse answer = chains.send(chain("a/stream", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(1, front.arrivals(), "a stream cannot be sent twice");
    assertEquals(0, b.calls());
  }

  @Test
  void retriesStopBeforeTheDeadline() {
    hops.serve("a", hopA(RetryPolicy.builder().maxAttempts(10).initialBackoff(Duration.ofMillis(200)).build()));
    hops.route("b", Loopback.unusedAddress());
    Instant deadline = Instant.now().plusMillis(1000);

    long started = System.nanoTime();
    ChainResponse answer = chains.send(chain("a/relay", "b/relay").deadline(deadline).build(), "x", TestChains.TEXT);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertTrue(took.compareTo(Duration.ofMillis(1000)) < 0, () -> "answered after " + took);
    // Attempts at about 0, 200 and 600 ms; the next backoff (800 ms) would end past the deadline.
    assertEquals(3, connectAttempts.get());
  }

  private ChainHop.Builder hopA(RetryPolicy policy) {
    return hops.hop("a").functions(a).httpClient(countingConnects()).retryPolicy(policy);
  }

  /** A forwarding client sharing the fixture's pool and threads that counts connection attempts. */
  private OkHttpClient countingConnects() {
    return chains.http().newBuilder().eventListener(new EventListener() {
      @Override
      public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
        connectAttempts.incrementAndGet();
      }

      @Override
      public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException e) {
        firstConnectFailed.countDown();
      }
    }).build();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
