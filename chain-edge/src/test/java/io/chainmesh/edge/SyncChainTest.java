package io.chainmesh.edge;

import static io.chainmesh.edge.EdgeTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainServer;
import java.net.URI;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Synchronous chains through real hops on loopback. */
class SyncChainTest {
  private static final String CATALOGUE = """
      services: [upper, exclaim, reverse, stop, fail, inspect, solo, gone]
      chains:
        - name: shout
          match: POST /shout
          segments: [upper, exclaim, reverse]
        - name: halt
          match: POST /halt
          segments: [upper, stop, reverse]
        - name: broken
          match: POST /broken
          segments: [upper, exclaim, fail]
        - name: inspect
          match:
            method: "*"
            path: /tenants/{tenant}/inspect
          segments: [upper, inspect]
          metadata:
            tenant: {path: tenant}
            channel: web
            customer.tier: {header: Customer-Tier, default: standard}
        - name: solo
          match: POST /solo
          segments: [solo]
        - name: gone
          match: POST /gone
          segments: [gone]
      """;
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private final EdgeTestKit kit = new EdgeTestKit();

  @BeforeEach
  void startHops() {
    kit.hop("upper", new TestFunctions.Upper());
    kit.hop("exclaim", new TestFunctions.Exclaim());
    kit.hop("reverse", new TestFunctions.Reverse());
    kit.hop("stop", new TestFunctions.Stop());
    kit.hop("fail", new TestFunctions.Fail());
    kit.hop("inspect", new TestFunctions.Inspect());
    kit.route("gone", URI.create("http://127.0.0.1:1/"));
  }

  @AfterEach
  void stopEverything() {
    kit.close();
  }

