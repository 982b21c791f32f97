package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.JSON;
import static io.chainmesh.http.testing.TestChains.TEXT;
import static io.chainmesh.http.testing.TestChains.assertProblem;
import static io.chainmesh.http.testing.TestChains.chain;
import static io.chainmesh.http.testing.TestChains.chainOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.Order;
import io.chainmesh.http.testing.TestChains;
import io.chainmesh.http.testing.TestChains.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals and failures as the caller sees them: RFC 9457 problem documents with a stable reason,
 * naming where in the chain it happened, and never leaking how the hop is built or where it runs.
 */
class ChainProblemTest {
  private static final JsonMapper JSON_READER = JsonMapper.builder().build();

  private final TestChains chains = new TestChains();
  private final List<Integer> ports = new ArrayList<>();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  /** Counts its runs and passes a text body on. */
  abstract static class Step {
    final AtomicInteger calls = new AtomicInteger();

    String pass(String body, String name) {
      calls.incrementAndGet();
      return body + ">" + name;
    }
  }

  static final class Pricing extends Step {
    @ChainFunction("price")
    public String run(String body) {
      return pass(body, "price");
    }
  }

  static final class First extends Step {
    @ChainFunction("first")
    public String run(String body) {
      return pass(body, "first");
    }
  }

  static final class Second extends Step {
    @ChainFunction("second")
    public String run(String body) {
      return pass(body, "second");
    }
  }

  static final class Fourth extends Step {
    @ChainFunction("fourth")
    public String run(String body) {
      return pass(body, "fourth");
    }
  }

  /** Fails with an exception whose message holds things no caller may see. */
  static final class Exploding extends Step {
    @ChainFunction("explode")
    public String run(String body) {
      pass(body, "explode");
      throw new IllegalArgumentException("cannot reach db.internal.example:5432 with password hunter2");
    }
  }

  /** Fails with an IllegalStateException, as many libraries do: not a Forwarder contract breach. */
  static final class FailingState extends Step {
    @ChainFunction("state")
    public String run(String body) {
      pass(body, "state");
      throw new IllegalStateException("pool exhausted at 10.0.0.7 (password hunter2)");
    }
  }

  /** Reads a JSON order. */
  static final class Ordering extends Step {
    @ChainFunction("order")
    public String run(Order order) {
      return pass(order.id(), "order");
    }
  }

  private ChainServer serve(String node, Object functions) {
    ChainServer server = chains.serve(node, functions);
    ports.add(server.port());
    return server;
  }

  // ---- refusals before the function runs ----------------------------------------------------

