package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainServer;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chain {@code a → b → c} behind an edge whose middle function fails: throws, or hangs. The client
 * gets a coded problem naming where it happened and nothing of the failure's insides; the hops log
 * it; the hung function's thread and every connection are released once it returns.
 */
class FunctionFaultsThroughEdgeTest {
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: explode
          match: POST /explode
          segments: [a/append, b/explode, c/append]
        - name: hang
          match: POST /hang
          segments: [a/append, b/hold, c/append]
          deadline: 1s
        - name: hang-async
          match: POST /hang-async
          segments: [a/append, b/hold, c/append]
          deadline: 1s
          returnMode: async
      """;

  private ResourceProbe probe;
  private LoopbackDomain domain;
  private LogCapture logs;
  private final TextFunctions.Append a = new TextFunctions.Append();
  private final TextFunctions.Append c = new TextFunctions.Append();
  private final TextFunctions.Hold hold = new TextFunctions.Hold();
  private ChainEdge edge;
  private ChainServer b;

  @BeforeEach
  void startChain() {
    probe = ResourceProbe.afterWarmUp();
    logs = LogCapture.start();
    domain = new LoopbackDomain();
    domain.hop("a", a);
    b = domain.hop("b", new TextFunctions.Explode(), hop -> hop.functions(hold));
    domain.hop("c", c);
    edge = domain.edge(CATALOGUE, b -> b);
  }

  @AfterEach
  void everythingIsReleased() {
    hold.release();
    domain.close();
    logs.close();
    probe.assertReleased();
  }

  @Test
  void functionThrowingGives500HandlerFailedNamingItsSegmentAndHopAndNothingOfTheException() {
    LoopbackDomain.Answer answer = domain.post(edge, "/explode", "x");

    assertEquals(500, answer.status(), answer::toString);
    ChainProblem problem = answer.problem();
    assertEquals("handler.failed", problem.reasonCode());
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals("b/explode", problem.segment().orElseThrow());
    assertEquals("b-node", problem.hop().orElseThrow());
    for (String leak : new String[] {"hunter2", "db-internal-7", "Exception", "\tat ", "io.chainmesh."}) {
      assertFalse(answer.body().contains(leak), () -> "the answer shows \"" + leak + "\": " + answer.body());
    }
    logs.awaitLine("hop b-node", "function explode", "threw");
    assertEquals(0, c.calls(), "the chain never reached c");
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }

  @Test
  void functionHangingPastTheDeadlineGives504FromThePreviousHopAndItsThreadIsReleasedWhenItReturns() {
    long started = System.nanoTime();
    LoopbackDomain.Answer answer = domain.post(edge, "/hang", "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(504, answer.status(), answer::toString);
    ChainProblem problem = answer.problem();
    assertEquals("deadline.exceeded", problem.reasonCode());
    assertEquals(OptionalInt.of(1), problem.segmentIndex(), answer::toString);
    assertEquals("b/hold", problem.segment().orElseThrow());
    assertEquals("a-node", problem.hop().orElseThrow(), "the hop waiting for b reports it");
    assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0 && took.compareTo(Duration.ofMillis(3000)) < 0,
        () -> "answered after " + took.toMillis() + " ms; the deadline was 1000 ms");
    logs.awaitLine("hop a-node", "could not go on to segment 1", "deadline");
    assertEquals(1, hold.entered());
    assertEquals(0, hold.finished(), "b's function is still running: the deadline does not interrupt it");

    hold.release();

    LoopbackDomain.await(() -> hold.finished() == 1, () -> "b's function returned");
    LoopbackDomain.await(() -> c.calls() == 0 && logs.count("hop b-node", "deadline") >= 1,
        () -> "b, past the deadline, refused to go on to c: " + logs.lines());
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }

  @Test
  void functionHangingInAnAsyncChainGivesTheWaitingClient504AndTheHopCountsTheOutcomeItCouldNoLongerDeliver() {
    long started = System.nanoTime();
    LoopbackDomain.Answer answer = domain.post(edge, "/hang-async", "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(504, answer.status(), answer::toString);
    assertEquals("deadline.exceeded", answer.reason());
    assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0 && took.compareTo(Duration.ofMillis(3000)) < 0,
        () -> "answered after " + took.toMillis() + " ms; the deadline was 1000 ms");
    assertEquals(1, edge.stats().asyncTimeouts());
    assertEquals(0, edge.stats().parkedRequests());

    hold.release();

    LoopbackDomain.await(() -> hold.finished() == 1, () -> "b's function returned");
    // b, past the deadline, can neither go on nor deliver its failure: it counts and logs it.
    LoopbackDomain.await(() -> b.hop().undeliveredReplies() == 1, () -> "b counted the undelivered outcome");
    logs.awaitLine("hop b-node", "could not deliver the outcome", "deadline.exceeded");
    assertEquals(0, c.calls(), "the chain never reached c");
    assertEquals(0, edge.stats().repliesAccepted());
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }
}
