package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An asynchronous chain {@code a → b → c} whose reply-to target (the edge, as the hops resolve it)
 * cannot take the result. The last hop retries within its bounds, then gives up, logs and counts
 * the undelivered outcome; the edge's waiting client gets 504 at the edge's async timeout, never a
 * hang; nothing is held afterwards.
 */
class AsyncReplyToDownTest {
  private static final Duration ASYNC_TIMEOUT = Duration.ofMillis(1500);
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: abc-async
          match: POST /abc
          segments: [a/append, b/append, c/append]
          returnMode: async
      """;

  private ResourceProbe probe;
  private LoopbackDomain domain;
  private LogCapture logs;
  private ChainServer c;
  private ChainEdge edge;

  @BeforeEach
  void startChain() {
    probe = ResourceProbe.afterWarmUp();
    logs = LogCapture.start();
    domain = new LoopbackDomain();
    domain.hop("a", new TextFunctions.Append());
    domain.hop("b", new TextFunctions.Append());
    c = domain.hop("c", new TextFunctions.Append());
    edge = domain.edge(CATALOGUE, b -> b.asyncTimeout(ASYNC_TIMEOUT));
  }

  @AfterEach
  void everythingIsReleased() {
    domain.close();
    logs.close();
    probe.assertReleased();
  }

  @Test
  void replyToRefusingConnectionsIsRetriedBrieflyThenCountedAndLoggedAndTheClientGets504() {
    domain.route("edge", LoopbackDomain.unusedAddress());

    long started = System.nanoTime();
    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(504, answer.status(), answer::toString);
    assertEquals("deadline.exceeded", answer.reason());
    assertEquals("edge-node", answer.problem().hop().orElseThrow());
    assertTrue(took.compareTo(ASYNC_TIMEOUT) >= 0 && took.compareTo(ASYNC_TIMEOUT.plusSeconds(2)) < 0,
        () -> "answered after " + took.toMillis() + " ms");
    assertEquals(1, c.hop().undeliveredReplies(), "the last hop gave up before the client's timeout");
    logs.awaitLine("hop c-node", "could not deliver the outcome (status 200)", "next_hop.unreachable");
    assertEquals(1, edge.stats().asyncTimeouts());
    assertEquals(0, edge.stats().parkedRequests());
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }

  @Test
  void replyToAnswering503GetsTheOutcomeAgainUpToTheRetryPolicysAttemptsThenTheClientGets504() {
    MisbehavingHop brokenReplyTo = MisbehavingHop.start(MisbehavingHop.answers(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    domain.push(brokenReplyTo);
    domain.route("edge", brokenReplyTo.uri());

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");

    assertEquals(504, answer.status(), answer::toString);
    assertEquals("deadline.exceeded", answer.reason());
    assertEquals(RetryPolicy.DEFAULT.maxAttempts(), brokenReplyTo.arrivals(),
        "a 503 says reply-to did not take the outcome: sent again, a bounded number of times");
    assertEquals(1, c.hop().undeliveredReplies());
    logs.awaitLine("hop c-node", "could not deliver the outcome", "reply-to answered 503");
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }
}
