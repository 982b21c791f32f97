package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.reliability.faults.LogCapture;
import io.chainmesh.reliability.faults.LoopbackDomain;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threats "one client locking others out" and "information leaks" (brief §4), items 2 and 7 of
 * issue 13: what a client library would never send — a {@code Content-Type} that cannot be sent on,
 * broken chunked framing, a {@code Content-Length} that is not a number — is the sender's error: a
 * coded 400 problem document, decided before anything is reserved, with no stack trace in the log,
 * and nothing held afterwards (an asynchronous client's parking slot included).
 */
class MalformedRequestAttackTest {
  private static final int MAX_PARKED = 8;
  private static final String CATALOGUE = """
      services: [alpha]
      chains:
        - name: a
          match: POST /a
          segments: [alpha]
        - name: a-async
          match: POST /a/async
          segments: [alpha]
          returnMode: async
      """;

  private final Invocations calls = new Invocations();
  private LoopbackDomain domain;
  private LogCapture logs;
  private ChainEdge edge;
  private URI hop;

  @BeforeEach
  void start() {
    logs = LogCapture.start();
    domain = new LoopbackDomain();
    hop = domain.hop("alpha", new TargetFunctions.Alpha(calls)).uri();
    edge = domain.edge(CATALOGUE, b -> b.maxParkedRequests(MAX_PARKED));
  }

  @AfterEach
  void stop() {
    domain.close();
    logs.close();
  }

  private static String post(String path, String headers, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "\r\n\r\n" + body;
  }

  private static String withContentType(String path, String contentType) {
    return post(path, "Content-Type: " + contentType + "\r\nContent-Length: 2", "{}");
  }

  private void assertRefused400(RawHttp.Reply reply, String reason) {
    assertEquals(400, reply.status(), reply::toString);
    assertTrue(reply.head().toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json"),
        reply::toString);
    assertTrue(reply.body().contains("\"reason\":\"" + reason + "\""), reply::toString);
  }

  private void assertNothingRanAndNoErrorLogged() {
    assertEquals(0, calls.total(), "functions ran: " + calls);
    assertEquals(0, logs.count(" ERROR "), () -> "errors logged: " + logs.lines());
  }

  @ParameterizedTest(name = "Content-Type {0}")
  @ValueSource(strings = {"application/json; charset=\"\u00e9\"", "application/json; x=\"\u0001\""})
  void contentTypeThatCannotBeSentOnIsRefused400AtTheEdge(String contentType) throws IOException {
    RawHttp.Reply reply = RawHttp.send(edge.uri(), withContentType("/a", contentType));

    assertRefused400(reply, "body.malformed");
    assertEquals(0, edge.stats().chainsStarted());
    assertNothingRanAndNoErrorLogged();
  }

  /**
   * Many times more such requests to an asynchronous chain than the edge has parking slots: each is
   * refused before it could take a slot, and an honest asynchronous client is served afterwards.
   */
  @Test
  void contentTypeThatCannotBeSentOnTakesNoParkingSlot() throws IOException {
    java.util.List<RawHttp.Reply> replies = new java.util.ArrayList<>();
    for (int i = 0; i < MAX_PARKED * 8; i++) {
      replies.add(RawHttp.send(edge.uri(), withContentType("/a/async", "application/json; x=\"\u0001\"")));
    }

    LoopbackDomain.Answer honest = domain.post(edge, "/a/async", "honest");

    assertEquals(200, honest.status(), () -> "an honest async client after " + replies.size()
        + " malformed ones: " + honest + "; the first malformed one got " + replies.get(0));
    assertEquals("honest.a", honest.body());
    replies.forEach(reply -> assertRefused400(reply, "body.malformed"));
    assertEquals(0, edge.stats().parkedRequests());
    assertEquals(0, edge.stats().parkingRefused());
    assertEquals(0, logs.count(" ERROR "), () -> "errors logged: " + logs.lines());
  }

  /**
   * The root of item 2: whatever fails after an asynchronous request took its parking slot — here an
   * unexpected exception from the edge's HTTP client — the slot is released with the answer.
   */
  @Test
  void unexpectedFailureAfterParkingReleasesTheSlot() throws IOException {
    ChainEdge exploding = domain.edge(CATALOGUE, b -> b.maxParkedRequests(MAX_PARKED).httpClient(
        new okhttp3.OkHttpClient.Builder().addInterceptor(chain -> {
          okhttp3.RequestBody body = chain.request().body();
          if (body != null && String.valueOf(body.contentType()).startsWith("application/x-explode")) {
            throw new IllegalStateException("an unexpected failure in the edge's client");
          }
          return chain.proceed(chain.request());
        }).build()));
    for (int i = 0; i < MAX_PARKED * 2; i++) {
      RawHttp.Reply reply = RawHttp.send(exploding.uri(), withContentType("/a/async", "application/x-explode"));
      assertEquals(500, reply.status(), reply::toString);
    }

    LoopbackDomain.Answer honest = domain.post(exploding, "/a/async", "honest");

    assertEquals(200, honest.status(), honest::toString);
    assertEquals(0, exploding.stats().parkedRequests());
  }

  @ParameterizedTest(name = "Content-Type {0}")
  @ValueSource(strings = {"application/json; charset=\"\u00e9\"", "application/json; x=\"\u0001\""})
  void contentTypeThatCannotBeSentOnIsRefused400AtAHop(String contentType) throws IOException {
    String request = post("/", ChainHeaders.DESCRIPTOR + ": " + descriptor() + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: 2", "{}");

    assertRefused400(RawHttp.send(hop, request), "body.malformed");
    assertNothingRanAndNoErrorLogged();
  }

  /** {@code -5} and {@code zz} are not hex; {@code ffffffff} overflows the JDK's chunk-size parser. */
  @ParameterizedTest(name = "chunk size {0}")
  @ValueSource(strings = {"-5", "zz", "ffffffff"})
  void brokenChunkSizeIsRefused400AtTheEdge(String size) throws IOException {
    RawHttp.Reply reply = RawHttp.send(edge.uri(), post("/a", "Content-Type: text/plain\r\nTransfer-Encoding: chunked",
        size + "\r\nabc\r\n0\r\n\r\n"));

    assertRefused400(reply, "body.malformed");
    assertEquals(0, edge.stats().chainsStarted());
    assertEquals(0, edge.stats().bodyBytesHeld());
    assertNothingRanAndNoErrorLogged();
  }

  @ParameterizedTest(name = "chunk size {0}")
  @ValueSource(strings = {"-5", "zz", "ffffffff"})
  void brokenChunkSizeIsRefused400AtAHop(String size) throws IOException {
    RawHttp.Reply reply = RawHttp.send(hop, post("/", ChainHeaders.DESCRIPTOR + ": " + descriptor()
        + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked", size + "\r\nabc\r\n0\r\n\r\n"));

    assertRefused400(reply, "body.malformed");
    assertNothingRanAndNoErrorLogged();
  }

  /**
   * The residual of item 7: the JDK server parses {@code Content-Length} itself, before any filter or
   * handler, and answers a value that is not one decimal number with its own fixed page (Java 17 and
   * 25 alike). No API of the JDK server reaches that step without a process-wide setting, so this
   * pins what happens instead: a 400, the connection closed, nothing run, nothing logged — and the
   * exact page, so a JDK that changes it is noticed.
   */
  @ParameterizedTest(name = "at the {0}")
  @ValueSource(strings = {"edge", "hop"})
  void contentLengthThatIsNotANumberIsRefusedByTheJdkServerBeforeAnyHandler(String where) throws IOException {
    URI server = where.equals("edge") ? edge.uri() : hop;
    String path = where.equals("edge") ? "/a" : "/";

    RawHttp.Reply reply = RawHttp.sendUnchecked(server, post(path, ChainHeaders.DESCRIPTOR + ": " + descriptor()
        + "\r\nContent-Type: text/plain\r\nContent-Length: 0x10", "0123456789abcdef"));

    assertEquals(400, reply.status(), reply::toString);
    assertEquals("<h1>400 Bad Request</h1>NumberFormatException thrown", reply.body());
    assertTrue(reply.head().contains("Connection: close"), reply::toString);
    assertEquals(0, edge.stats().chainsStarted());
    assertNothingRanAndNoErrorLogged();
  }

  private static String descriptor() {
    return ChainCodec.builder(LoopbackDomain.KEYS).build()
        .encode(ChainDescriptor.builder().chainName("a").segment(Segment.of("alpha")).build());
  }
}