  @Test
  void syncChainThroughThreeHopsAnswersTheClient() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/shout", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
    assertEquals(EdgeTestKit.TEXT, answer.header("Content-Type"));
    assertEquals(1, edge.stats().chainsStarted());
    assertEquals(0, edge.stats().transitUnproven());
  }

  @Test
  void clientsDoNotGetTheRouteUnlessExposureIsOptedIn() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/shout", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertNull(answer.header(ChainHeaders.ROUTE));
  }

  @Test
  void exposedRouteShowsEveryHopInOrder() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.exposeRoute(true));

    ChainDescriptor route = kit.post(edge, "/shout", "hello").route();

    assertEquals("shout", route.chainName().orElseThrow());
    assertEquals(segments("upper", "exclaim", "reverse"), route.segments());
    assertEquals(List.of("upper-node", "exclaim-node", "reverse-node"),
        route.route().stream().map(RouteRecord::node).toList());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.FORWARDED, Outcome.ANSWERED),
        route.route().stream().map(RouteRecord::outcome).toList());
  }

  @Test
  void earlyEndReachesTheClientWithTheEndingHopsAnswer() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.exposeRoute(true));

    EdgeTestKit.Answer answer = kit.post(edge, "/halt", "x");

    assertEquals(403, answer.status(), answer::toString);
    assertEquals("stopped: X", answer.body());
    RouteRecord last = answer.route().route().get(1);
    assertEquals(Outcome.ENDED_EARLY, last.outcome());
    assertEquals(2, answer.route().route().size());
  }

  @Test
  void deepFailureReachesTheClientNamingTheFailingHop() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/broken", "x");

    assertEquals(500, answer.status(), answer::toString);
    assertEquals(ChainHeaders.PROBLEM_JSON, answer.header("Content-Type"));
    ChainProblem problem = answer.problem();
    assertEquals("handler.failed", problem.reasonCode());
    assertEquals("fail-node", problem.hop().orElseThrow());
    assertEquals(2, problem.segmentIndex().orElseThrow());
    assertEquals("fail", problem.segment().orElseThrow());
    assertTrue(problem.chainId().isPresent());
  }

  @Test
  void requestMatchingNoChainGets404NoRoute() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.call(edge.uri().resolve("/nothing/here"), "GET", null);

    assertEquals(404, answer.status(), answer::toString);
    assertEquals(ChainHeaders.PROBLEM_JSON, answer.header("Content-Type"));
    assertEquals("edge.no_route", answer.reason());
    assertEquals(0, edge.stats().chainsStarted());
  }

  @Test
  void edgeMetadataComesFromPathVariableLiteralAndHeader() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.call(edge.uri().resolve("/tenants/acme/inspect"), "GET", null,
        "Customer-Tier", "gold");

    assertEquals(200, answer.status(), answer::toString);
    assertTrue(answer.body().startsWith("name=inspect metadata={tenant=acme, channel=web, customer.tier=gold}"),
        answer::body);
  }

  @Test
  void clientChainHeadersCannotInjectOrExtendTheChain() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.exposeRoute(true));
    // A genuinely signed descriptor the client got hold of, for a chain of its own choosing.
    String injected = EdgeTestKit.CODEC.encode(ChainDescriptor.builder().chainName("evil")
        .segments(segments("reverse")).build());

    EdgeTestKit.Answer answer = kit.post(edge, "/shout", "hello",
        "Chain-Descriptor", injected, "chain-descriptor", injected, "CHAIN-ROUTE", injected);

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
    assertEquals("shout", answer.route().chainName().orElseThrow());
    assertEquals(segments("upper", "exclaim", "reverse"), answer.route().segments());
  }

  @Test
  void firstHopReceivesOnlyTheDescriptorTheEdgeBuilt() throws InterruptedException {
    MockWebServer solo = kit.answeringHop("solo", "done");
    ChainEdge edge = kit.edge(CATALOGUE);
    String injected = EdgeTestKit.CODEC.encode(ChainDescriptor.builder().chainName("evil")
        .segments(segments("solo", "reverse")).build());

    EdgeTestKit.Answer answer = kit.post(edge, "/solo", "{\"a\":1}",
        "Chain-Descriptor", injected, "Chain-Route", injected);

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("done", answer.body());
    RecordedRequest received = solo.takeRequest();
    assertEquals("POST", received.getMethod());
    assertEquals(1, received.getHeaders().values(ChainHeaders.DESCRIPTOR).size());
    assertNull(received.getHeaders().get(ChainHeaders.ROUTE));
    ChainDescriptor d = EdgeTestKit.descriptorOf(received);
    assertEquals("solo", d.chainName().orElseThrow());
    assertEquals(segments("solo"), d.segments());
    assertEquals(0, d.pointer());
    assertEquals("{\"a\":1}", received.getBody().utf8());
    assertEquals(EdgeTestKit.TEXT, received.getHeaders().get("Content-Type"));
  }

  @Test
  void clientTraceContextIsContinuedWithTheEdgesOwnSpan() throws InterruptedException {
    MockWebServer solo = kit.answeringHop("solo", "done");
    ChainEdge edge = kit.edge(CATALOGUE);
    String traceparent = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    kit.post(edge, "/solo", "x", "traceparent", traceparent);

    String sent = solo.takeRequest().getHeaders().get("traceparent");
    assertTrue(sent.startsWith("00-" + TRACE_ID + "-"), sent);
    assertNotEquals(traceparent, sent);
  }

  @Test
  void requestCarryingReplyStatusIsNeverTakenForAClientRequest() {
    MockWebServer solo = kit.answeringHop("solo", "done");
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/solo", "x", "chain-reply-status", "200");

    assertEquals(400, answer.status(), answer::toString);
    assertEquals("descriptor.missing", answer.reason());
    assertEquals(0, solo.getRequestCount());
    assertEquals(1, edge.stats().repliesForged());
  }

  @Test
  void unreachableFirstHopGives502NamingTheSegment() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/gone", "x");

    assertEquals(502, answer.status(), answer::toString);
    ChainProblem problem = answer.problem();
    assertEquals("next_hop.unreachable", problem.reasonCode());
    assertEquals("gone", problem.segment().orElseThrow());
    assertEquals("edge-node", problem.hop().orElseThrow());
  }

  @Test
  void firstHopsRedirectIsNotFollowedEvenIfTheEdgesClientWould() {
    MockWebServer elsewhere = kit.fake("elsewhere", new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("collected").build();
      }
    });
    kit.fake("solo", new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(307).setHeader("Location", elsewhere.url("/collect").toString()).build();
      }
    });
    // An application's own client with OkHttp's defaults: it follows redirects and retries.
    OkHttpClient client = new OkHttpClient.Builder().build();
    try {
      ChainEdge edge = kit.edge(CATALOGUE, b -> b.httpClient(client));

      EdgeTestKit.Answer answer = kit.post(edge, "/solo", "x");

      assertEquals(502, answer.status(), answer::toString);
      assertEquals("transit.unproven", answer.problem().reasonCode(), "a 3xx carries no route to prove");
      assertEquals(0, elsewhere.getRequestCount(), "the signed descriptor was sent where the redirect pointed");
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void firstHopRestartedBetweenChainsIsReachedOnAFreshConnection() {
    ChainServer first = kit.hop("upper", new TestFunctions.Upper());
    ChainEdge edge = kit.edge(CATALOGUE);
    assertEquals(200, kit.post(edge, "/shout", "hello").status());
    int port = first.port();
    first.close();
    kit.hop("upper", new TestFunctions.Upper(), port);

    EdgeTestKit.Answer answer = kit.post(edge, "/shout", "again");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!NIAGA", answer.body());
  }

  @Test
  void firstHopAnswering503RetryAfterZeroGetsTheRequestOnce() {
    MockWebServer solo = kit.fake("solo", new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(503).setHeader("Retry-After", "0").build();
      }
    });
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/solo", "x");

    assertEquals(502, answer.status(), answer::toString);
    assertEquals(1, solo.getRequestCount(), "the edge sent the chain twice");
  }
}
