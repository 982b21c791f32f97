package io.chainmesh.edge;

import static io.chainmesh.edge.EdgeTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Segment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Asynchronous chains: the edge parks the client until the reply is delivered to it. */
class AsyncChainTest {
  private static final String CATALOGUE = """
      services: [upper, exclaim, reverse, stop, pending]
      chains:
        - name: shout-later
          match: POST /later
          segments: [upper, exclaim, reverse]
          returnMode: async
        - name: halt-later
          match: POST /halt-later
          segments: [upper, stop, reverse]
          returnMode: async
        - name: pending
          match: POST /pending
          segments: [pending]
          returnMode: async
      """;

  private final EdgeTestKit kit = new EdgeTestKit();
  private MockWebServer pending;
  // Not the common pool: Java 25's CompletableFuture uses it however small (1 thread on 2 cores).
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeEach
  void startHops() {
    kit.hop("upper", new TestFunctions.Upper());
    kit.hop("exclaim", new TestFunctions.Exclaim());
    kit.hop("reverse", new TestFunctions.Reverse());
    kit.hop("stop", new TestFunctions.Stop());
    pending = kit.acceptingHop("pending");
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    kit.close();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<EdgeTestKit.Answer> postInBackground(ChainEdge edge, String path, String body) {
    return CompletableFuture.supplyAsync(() -> kit.post(edge, path, body), background);
  }

  /** The descriptor the pending hop got with the next request. */
  private ChainDescriptor nextIssued() throws InterruptedException {
    return EdgeTestKit.descriptorOf(pending.takeRequest(5, TimeUnit.SECONDS));
  }

  @Test
  void asyncChainDeliversTheFinalAnswerToTheWaitingClient() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/later", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
    assertEquals(1, edge.stats().repliesAccepted());
    assertEquals(0, edge.stats().parkedRequests());
    assertEquals(0, edge.stats().transitUnproven());
  }

