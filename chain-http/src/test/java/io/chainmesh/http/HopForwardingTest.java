package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.JSON;
import static io.chainmesh.http.testing.TestChains.TEXT;
import static io.chainmesh.http.testing.TestChains.assertProblem;
import static io.chainmesh.http.testing.TestChains.chain;
import static io.chainmesh.http.testing.TestChains.chainOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.Quote;
import io.chainmesh.http.testing.TestChains;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hop pipeline end to end: forwarding, the record route, the Forwarder contract, the hop limit. */
class HopForwardingTest {
  private final TestChains chains = new TestChains();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  /** Counts its runs, keeps the context of the last one, and appends its name to a text body. */
  abstract static class Step {
    final AtomicInteger calls = new AtomicInteger();
    volatile ChainContext seen;

    String pass(String body, ChainContext chain, String name) {
      calls.incrementAndGet();
      seen = chain;
      return body + ">" + name;
    }
  }

  static final class First extends Step {
    @ChainFunction("first")
    public String run(String body, ChainContext chain) {
      return pass(body, chain, "first");
    }
  }

  static final class Second extends Step {
    @ChainFunction("second")
    public String run(String body, ChainContext chain) {
      return pass(body, chain, "second");
    }
  }

  static final class Third extends Step {
    @ChainFunction("third")
    public String run(String body, ChainContext chain) {
      return pass(body, chain, "third");
    }
  }

  /** The last step of the sync chain: answers with a JSON quote of the text it got. */
  static final class Quoting extends Step {
    @ChainFunction("quote")
    public Quote run(String body, ChainContext chain) {
      pass(body, chain, "quote");
      return new Quote(body, 1234);
    }
  }

  private First first;
  private Second second;
  private Quoting quoting;

  private ChainResponse sendThroughThreeHops() {
    first = new First();
    second = new Second();
    quoting = new Quoting();
    chains.serve("n1", first);
    chains.serve("n2", second);
    chains.serve("n3", quoting);
    return chains.send(chain("first", "second", "quote"), "order", TEXT);
  }

  @Test
  void forwardsToNextSegmentWithAdvancedPointer() {
    ChainResponse answer = sendThroughThreeHops();

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(List.of(1, 1, 1), List.of(first.calls.get(), second.calls.get(), quoting.calls.get()));
    assertEquals(0, first.seen.segmentIndex());
    assertEquals(1, second.seen.segmentIndex());
    assertEquals(2, quoting.seen.segmentIndex());
    assertTrue(quoting.seen.isLastSegment());
    assertEquals(first.seen.chainId(), quoting.seen.chainId());
  }

  @Test
  void decrementsHopLimitAtEveryHop() {
    sendThroughThreeHops();

    assertEquals(List.of(3, 2, 1), List.of(first.seen.descriptor().hopLimit(), second.seen.descriptor().hopLimit(),
        quoting.seen.descriptor().hopLimit()));
  }

  @Test
  void returnsLastHopAnswerUnchangedToCaller() {
    ChainResponse answer = sendThroughThreeHops();

    assertEquals(200, answer.status());
    assertEquals(JSON, answer.contentType().orElseThrow());
    assertArrayEquals(BodyCodec.json().write(new Quote("order>first>second", 1234)), answer.body());
  }

