package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.http.ChainServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proof of transit enforced on real answers: a key-holding hop that skips a segment, and answers whose
 * route is missing or does not verify.
 */
class TransitEnforcementTest {
  private static final String CATALOGUE = """
      services: [skipper, upper, exclaim, reverse, bare, forger]
      chains:
        - name: skipped
          match: POST /skipped
          segments: [skipper, exclaim, reverse]
        - name: honest
          match: POST /honest
          segments: [upper, exclaim, reverse]
        - name: bare
          match: POST /bare
          segments: [bare]
        - name: forged
          match: POST /forged
          segments: [forger]
      """;

  private final EdgeTestKit kit = new EdgeTestKit();
  private final OkHttpClient http = new OkHttpClient();
  private ChainServer reverse;

  @BeforeEach
  void startHops() {
    kit.hop("upper", new TestFunctions.Upper());
    kit.hop("exclaim", new TestFunctions.Exclaim());
    reverse = kit.hop("reverse", new TestFunctions.Reverse());
    kit.fake("skipper", new SkippingHop());
    kit.fake("bare", new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("no route here").build();
      }
    });
    kit.fake("forger", new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        ChainDescriptor d = EdgeTestKit.descriptorOf(request);
        String route = ChainCodec.builder(EdgeTestKit.FORGED_KEYS).build()
            .encode(d.recordFinal(EdgeTestKit.record(0, Outcome.ANSWERED)));
        return new MockResponse.Builder().code(200).setHeader(ChainHeaders.ROUTE, route).body("forged").build();
      }
    });
  }

  @AfterEach
  void stopEverything() {
    kit.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /**
   * A hop holding the real key that serves segment 0 and then sends the chain straight to segment 2,
   * skipping segment 1: it signs a descriptor whose pointer jumps and whose route lacks segment 1. The
   * real hop at segment 2 accepts it (the MAC is valid) and answers.
   */
  private final class SkippingHop extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      ChainDescriptor d = EdgeTestKit.descriptorOf(request);
      ChainDescriptor.Builder jump = ChainDescriptor.builder()
          .chainId(d.chainId())
          .chainName(d.chainName().orElse(null))
          .segments(d.segments())
          .pointer(2)
          .hopLimit(d.hopLimit() - 1)
          .issuedAt(d.issuedAt())
          .expiresAt(d.expiresAt())
          .routeRecord(EdgeTestKit.record(0, Outcome.FORWARDED));
      d.deadline().ifPresent(jump::deadline);
      d.edgeMetadata().forEach(jump::edgeMetadata);
      Request forward = new Request.Builder().url(reverse.uri().toString())
          .header(ChainHeaders.DESCRIPTOR, EdgeTestKit.CODEC.encode(jump.build()))
          .post(RequestBody.create(request.getBody().utf8().toUpperCase(Locale.ROOT), MediaType.get(EdgeTestKit.TEXT)))
          .build();
      try (Response r = http.newCall(forward).execute()) {
        return new MockResponse.Builder().code(r.code())
            .setHeader(ChainHeaders.ROUTE, r.header(ChainHeaders.ROUTE))
            .setHeader("Content-Type", r.header("Content-Type"))
            .body(r.body().string())
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void answerFromAChainThatSkippedASegmentIsRefusedWith502() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/skipped", "hello");

    assertEquals(502, answer.status(), answer::toString);
    assertEquals("transit.unproven", answer.reason());
    assertTrue(answer.problem().detail().contains(
        "proof of transit failed: segment 1 (exclaim) was skipped: the route goes from segment 0 to segment 2"),
        answer::body);
    assertEquals(1, edge.stats().transitUnproven());
  }

  @Test
  void answerFromAChainThatSkippedASegmentIsFlaggedWhenConfigured() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.proofOfTransit(TransitPolicy.FLAG));

    EdgeTestKit.Answer answer = kit.post(edge, "/skipped", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("OLLEH", answer.body());
    assertEquals("unproven", answer.header("Chain-Transit"));
    assertEquals(1, edge.stats().transitUnproven());
  }

  @Test
  void provenAnswerIsMarkedVerifiedUnderFlag() {
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.proofOfTransit(TransitPolicy.FLAG));

    EdgeTestKit.Answer answer = kit.post(edge, "/honest", "hello");

    assertEquals("!OLLEH", answer.body());
    assertEquals("verified", answer.header("Chain-Transit"));
  }

  @Test
  void answerWithoutARouteIsRefused() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/bare", "x");

    assertEquals(502, answer.status(), answer::toString);
    assertTrue(answer.problem().detail().endsWith("the answer carries no Chain-Route"), answer::body);
  }

  @Test
  void answerWhoseRouteDoesNotVerifyIsRefused() {
    ChainEdge edge = kit.edge(CATALOGUE);

    EdgeTestKit.Answer answer = kit.post(edge, "/forged", "x");

    assertEquals(502, answer.status(), answer::toString);
    assertTrue(answer.problem().detail().contains("does not verify (integrity.bad_mac)"), answer::body);
  }
}