  @Test
  void refusesRequestWithoutDescriptorWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);

    Reply reply = chains.post(server, null, "q", TEXT);

    ChainProblem problem = assertProblem(reply, 400, Reason.DESCRIPTOR_MISSING);
    assertEquals("n1", problem.hop().orElseThrow());
    assertTrue(problem.chainId().isEmpty());
    assertTrue(problem.segmentIndex().isEmpty());
    assertEquals(0, pricing.calls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a descriptor!", "AAAA", "____", "Zm9vYmFy"})
  void refusesGarbageDescriptorAsMalformedWithoutRunningHandler(String header) {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);

    Reply reply = chains.post(server, header, "q", TEXT);

    ChainProblem problem = assertProblem(reply, 400, Reason.DESCRIPTOR_MALFORMED);
    assertTrue(problem.chainId().isEmpty());
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesDescriptorSignedWithUnknownKeyWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    serve("n1", pricing);
    KeyRing stranger = KeyRing.builder().addKey("stranger-key", randomSecret()).build();

    ChainResponse answer;
    try (ChainClient client = ChainClient.builder(stranger, chains.resolver()).httpClient(chains.http()).build()) {
      answer = client.send(chain("price"), "q", TEXT);
    }

    ChainProblem problem = assertProblem(answer, 401, Reason.INTEGRITY_UNKNOWN_KEY);
    assertTrue(problem.chainId().isEmpty());
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesBadMacWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    serve("n1", pricing);
    KeyRing forger = KeyRing.builder().addKey(TestChains.KEY_ID, randomSecret()).build();

    ChainResponse answer;
    try (ChainClient client = ChainClient.builder(forger, chains.resolver()).httpClient(chains.http()).build()) {
      answer = client.send(chain("price"), "q", TEXT);
    }

    ChainProblem problem = assertProblem(answer, 401, Reason.INTEGRITY_BAD_MAC);
    assertTrue(problem.chainId().isEmpty(), "an unverified chain id is never echoed");
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesTamperedDescriptorWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);

    Reply reply = chains.post(server, tampered(TestChains.encode(chain("price"))), "q", TEXT);

    assertProblem(reply, 401, Reason.INTEGRITY_BAD_MAC);
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesSeveralDescriptorHeadersWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);
    String valid = TestChains.encode(chain("price"));

    Reply reply = chains.execute(new okhttp3.Request.Builder().url(server.uri().toString())
        .addHeader(io.chainmesh.core.ChainHeaders.DESCRIPTOR, valid)
        .addHeader(io.chainmesh.core.ChainHeaders.DESCRIPTOR, valid)
        .post(okhttp3.RequestBody.create("q".getBytes(StandardCharsets.UTF_8), okhttp3.MediaType.get(TEXT)))
        .build());

    assertProblem(reply, 400, Reason.DESCRIPTOR_MALFORMED);
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesExpiredDescriptorWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    serve("n1", pricing);
    ChainDescriptor expired = chainOf("price").issuedAt(Instant.now().minus(Duration.ofMinutes(5)))
        .lifetime(Duration.ofMinutes(1)).build();

    ChainResponse answer = chains.send(expired, "q", TEXT);

    ChainProblem problem = assertProblem(answer, 401, Reason.DESCRIPTOR_EXPIRED);
    assertTrue(problem.chainId().isEmpty());
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesSegmentNamingAnotherServiceAsNotHere() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);
    chains.route("shipping", server.uri());
    ChainDescriptor chain = chain("shipping");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    ChainProblem problem = assertProblem(answer, 421, Reason.SEGMENT_NOT_HERE);
    assertEquals(chain.chainId().toHex(), problem.chainId().orElseThrow(), "verified: the chain id is named");
    assertEquals(0, problem.segmentIndex().orElseThrow());
    assertEquals("shipping", problem.segment().orElseThrow());
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesFunctionOfAnotherServiceAsNotHere() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);
    chains.route("shipping", server.uri());

    ChainResponse answer = chains.send(ChainDescriptor.builder().segment(Segment.of("shipping", "price")).build(), "q", TEXT);

    assertProblem(answer, 421, Reason.SEGMENT_NOT_HERE);
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void servesFunctionAddressedThroughItsServiceName() {
    Pricing pricing = new Pricing();
    ChainServer server = chains.serve(chains.hop("n1").functions(pricing).serviceName("shop"));
    chains.route("shop", server.uri());

    ChainResponse answer = chains.send(ChainDescriptor.builder().segment(Segment.of("shop", "price")).build(), "q", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(1, pricing.calls.get());
  }

  @Test
  void refusesPassedDeadlineWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);
    ChainDescriptor late = chainOf("price").deadline(Instant.now().minusSeconds(1)).build();

    Reply reply = chains.post(server, TestChains.encode(late), "q", TEXT);

    ChainProblem problem = assertProblem(reply, 504, Reason.DEADLINE_EXCEEDED);
    assertEquals(late.chainId().toHex(), problem.chainId().orElseThrow());
    assertEquals(0, pricing.calls.get());
  }

  // ---- the document ---------------------------------------------------------------------------

  @Test
  void writesProblemJsonNamingReasonChainSegmentAndHop() {
    serve("n1", new First());
    serve("n2", new Exploding());
    ChainDescriptor chain = chain("first", "explode");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    assertEquals(500, answer.status());
    assertEquals("application/problem+json", answer.contentType().orElseThrow());
    JsonNode json = JSON_READER.readTree(answer.body());
    assertEquals("urn:chainmesh:problem:handler.failed", json.get("type").asString());
    assertEquals("handler.failed", json.get("title").asString());
    assertEquals("handler.failed", json.get("reason").asString());
    assertEquals(500, json.get("status").intValue());
    assertEquals("function explode failed", json.get("detail").asString());
    assertEquals(chain.chainId().toHex(), json.get("chainId").asString());
    assertEquals(1, json.get("segmentIndex").intValue());
    assertEquals("explode", json.get("segment").asString());
    assertEquals("n2", json.get("hop").asString());
  }

  @Test
  void returnsFailureDeepInChainToCallerNamingTheFailingHop() {
    First first = new First();
    Second second = new Second();
    Exploding exploding = new Exploding();
    Fourth fourth = new Fourth();
    serve("n1", first);
    serve("n2", second);
    serve("n3", exploding);
    serve("n4", fourth);
    ChainDescriptor chain = chain("first", "second", "explode", "fourth");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    ChainProblem problem = assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertEquals("n3", problem.hop().orElseThrow());
    assertEquals(2, problem.segmentIndex().orElseThrow());
    assertEquals("explode", problem.segment().orElseThrow());
    assertEquals("function explode failed", problem.detail());
    assertEquals(chain.chainId().toHex(), problem.chainId().orElseThrow());
    assertEquals(List.of(1, 1, 1, 0), List.of(first.calls.get(), second.calls.get(), exploding.calls.get(), fourth.calls.get()));
    assertEquals(List.of("n1", "n2", "n3"), answer.route().stream().map(RouteRecord::node).toList());
    assertEquals(List.of(Outcome.FORWARDED, Outcome.FORWARDED, Outcome.FAILED),
        answer.route().stream().map(RouteRecord::outcome).toList());
  }

  // ---- nothing leaks ----------------------------------------------------------------------------

  @Test
  void problemForBadMacLeaksNeitherSecretNorMac() {
    ChainServer server = serve("n1", new Pricing());
    String header = tampered(TestChains.encode(chain("price")));

    Reply reply = chains.post(server, header, "q", TEXT);

    assertProblem(reply, 401, Reason.INTEGRITY_BAD_MAC);
    assertLeaksNothing(reply.body(), header);
  }

  @Test
  void problemForThrowingFunctionLeaksNoExceptionDetails() {
    serve("n1", new Exploding());
    ChainDescriptor chain = chain("explode");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertLeaksNothing(answer.body(), TestChains.encode(chain));
  }

  @Test
  void problemForIllegalStateExceptionIsNoContractBreachAndLeaksNoMessage() {
    serve("n1", new FailingState());

    ChainResponse answer = chains.send(chain("state"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertEquals("function state failed", problem.detail());
    assertLeaksNothing(answer.body(), null);
  }

  @Test
  void problemForMalformedJsonNamesNoParserInternals() {
    serve("n1", new Ordering());

    ChainResponse answer = chains.send(chain("order"), "{\"id\": tru", JSON);

    assertProblem(answer, 400, Reason.BODY_MALFORMED);
    assertLeaksNothing(answer.body(), null);
  }

  /** Reads any JSON object. */
  static final class Untyped extends Step {
    @ChainFunction("untyped")
    public String run(Map<String, Object> body) {
      return pass(body.toString(), "untyped");
    }
  }

  @Test
  void problemForJsonNestingBombNamesNoParserInternals() {
    serve("n1", new Untyped());
    String bomb = "{\"a\":[".repeat(50_000);

    ChainResponse answer = chains.send(chain("untyped"), bomb, JSON);

    assertProblem(answer, 400, Reason.BODY_MALFORMED);
    assertLeaksNothing(answer.body(), null);
  }

  @Test
  void problemForUnreachableNextHopNamesNoAddress() throws IOException {
    First first = new First();
    serve("n1", first);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ports.add(closedPort);
    chains.route("gone", URI.create("http://127.0.0.1:" + closedPort + "/"));

    ChainResponse answer = chains.send(chain("first", "gone"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(1, problem.segmentIndex().orElseThrow());
    assertEquals("gone", problem.segment().orElseThrow());
    assertEquals("n1", problem.hop().orElseThrow());
    assertLeaksNothing(answer.body(), null);
  }

  @Test
  void problemForRawUrlNextSegmentNamesNoAddress() {
    ChainServer server = serve("n1", new First());
    Second second = new Second();
    ports.add(serve("n2", second).port());
    Segment rawUrl = Segment.url(URI.create("http://127.0.0.1:" + server.port() + "/admin"));

    ChainResponse answer = chains.send(ChainDescriptor.builder().segment(Segment.of("first")).segment(rawUrl).build(),
        "q", TEXT);

    ChainProblem problem = assertProblem(answer, 502, Reason.SEGMENT_UNRESOLVABLE);
    assertEquals(1, problem.segmentIndex().orElseThrow());
    assertLeaksNothing(answer.body(), null);
  }

  @Test
  void problemForRawUrlCurrentSegmentNamesNoAddress() {
    Pricing pricing = new Pricing();
    ChainServer server = serve("n1", pricing);
    ChainDescriptor chain = ChainDescriptor.builder().segment(Segment.url(URI.create(server.uri() + "price"))).build();

    Reply reply = chains.post(server, TestChains.encode(chain), "q", TEXT);

    assertProblem(reply, 421, Reason.SEGMENT_NOT_HERE);
    assertEquals(0, pricing.calls.get());
    assertLeaksNothing(reply.body(), null);
  }

  // ---- the type ---------------------------------------------------------------------------------

  @Test
  void roundTripsThroughJson() {
    ChainProblem problem = ChainProblem.builder(Reason.NEXT_HOP_TIMEOUT, "the next hop did not answer in time")
        .chainId("0123456789abcdef0123456789abcdef").segment(3, "pricing/quote").hop("n7").field("deadline").build();

    ChainProblem read = ChainProblem.parse(problem.toJson()).orElseThrow();

    assertEquals("next_hop.timeout", read.reasonCode());
    assertEquals(Reason.NEXT_HOP_TIMEOUT, read.reason().orElseThrow());
    assertEquals(504, read.status());
    assertEquals("the next hop did not answer in time", read.detail());
    assertEquals("0123456789abcdef0123456789abcdef", read.chainId().orElseThrow());
    assertEquals(3, read.segmentIndex().orElseThrow());
    assertEquals("pricing/quote", read.segment().orElseThrow());
    assertEquals("n7", read.hop().orElseThrow());
    assertEquals("deadline", read.field().orElseThrow());
  }

  @Test
  void keepsReasonCodesThisVersionDoesNotKnow() {
    byte[] json = "{\"reason\":\"quota.exceeded\",\"status\":429,\"detail\":\"slow down\"}".getBytes(StandardCharsets.UTF_8);

    ChainProblem problem = ChainProblem.parse(json).orElseThrow();

    assertEquals("quota.exceeded", problem.reasonCode());
    assertTrue(problem.reason().isEmpty());
    assertEquals(429, problem.status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "{\"status\":400}", "{\"reason\":7,\"status\":400}",
      "{\"reason\":\"body.malformed\"}", "{\"reason\":\"body.malformed\",\"status\":\"400\"}"})
  void parsesOnlyProblemDocuments(String body) {
    assertTrue(ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8)).isEmpty());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The header with one byte of the signed descriptor bytes flipped; the envelope still parses. */
  private static String tampered(String header) {
    byte[] envelope = Base64.getUrlDecoder().decode(header);
    // The envelope ends with the MAC field: tag, length 32, 32 bytes. Flip a byte before it.
    envelope[envelope.length - 34 - 5] ^= 0x01;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(envelope);
  }

  /** The MAC of a header: the last 32 bytes of the envelope. */
  private static byte[] macOf(String header) {
    byte[] envelope = Base64.getUrlDecoder().decode(header);
    return Arrays.copyOfRange(envelope, envelope.length - 32, envelope.length);
  }

  private void assertLeaksNothing(byte[] body, String header) {
    String text = new String(body, StandardCharsets.UTF_8);
    List<String> forbidden = new ArrayList<>(List.of("Exception", "at io.", "\tat ", "java.", "hunter2", "db.internal",
        "10.0.0.7", "127.0.0.1", "localhost", new String(TestChains.SECRET, StandardCharsets.US_ASCII),
        Base64.getEncoder().encodeToString(TestChains.SECRET), Base64.getUrlEncoder().withoutPadding().encodeToString(TestChains.SECRET),
        HexFormat.of().formatHex(TestChains.SECRET)));
    if (header != null) {
      byte[] mac = macOf(header);
      forbidden.addAll(List.of(header, Base64.getEncoder().withoutPadding().encodeToString(mac),
          Base64.getUrlEncoder().withoutPadding().encodeToString(mac), HexFormat.of().formatHex(mac)));
    }
    for (String secret : forbidden) {
      assertFalse(text.contains(secret), () -> "problem document contains \"" + secret + "\": " + text);
    }
    // Port numbers, anywhere but inside the (random hex) chain id.
    String withoutChainId = ChainProblem.parse(body).flatMap(ChainProblem::chainId).map(id -> text.replace(id, ""))
        .orElse(text);
    for (int port : ports) {
      assertFalse(withoutChainId.contains(Integer.toString(port)), () -> "problem document names port " + port + ": " + text);
    }
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    return secret;
  }
}