  @Test
  void recordsOneRouteRecordPerHopInOrder() {
    ChainResponse answer = sendThroughThreeHops();

    List<RouteRecord> route = answer.route();
    assertEquals(List.of(0, 1, 2), route.stream().map(RouteRecord::segmentIndex).toList());
    assertEquals(List.of("n1", "n2", "n3"), route.stream().map(RouteRecord::node).toList());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.FORWARDED, Outcome.ANSWERED),
        route.stream().map(RouteRecord::outcome).toList());
    assertEquals(quoting.seen.chainId(), answer.finalDescriptor().orElseThrow().chainId());
  }

  /** Answers with a status and content type of its own choosing. */
  static final class Creating {
    @ChainFunction("create")
    public ChainReply run(byte[] body) {
      return ChainReply.status(201, body).withContentType("application/vnd.chainmesh-test");
    }
  }

  @Test
  void relaysDownstreamStatusAndContentTypeUnchanged() {
    chains.serve("n1", new First());
    chains.serve("n2", new Second());
    chains.serve("n3", new Creating());

    ChainResponse answer = chains.send(chain("first", "second", "create"), "order", TEXT);

    assertEquals(201, answer.status());
    assertEquals("application/vnd.chainmesh-test", answer.contentType().orElseThrow());
    assertEquals("order>first>second", answer.bodyString());
    assertEquals(List.of("n1", "n2", "n3"), answer.route().stream().map(RouteRecord::node).toList());
  }

  /** Ends every chain it serves with 403. */
  static final class Blocking {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("block")
    public ChainReply run(String body) {
      calls.incrementAndGet();
      return ChainReply.status(403, "blocked: " + body);
    }
  }

  @Test
  void endsChainEarlyWithReplyStatusAndBody() {
    First first = new First();
    Blocking blocking = new Blocking();
    Third third = new Third();
    chains.serve("n1", first);
    chains.serve("n2", blocking);
    chains.serve("n3", third);

    ChainResponse answer = chains.send(chain("first", "block", "third"), "order", TEXT);

    assertEquals(403, answer.status());
    assertEquals(TEXT, answer.contentType().orElseThrow());
    assertEquals("blocked: order>first", answer.bodyString());
    assertEquals(0, third.calls.get());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.ENDED_EARLY), answer.route().stream().map(RouteRecord::outcome).toList());
    assertEquals(List.of("n1", "n2"), answer.route().stream().map(RouteRecord::node).toList());
  }

  @Test
  void recordsReplyOfTheLastSegmentAsTheAnswer() {
    chains.serve("n1", new First());
    chains.serve("n2", new Blocking());

    ChainResponse answer = chains.send(chain("first", "block"), "order", TEXT);

    assertEquals(403, answer.status());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.ANSWERED), answer.route().stream().map(RouteRecord::outcome).toList());
  }

  /** Scores the body and tells downstream hops the score through the context. */
  static final class Scoring {
    @ChainFunction("score")
    public ChainReply run(String body, Forwarder next) {
      return next.forward(body + ">score", Map.of("fraud.score", "0.12"));
    }
  }

  /** Answers with the metadata it can see. */
  static final class ReadingMetadata {
    volatile ChainContext seen;

    @ChainFunction("read")
    public String run(String body, ChainContext chain) {
      seen = chain;
      return body + " score=" + chain.metadata("fraud.score").orElse("none") + " tier="
          + chain.metadata("customer.tier").orElse("none");
    }
  }

  @Test
  void forwardsContextMetadataVisibleDownstream() {
    chains.serve("n1", new Scoring());
    ReadingMetadata reader = new ReadingMetadata();
    chains.serve("n2", reader);

    ChainResponse answer = chains.send(chainOf("score", "read").edgeMetadata("customer.tier", "gold").build(), "q", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("q>score score=0.12 tier=gold", answer.bodyString());
    assertEquals(Map.of("fraud.score", "0.12"), reader.seen.descriptor().contextMetadata());
    assertEquals(Map.of("customer.tier", "gold"), reader.seen.descriptor().edgeMetadata());
  }

  /** Tries to overwrite an entry the edge set. */
  static final class Overwriting {
    @ChainFunction("overwrite")
    public ChainReply run(String body, Forwarder next) {
      next.context("customer.tier", "platinum");
      return next.forward(body);
    }
  }

  @Test
  void refusesContextOnEdgeKeyWithReadOnly() {
    chains.serve("n1", new Overwriting());
    ReadingMetadata reader = new ReadingMetadata();
    chains.serve("n2", reader);

    ChainResponse answer = chains.send(chainOf("overwrite", "read").edgeMetadata("customer.tier", "gold").build(), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 400, Reason.METADATA_READ_ONLY);
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(0, problem.segmentIndex().orElseThrow());
    assertNull(reader.seen);
  }

  /** Which function ran, in order. */
  private final List<String> visits = new CopyOnWriteArrayList<>();

  /** Inserts a detour after itself, then forwards. */
  final class Inserting {
    @ChainFunction("insert")
    public ChainReply run(String body, Forwarder next) {
      visits.add("insert");
      next.insertAfterCurrent(List.of(Segment.of("detour")));
      return next.forward(body + ">insert");
    }
  }

  final class Detour {
    @ChainFunction("detour")
    public String run(String body) {
      visits.add("detour");
      return body + ">detour";
    }
  }

  final class Last {
    @ChainFunction("last")
    public String run(String body) {
      visits.add("last");
      return body + ">last";
    }
  }

  @Test
  void visitsInsertedSubChainNextThenTheRest() {
    chains.serve("n1", new Inserting());
    chains.serve("n2", new Detour());
    chains.serve("n3", new Last());

    ChainResponse answer = chains.send(chainOf("insert", "last").hopLimit(8).build(), "q", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("q>insert>detour>last", answer.bodyString());
    assertEquals(List.of("insert", "detour", "last"), visits);
    assertEquals(List.of("n1", "n2", "n3"), answer.route().stream().map(RouteRecord::node).toList());
    ChainDescriptor last = answer.finalDescriptor().orElseThrow();
    assertEquals(List.of(Segment.of("insert"), Segment.of("detour"), Segment.of("last")), last.segments());
    assertEquals(1, last.insertedSegments());
  }

  @Test
  void refusesInsertionBeyondHopLimitAtTheInsertingHop() {
    chains.serve("n1", new Inserting());
    chains.serve("n2", new Detour());
    chains.serve("n3", new Last());

    ChainResponse answer = chains.send(chain("insert", "last"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 508, Reason.HOP_LIMIT_EXCEEDED);
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(List.of("insert"), visits);
  }

  /** Breaks the "forward at most once" rule. */
  static final class ForwardingTwice {
    @ChainFunction("twice")
    public ChainReply run(String body, Forwarder next) {
      next.forward(body);
      return next.forward(body);
    }
  }

  @Test
  void failsWithHandlerFailedWhenForwardingTwice() {
    chains.serve("n1", new ForwardingTwice());
    Second second = new Second();
    chains.serve("n2", second);

    ChainResponse answer = chains.send(chain("twice", "second"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertTrue(problem.detail().contains("forward() was called twice"), problem::detail);
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(1, second.calls.get());
  }

  /** Forwards, then fails. */
  static final class FailingAfterForward {
    @ChainFunction("regret")
    public ChainReply run(String body, Forwarder next) {
      next.forward(body);
      throw new IllegalArgumentException("changed my mind");
    }
  }

  @Test
  void releasesDownstreamConnectionWhenFunctionFailsAfterForward() {
    ConnectionPool pool = new ConnectionPool();
    OkHttpClient client = chains.http().newBuilder().connectionPool(pool).build();
    chains.serve(chains.hop("n1").functions(new ForwardingTwice(), new FailingAfterForward()).httpClient(client));
    chains.serve("n2", new Second());

    assertProblem(chains.send(chain("twice", "second"), "q", TEXT), 500, Reason.HANDLER_FAILED);
    assertProblem(chains.send(chain("regret", "second"), "q", TEXT), 500, Reason.HANDLER_FAILED);

    try {
      assertTrue(pool.connectionCount() > 0);
      assertEquals(pool.connectionCount(), pool.idleConnectionCount(), "connections still held by unclosed answers");
    } finally {
      pool.evictAll();
    }
  }

  /** Forwards, then returns something other than the reply it got. */
  static final class ReturningAnotherBody {
    @ChainFunction("swap")
    public Object run(String body, Forwarder next) {
      next.forward(body);
      return "something else";
    }
  }

  @Test
  void failsWithHandlerFailedWhenReturningAnotherBodyAfterForward() {
    chains.serve("n1", new ReturningAnotherBody());
    Second second = new Second();
    chains.serve("n2", second);
    ChainDescriptor chain = chain("swap", "second");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    ChainProblem problem = assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertTrue(problem.detail().contains("returned a body after forward()"), problem::detail);
    assertEquals(chain.chainId().toHex(), problem.chainId().orElseThrow());
    assertEquals(0, problem.segmentIndex().orElseThrow());
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(1, second.calls.get());
  }

  /** Adds context after it has already forwarded. */
  static final class ContextAfterForward {
    @ChainFunction("late")
    public ChainReply run(String body, Forwarder next) {
      ChainReply reply = next.forward(body);
      next.context("too.late", "yes");
      return reply;
    }
  }

  @Test
  void failsWithHandlerFailedWhenAddingContextAfterForward() {
    chains.serve("n1", new ContextAfterForward());
    chains.serve("n2", new Second());

    ChainResponse answer = chains.send(chain("late", "second"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertTrue(problem.detail().contains("context() was called after forward()"), problem::detail);
  }

  /** Forwards explicitly even though it is the last segment. */
  static final class ForwardingLast {
    @ChainFunction("answer")
    public ChainReply run(String body, Forwarder next) {
      return next.forward(body + ">answer");
    }
  }

  @Test
  void makesForwardedBodyTheAnswerAtLastSegment() {
    chains.serve("n1", new First());
    chains.serve("n2", new ForwardingLast());

    ChainResponse answer = chains.send(chain("first", "answer"), "q", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("q>first>answer", answer.bodyString());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.ANSWERED), answer.route().stream().map(RouteRecord::outcome).toList());
  }

  @Test
  void refusesWithHopLimitExceededAtTheHopThatCannotAdvance() {
    First first = new First();
    Second second = new Second();
    Third third = new Third();
    chains.serve("n1", first);
    chains.serve("n2", second);
    chains.serve("n3", third);

    ChainResponse answer = chains.send(chainOf("first", "second", "third").hopLimit(2).build(), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 508, Reason.HOP_LIMIT_EXCEEDED);
    assertEquals("n2", problem.hop().orElseThrow());
    assertEquals(1, problem.segmentIndex().orElseThrow());
    assertEquals(1, first.calls.get());
    assertEquals(0, second.calls.get(), "a hop that cannot forward does not run its function for nothing");
    assertEquals(0, third.calls.get());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.FAILED), answer.route().stream().map(RouteRecord::outcome).toList());
  }

  @Test
  void interceptorStripsDescriptorFromUntaggedRequests() throws Exception {
    try (MockWebServer outside = new MockWebServer()) {
      outside.start(InetAddress.getLoopbackAddress(), 0);
      outside.enqueue(new MockResponse.Builder().body("ok").build());
      OkHttpClient client = chains.http().newBuilder()
          .addInterceptor(new ChainInterceptor(ChainCodec.builder(TestChains.KEYS).build())).build();
      Request request = new Request.Builder().url(outside.url("/api"))
          .header(ChainHeaders.DESCRIPTOR, TestChains.encode(chain("first")))
          .build();

      try (Response response = client.newCall(request).execute()) {
        assertEquals(200, response.code());
      }

      RecordedRequest recorded = outside.takeRequest(5, TimeUnit.SECONDS);
      assertNull(recorded.getHeaders().get(ChainHeaders.DESCRIPTOR));
    }
  }

  @Test
  void interceptorSignsAndSetsDescriptorOfTaggedRequests() throws Exception {
    try (MockWebServer nextHop = new MockWebServer()) {
      nextHop.start(InetAddress.getLoopbackAddress(), 0);
      nextHop.enqueue(new MockResponse.Builder().body("ok").build());
      OkHttpClient client = chains.http().newBuilder()
          .addInterceptor(new ChainInterceptor(ChainCodec.builder(TestChains.KEYS).build())).build();
      ChainDescriptor descriptor = chain("first", "second");
      Request request = new Request.Builder().url(nextHop.url("/"))
          .header(ChainHeaders.DESCRIPTOR, "stale-value-from-the-application")
          .post(RequestBody.create("q", MediaType.get(TEXT)))
          .tag(ChainDescriptor.class, descriptor)
          .build();

      try (Response response = client.newCall(request).execute()) {
        assertEquals(200, response.code());
      }

      RecordedRequest recorded = nextHop.takeRequest(5, TimeUnit.SECONDS);
      List<String> headers = recorded.getHeaders().values(ChainHeaders.DESCRIPTOR);
      assertEquals(1, headers.size(), headers::toString);
      assertEquals(descriptor, TestChains.decode(headers.get(0)));
    }
  }
}