  @Test
  void asyncEarlyEndReachesTheWaitingClient() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.exposeRoute(true));

    EdgeTestKit.Answer answer = kit.post(edge, "/halt-later", "x");

    assertEquals(403, answer.status(), answer::toString);
    assertEquals("stopped: X", answer.body());
    assertEquals(2, answer.route().route().size());
  }

  @Test
  void noReplyInTimeGives504DeadlineExceeded() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.asyncTimeout(Duration.ofMillis(300)));

    EdgeTestKit.Answer answer = kit.post(edge, "/pending", "x");

    assertEquals(504, answer.status(), answer::toString);
    assertEquals("deadline.exceeded", answer.reason());
    assertEquals(1, edge.stats().asyncTimeouts());
    assertEquals(0, edge.stats().parkedRequests());
  }

  @Test
  void requestBeyondTheParkingBoundGets503() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.maxParkedRequests(1).asyncTimeout(Duration.ofSeconds(10)));
    postInBackground(edge, "/pending", "first");
    EdgeTestKit.await("the first request is parked", () -> edge.stats().parkedRequests() == 1);

    EdgeTestKit.Answer second = kit.post(edge, "/pending", "second");

    assertEquals(503, second.status(), second::toString);
    assertEquals("hop.unavailable", second.reason());
    assertEquals(1, edge.stats().parkingRefused());
  }

  @Test
  void closingTheEdgeAnswersWaitingClientsWith503() throws Exception {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.asyncTimeout(Duration.ofSeconds(10)));
    CompletableFuture<EdgeTestKit.Answer> waiting = postInBackground(edge, "/pending", "x");
    EdgeTestKit.await("the request is parked", () -> edge.stats().parkedRequests() == 1);

    edge.close();

    EdgeTestKit.Answer answer = waiting.get(5, TimeUnit.SECONDS);
    assertEquals(503, answer.status(), answer::toString);
    assertEquals("hop.unavailable", answer.reason());
  }

  @Test
  void forgedReplyIsDroppedCountedAndNeverReachesTheClient() throws Exception {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.asyncTimeout(Duration.ofSeconds(10)));
    CompletableFuture<EdgeTestKit.Answer> waiting = postInBackground(edge, "/pending", "x");
    ChainDescriptor issued = nextIssued();
    EdgeTestKit.await("the request is parked", () -> edge.stats().parkedRequests() == 1);

    EdgeTestKit.Answer forged = kit.deliverReply(edge, issued, EdgeTestKit.FORGED_KEYS, 200, "forged");

    assertEquals(401, forged.status(), forged::toString);
    assertEquals("integrity.bad_mac", forged.reason());
    assertEquals(1, edge.stats().repliesForged());
    assertEquals(1, edge.stats().parkedRequests());
    assertFalse(waiting.isDone());
    assertEquals(204, kit.deliverReply(edge, issued, EdgeTestKit.KEYS, 200, "genuine").status());
    assertEquals("genuine", waiting.get(5, TimeUnit.SECONDS).body());
  }

  @Test
  void replyForAChainNoClientWaitsForIsDroppedAsUnknown() {
    ChainEdge edge = kit.edge(CATALOGUE);
    ChainDescriptor neverIssued = ChainDescriptor.builder().chainName("pending").segments(segments("pending"))
        .async(Segment.of("edge")).build();

    EdgeTestKit.Answer answer = kit.deliverReply(edge, neverIssued, EdgeTestKit.KEYS, 200, "stray");

    assertEquals(404, answer.status(), answer::toString);
    assertEquals("edge.reply_unmatched", answer.reason());
    assertEquals(1, edge.stats().repliesUnknown());
    assertEquals(0, edge.stats().repliesAccepted());
  }

  @Test
  void replyAfterTheClientTimedOutIsDroppedAsLate() throws InterruptedException {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.asyncTimeout(Duration.ofMillis(200)));
    assertEquals(504, kit.post(edge, "/pending", "x").status());
    ChainDescriptor issued = nextIssued();

    EdgeTestKit.Answer late = kit.deliverReply(edge, issued, EdgeTestKit.KEYS, 200, "too late");

    assertEquals(404, late.status(), late::toString);
    assertEquals("edge.reply_unmatched", late.reason());
    assertEquals(1, edge.stats().repliesLate());
    assertEquals(0, edge.stats().repliesAccepted());
  }

  @Test
  void replyReachesOnlyTheClientWhoseChainItCarries() throws Exception {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.asyncTimeout(Duration.ofSeconds(10)));
    CompletableFuture<EdgeTestKit.Answer> a = postInBackground(edge, "/pending", "a");
    CompletableFuture<EdgeTestKit.Answer> b = postInBackground(edge, "/pending", "b");
    mockwebserver3.RecordedRequest first = pending.takeRequest(5, TimeUnit.SECONDS);
    mockwebserver3.RecordedRequest second = pending.takeRequest(5, TimeUnit.SECONDS);
    boolean firstIsA = first.getBody().utf8().equals("a");
    ChainDescriptor chainA = EdgeTestKit.descriptorOf(firstIsA ? first : second);
    ChainDescriptor chainB = EdgeTestKit.descriptorOf(firstIsA ? second : first);
    EdgeTestKit.await("both requests are parked", () -> edge.stats().parkedRequests() == 2);

    kit.deliverReply(edge, chainB, EdgeTestKit.KEYS, 200, "for b");

    assertEquals("for b", b.get(5, TimeUnit.SECONDS).body());
    assertFalse(a.isDone());
    assertEquals(1, edge.stats().parkedRequests());
    kit.deliverReply(edge, chainA, EdgeTestKit.KEYS, 201, "for a");
    EdgeTestKit.Answer answerA = a.get(5, TimeUnit.SECONDS);
    assertEquals(201, answerA.status());
    assertEquals("for a", answerA.body());
  }
}
