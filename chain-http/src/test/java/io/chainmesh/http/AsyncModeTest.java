package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static io.chainmesh.http.faults.NamedHops.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.RawHop;
import io.chainmesh.http.faults.Relay;
import io.chainmesh.http.faults.Throwing;
import io.chainmesh.http.testing.TestChains;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous return: the caller gets {@code 202 Accepted}; the chain's outcome — answer, early
 * end, failure or refusal — is delivered once to the reply-to target (here a MockWebServer playing
 * the edge) by the hop that holds it, with its status and a verifiable record route.
 */
class AsyncModeTest {
  private final TestChains chains = new TestChains();
  private final NamedHops hops = new NamedHops(chains);
  private final MockWebServer edge = new MockWebServer();
  private final Relay a = new Relay("a");
  private final Relay b = new Relay("b");
  private final Relay c = new Relay("c");
  private volatile int edgeStatus = 200;
  private RawHop raw;

  @BeforeEach
  void startEdge() throws IOException {
    edge.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(edgeStatus).build();
      }
    });
    edge.start(InetAddress.getLoopbackAddress(), 0);
    hops.route("edge", edge.url("/replies").uri());
  }

  @AfterEach
  void closeChains() {
    if (raw != null) {
      raw.close();
    }
    chains.close();
    edge.close();
  }

  /** Ends the chain early. */
  public static final class Blocking {
    @ChainFunction("block")
    public ChainReply block(String body) {
      return ChainReply.status(403, "blocked");
    }
  }

  @Test
  void answerIsDeliveredToReplyToWithItsStatusBodyAndARouteRecordPerHop() throws Exception {
    serveRelays();

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest reply = takeReply();
    assertEquals("200", reply.getHeaders().get(ChainHeaders.REPLY_STATUS));
    assertEquals("x>a>b>c", reply.getBody().utf8());
    assertNull(reply.getHeaders().get(ChainHeaders.DESCRIPTOR), "the descriptor does not leave the chain");
    List<RouteRecord> route = route(reply);
    assertEquals(List.of(node("a"), node("b"), node("c")), route.stream().map(RouteRecord::node).toList());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.FORWARDED, Outcome.ANSWERED),
        route.stream().map(RouteRecord::outcome).toList());
    assertEquals(1, edge.getRequestCount(), "delivered once");
  }

  @Test
  void hopWhoseNextHopDoesNotAcceptDeliversBadResponseToReplyTo() throws Exception {
    hops.serve("a", a);
    raw = RawHop.start(RawHop.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
        + "Connection: close\r\n\r\nok"));
    hops.route("b", raw.uri());

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest reply = takeReply();
    ChainProblem problem = deliveredProblem(reply, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(node("a"), problem.hop().orElseThrow());
    assertEquals(Outcome.FAILED, last(route(reply)).outcome());
  }

  @Test
  void failureAtTheThirdHopIsDeliveredToReplyToNamingItWhileTheCallerGot202() throws Exception {
    hops.serve("a", a);
    hops.serve("b", b);
    hops.serve("c", new Throwing(new RuntimeException("internal detail")));

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/explode"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest reply = takeReply();
    ChainProblem problem = deliveredProblem(reply, 500, Reason.HANDLER_FAILED);
    assertEquals(OptionalInt.of(2), problem.segmentIndex());
    assertEquals("c/explode", problem.segment().orElseThrow());
    assertEquals(node("c"), problem.hop().orElseThrow());
    RouteRecord last = last(route(reply));
    assertEquals(node("c"), last.node());
    assertEquals(Outcome.FAILED, last.outcome());
    assertEquals(1, a.calls());
    assertEquals(1, b.calls());
    assertEquals(1, edge.getRequestCount(), "delivered once, by the hop that failed");
  }

  @Test
  void refusalByAHopIsDeliveredByThePreviousHop() throws Exception {
    KeyRing otherRing = KeyRing.builder()
        .addKey("other-key", "another-secret-that-is-long-enough-0123".getBytes(StandardCharsets.US_ASCII)).build();
    hops.serve("a", a);
    hops.serve("b", hops.hop("b").functions(b).keys(otherRing));
    hops.serve("c", c);

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest reply = takeReply();
    ChainProblem problem = deliveredProblem(reply, 401, Reason.INTEGRITY_UNKNOWN_KEY);
    assertEquals(node("b"), problem.hop().orElseThrow());
    RouteRecord last = last(route(reply));
    assertEquals(node("a"), last.node(), "a holds a verified reply-to and delivers b's refusal");
    assertEquals(Outcome.FAILED, last.outcome());
    assertEquals(0, b.calls());
    assertEquals(0, c.calls());
  }

  @Test
  void firstHopAnswers202BeforeTheRestOfTheChainHasRun() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    hops.serve("a", a);
    hops.serve("b", new Gate(release));
    hops.serve("c", c);

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/gate", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    assertEquals(0, c.calls(), "the caller got its 202 while hop b still holds the chain");
    release.countDown();
    RecordedRequest reply = takeReply();
    assertEquals("200", reply.getHeaders().get(ChainHeaders.REPLY_STATUS));
    assertEquals(1, c.calls());
  }

  /** Holds the chain until released, as a slow function would. */
  static final class Gate {
    private final java.util.concurrent.CountDownLatch release;

    Gate(java.util.concurrent.CountDownLatch release) {
      this.release = release;
    }

    @ChainFunction("gate")
    public String run(String body) throws InterruptedException {
      if (!release.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      return body;
    }
  }

  @Test
  void replyToDownIsCountedUndeliveredWhileTheCallerGets202Promptly() {
    ChainServer[] served = serveRelays();
    edge.close();

    long started = System.nanoTime();
    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(202, accepted.status(), accepted::bodyString);
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, () -> "the caller waited " + took);
    assertUndelivered(served, 0, 0, 1);
  }

  @Test
  void replyToFailingIsCountedUndeliveredAndNotSentAgain() throws Exception {
    ChainServer[] served = serveRelays();
    edgeStatus = 500;

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    assertNotNull(takeReply());
    assertUndelivered(served, 0, 0, 1);
    assertEquals(1, edge.getRequestCount(), "a 500 may mean reply-to acted on it: not sent again");
  }

  @Test
  void replyToUnavailableIsSentAgainUpToTheRetryPolicysAttemptsThenCountedUndelivered() throws Exception {
    ChainServer[] served = serveRelays();
    edgeStatus = 503;

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    assertNotNull(takeReply());
    assertUndelivered(served, 0, 0, 1);
    assertEquals(RetryPolicy.DEFAULT.maxAttempts(), edge.getRequestCount());
  }

  @Test
  void replyToUnavailableOnceGetsTheOutcomeOnTheNextAttempt() throws Exception {
    ChainServer[] served = serveRelays();
    edge.setDispatcher(new Dispatcher() {
      private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(calls.getAndIncrement() == 0 ? 503 : 204).build();
      }
    });

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/relay", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest first = takeReply();
    RecordedRequest second = takeReply();
    assertEquals(first.getHeaders().get(ChainHeaders.REPLY_STATUS), second.getHeaders().get(ChainHeaders.REPLY_STATUS));
    assertEquals(first.getBody(), second.getBody(), "the same outcome, whole, again");
    assertUndelivered(served, 0, 0, 0);
  }

  @Test
  void earlyEndIsDeliveredToReplyToWithItsStatus() throws Exception {
    hops.serve("a", a);
    hops.serve("b", new Blocking());
    hops.serve("c", c);

    ChainResponse accepted = chains.send(asyncChain("a/relay", "b/block", "c/relay"), "x", TestChains.TEXT);

    assertEquals(202, accepted.status(), accepted::bodyString);
    RecordedRequest reply = takeReply();
    assertEquals("403", reply.getHeaders().get(ChainHeaders.REPLY_STATUS));
    assertEquals("blocked", reply.getBody().utf8());
    RouteRecord last = last(route(reply));
    assertEquals(node("b"), last.node());
    assertEquals(Outcome.ENDED_EARLY, last.outcome());
    assertEquals(0, c.calls());
  }

  private ChainServer[] serveRelays() {
    return new ChainServer[] {hops.serve("a", a), hops.serve("b", b), hops.serve("c", c)};
  }

  private static ChainDescriptor asyncChain(String... segments) {
    return chain(segments).async(Segment.of("edge")).build();
  }

  private RecordedRequest takeReply() throws InterruptedException {
    RecordedRequest reply = edge.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(reply, "nothing was delivered to reply-to");
    return reply;
  }

  private static ChainProblem deliveredProblem(RecordedRequest reply, int status, Reason reason) {
    assertEquals(Integer.toString(status), reply.getHeaders().get(ChainHeaders.REPLY_STATUS));
    String contentType = reply.getHeaders().get("Content-Type");
    assertTrue(contentType != null && contentType.startsWith(ChainHeaders.PROBLEM_JSON), contentType);
    ChainProblem problem = ChainProblem.parse(reply.getBody().toByteArray())
        .orElseThrow(() -> new AssertionError("not a problem: " + reply.getBody().utf8()));
    assertEquals(reason.code(), problem.reasonCode(), problem::toString);
    assertEquals(status, problem.status());
    return problem;
  }

  private static List<RouteRecord> route(RecordedRequest reply) {
    String header = reply.getHeaders().get(ChainHeaders.ROUTE);
    assertNotNull(header, "the delivery carries a Chain-Route");
    return TestChains.decode(header).route();
  }

  private static RouteRecord last(List<RouteRecord> route) {
    return route.get(route.size() - 1);
  }

  /**
   * Waits (up to 5 s) until the hops' undelivered counts are {@code expected}: a hop answers 202 as
   * soon as it takes a request on, so the rest of the chain finishes after the caller has its answer.
   */
  private static void assertUndelivered(ChainServer[] served, long... expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String want = java.util.Arrays.toString(expected);
    String actual;
    do {
      long[] counts = new long[served.length];
      for (int i = 0; i < served.length; i++) {
        counts[i] = served[i].hop().undeliveredReplies();
      }
      actual = java.util.Arrays.toString(counts);
      if (actual.equals(want)) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (System.nanoTime() < deadline);
    assertEquals(want, actual, "undelivered replies per hop");
  }
}
