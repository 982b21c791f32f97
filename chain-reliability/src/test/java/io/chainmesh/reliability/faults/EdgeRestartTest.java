package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge restarted (closed, and started again on the same port) while chains {@code a → b → c}
 * are in flight, held at {@code b}. What their clients see depends on the return mode and on the
 * edge's stop grace; the chains themselves go on at the hops; the new edge counts replies meant for
 * the old one as unknown and serves new chains at once.
 */
class EdgeRestartTest {
  private static final int IN_FLIGHT = 3;
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: held
          match: POST /held
          segments: [a/append, b/hold, c/append]
        - name: held-async
          match: POST /held-async
          segments: [a/append, b/hold, c/append]
          returnMode: async
      """;

  private ResourceProbe probe;
  private LoopbackDomain domain;
  private final TextFunctions.Hold hold = new TextFunctions.Hold();
  private final TextFunctions.Append c = new TextFunctions.Append();
  private ChainServer lastHop;
  // Not the common pool: Java 25's CompletableFuture uses it however small (1 thread on 2 cores).
  private ExecutorService background;

  @BeforeEach
  void startHops() {
    probe = ResourceProbe.afterWarmUp();
    background = Executors.newCachedThreadPool();
    domain = new LoopbackDomain();
    domain.hop("a", new TextFunctions.Append());
    domain.hop("b", hold);
    lastHop = domain.hop("c", c);
  }

  @AfterEach
  void everythingIsReleased() throws InterruptedException {
    hold.release();
    domain.close();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
    probe.assertReleased();
  }

  @Test
  void abruptStopCutsInFlightSyncClientsOffWithoutAnAnswerWhileTheirChainsStillComplete() throws Exception {
    ChainEdge old = domain.edge(CATALOGUE, e -> e);
    List<CompletableFuture<LoopbackDomain.Answer>> clients = send(old, "/held");

    old.close();

    for (CompletableFuture<LoopbackDomain.Answer> client : clients) {
      ExecutionException failure = assertThrows(ExecutionException.class,
          () -> client.get(5, TimeUnit.SECONDS), "the client's connection is closed, not left hanging");
      assertInstanceOf(UncheckedIOException.class, failure.getCause());
    }
    ChainEdge restarted = restart(old);
    hold.release();
    LoopbackDomain.await(() -> c.calls() == IN_FLIGHT,
        () -> "the held chains completed at the hops though nobody waits for them: " + c.calls());
    assertServes(restarted, "/held");
  }

  @Test
  void stopWithGraceRefusesNewClientsButAnswersThoseInFlight() throws Exception {
    ChainEdge old = domain.edge(CATALOGUE, e -> e.stopGrace(Duration.ofSeconds(5)));
    List<CompletableFuture<LoopbackDomain.Answer>> clients = send(old, "/held");

    CompletableFuture<Void> closing = CompletableFuture.runAsync(old::close, background);
    LoopbackDomain.await(() -> !accepts(old), () -> "the stopping edge refuses new connections");
    hold.release();

    for (int i = 0; i < IN_FLIGHT; i++) {
      LoopbackDomain.Answer answer = clients.get(i).get(5, TimeUnit.SECONDS);
      assertEquals(200, answer.status(), answer::toString);
      assertEquals("held-" + i + ">a>b>c", answer.body());
    }
    closing.get(10, TimeUnit.SECONDS);
    assertServes(restart(old), "/held");
  }

  @Test
  void asyncClientsOfAStoppedEdgeGet503AndTheirLateRepliesAtTheNewEdgeAreCountedUnknown() throws Exception {
    ChainEdge old = domain.edge(CATALOGUE, e -> e);
    List<CompletableFuture<LoopbackDomain.Answer>> clients = send(old, "/held-async");
    LoopbackDomain.await(() -> old.stats().parkedRequests() == IN_FLIGHT, () -> "clients parked");

    old.close();

    for (CompletableFuture<LoopbackDomain.Answer> client : clients) {
      LoopbackDomain.Answer answer = client.get(5, TimeUnit.SECONDS);
      assertEquals(503, answer.status(), answer::toString);
      assertEquals("hop.unavailable", answer.reason());
    }
    ChainEdge restarted = restart(old);
    hold.release();
    LoopbackDomain.await(() -> restarted.stats().repliesUnknown() == IN_FLIGHT,
        () -> "replies meant for the old edge counted unknown: " + restarted.stats());
    LoopbackDomain.await(() -> lastHop.hop().undeliveredReplies() == IN_FLIGHT,
        () -> "the last hop counted them undelivered (the new edge answered 404)");
    assertEquals(0, restarted.stats().repliesAccepted());
    assertServes(restarted, "/held-async");
    assertEquals(1, restarted.stats().repliesAccepted());
  }

  /** Sends {@link #IN_FLIGHT} requests in the background and waits until all are held at b. */
  private List<CompletableFuture<LoopbackDomain.Answer>> send(ChainEdge edge, String path) {
    List<CompletableFuture<LoopbackDomain.Answer>> clients = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      String body = "held-" + i;
      clients.add(CompletableFuture.supplyAsync(() -> domain.post(edge, path, body), background));
    }
    LoopbackDomain.await(() -> hold.entered() == IN_FLIGHT, () -> "chains held at b: " + hold.entered());
    return clients;
  }

  private ChainEdge restart(ChainEdge old) {
    domain.outside().connectionPool().evictAll();
    return domain.edgeOnPort(CATALOGUE, old.port(), e -> e);
  }

  private void assertServes(ChainEdge edge, String path) {
    LoopbackDomain.Answer answer = domain.post(edge, path, "after");
    assertEquals(200, answer.status(), answer::toString);
    assertEquals("after>a>b>c", answer.body());
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }

  private static boolean accepts(ChainEdge edge) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", edge.port()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
