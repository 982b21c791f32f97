package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The system under attack, on loopback: an edge serving a YAML catalogue, one {@link ChainServer}
 * per function with counting handlers, a canary standing in for an internal host (a metadata
 * endpoint) that no request may ever reach, and a client. One instance per test class; call
 * {@link #reset()} before each case.
 *
 * <p>Keys: hops and edge hold {@code k-2026} (signing) and {@code k-2025} (the previous key, still
 * accepted during a rotation); {@code k-2024} is retired and held by no one. An attacker knows key
 * ids, not secrets.
 */
final class AttackTarget implements AutoCloseable {
  static final byte[] CURRENT_SECRET = "current-secret-of-the-chain-domain-2026".getBytes(StandardCharsets.US_ASCII);
  static final byte[] PREVIOUS_SECRET = "previous-secret-of-the-chain-domain-2025".getBytes(StandardCharsets.US_ASCII);
  static final byte[] RETIRED_SECRET = "retired-secret-of-the-chain-domain-2024".getBytes(StandardCharsets.US_ASCII);
  static final byte[] ATTACKER_SECRET = "an-attacker-guessing-secrets-0123456789".getBytes(StandardCharsets.US_ASCII);
  static final String CURRENT = "k-2026";
  static final String PREVIOUS = "k-2025";
  static final String RETIRED = "k-2024";
  /** The ring every party of the domain holds. */
  static final KeyRing KEYS = KeyRing.builder().addKey(CURRENT, CURRENT_SECRET).addKey(PREVIOUS, PREVIOUS_SECRET).build();
  /** Signs with the previous key, as a hop not yet switched over during a rotation does. */
  static final KeyRing PREVIOUS_SIGNER = KEYS.signingWith(PREVIOUS);
  /** The key the domain used before, now removed from every ring. */
  static final KeyRing RETIRED_SIGNER = KeyRing.builder().addKey(RETIRED, RETIRED_SECRET).build();
  /** The current key id with a secret of the attacker's choosing. */
  static final KeyRing ATTACKER_SIGNER = KeyRing.builder().addKey(CURRENT, ATTACKER_SECRET).build();
  static final ChainCodec CODEC = ChainCodec.builder(KEYS).build();
  /** Body limit of hops and edge, small enough to exceed cheaply, large enough for JSON limits to bite first. */
  static final long MAX_BODY = 4L << 20;

  static final String CATALOGUE = """
      services: [alpha, beta, gamma, typed, ping, pong, flood, traced, guarded, skipper]
      chains:
        - name: abc
          match: POST /abc
          segments: [alpha, beta, gamma]
          metadata:
            customer.tier: {header: Customer-Tier, default: standard}
        - name: typed
          match: POST /typed
          segments: [typed]
        - name: pingpong
          match: POST /pingpong
          segments: [ping]
          hopLimit: 6
        - name: pingpong-unbounded
          match: POST /pingpong-unbounded
          segments: [ping]
          hopLimit: 255
        - name: flood
          match: POST /flood
          segments: [flood]
          hopLimit: 64
        - name: traced
          match: POST /traced
          segments: [traced]
        - name: transit
          match: POST /transit
          segments: [skipper, beta, gamma]
      """;

  private static final Pattern STACK_FRAME = Pattern.compile("\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(");
  /** A Java exception or error class name, with or without its package. */
  private static final Pattern THROWABLE_NAME = Pattern.compile("[A-Z][A-Za-z0-9$]*(Exception|Error)\\b");
  /** A package name of the platform or of a library the servers run on. */
  private static final Pattern PACKAGE_NAME =
      Pattern.compile("\\b(java|javax|jdk|sun|com\\.sun|okhttp3|okio|tools\\.jackson|io\\.chainmesh)\\.[a-z]");

  /** How the fake first hop {@code skipper} answers: a hop that tries to skip the rest of its chain. */
  enum Skip {
    /** A genuine route holding only its own final record: beta and gamma never ran. */
    SHORT_ROUTE,
    /** A 200 without any route. */
    NO_ROUTE,
    /** A complete-looking route (all three records) signed with the attacker's secret. */
    FORGED_ROUTE,
    /** A complete, genuine route lifted from another chain. */
    FOREIGN_ROUTE
  }

  final Invocations calls = new Invocations();
  private volatile Skip skip = Skip.SHORT_ROUTE;
  private final MockWebServer skipper = new MockWebServer();
  private final Map<String, URI> addresses = new ConcurrentHashMap<>();
  private final Map<String, ChainServer> hops = new LinkedHashMap<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<String> secrets = new ArrayList<>();
  private final MockWebServer canary = new MockWebServer();
  private final OkHttpClient http;
  private final Path dir;
  private final ChainEdge edge;

  AttackTarget() {
    http = new OkHttpClient.Builder()
        .readTimeout(Duration.ofSeconds(20))
        .callTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        // A fresh connection per request: a refusal may leave the server closing the old one.
        .connectionPool(new okhttp3.ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
        .build();
    for (byte[] secret : List.of(CURRENT_SECRET, PREVIOUS_SECRET, RETIRED_SECRET)) {
      secrets.add(new String(secret, StandardCharsets.US_ASCII));
      secrets.add(Base64.getEncoder().withoutPadding().encodeToString(secret));
      secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
      secrets.add(HexFormat.of().formatHex(secret));
    }
    try {
      canary.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          return new MockResponse.Builder().code(200).body("{\"secret\":\"instance-credentials\"}").build();
        }
      });
      canary.start(InetAddress.getLoopbackAddress(), 0);
      resources.push(canary);
      dir = Files.createTempDirectory("chain-attack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      skipper.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          return skipping(CODEC.decode(request.getHeaders().get(ChainHeaders.DESCRIPTOR)));
        }
      });
      skipper.start(InetAddress.getLoopbackAddress(), 0);
      resources.push(skipper);
      addresses.put("skipper", skipper.url("/").uri());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hop("alpha", new TargetFunctions.Alpha(calls));
    hop("beta", new TargetFunctions.Beta(calls));
    hop("gamma", new TargetFunctions.Gamma(calls));
    hop("typed", new TargetFunctions.Typed(calls));
    hop("ping", new TargetFunctions.Ping(calls));
    hop("pong", new TargetFunctions.Pong(calls));
    hop("flood", new TargetFunctions.Flood(calls, 17));
    hop("traced", new TargetFunctions.Traced(calls));
    hop("guarded", new TargetFunctions.Guarded(calls));
    try {
      Path catalogue = dir.resolve("chains.yaml");
      Files.writeString(catalogue, CATALOGUE);
      edge = ChainEdge.builder().catalogue(catalogue).keys(KEYS).resolver(resolver()).loopback().port(0)
          .nodeId("edge-node").catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO).maxBodyBytes(MAX_BODY).start();
      resources.push(edge);
      addresses.put(ChainEdge.DEFAULT_REPLY_TO_SERVICE, edge.uri());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The built-in static-map resolver over whatever is registered at the time of the call: raw URLs
   * are refused by chain-http's own code, not by the test.
   */
  private SegmentResolver resolver() {
    return segment -> SegmentResolver.staticMap(addresses).resolve(segment);
  }

  private void hop(String name, Object functions) {
    ChainHop hop = ChainHop.builder().functions(functions).serviceName(name).nodeId(name + "-node").keys(KEYS)
        .resolver(resolver()).maxBodyBytes(MAX_BODY).build();
    ChainServer server = ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
    resources.push(server);
    hops.put(name, server);
    addresses.put(name, server.uri());
  }

  private MockResponse skipping(ChainDescriptor received) {
    MockResponse.Builder answer = new MockResponse.Builder().code(200).body("skipped")
        .setHeader("Content-Type", "text/plain; charset=utf-8");
    switch (skip) {
      case SHORT_ROUTE -> answer.setHeader(ChainHeaders.ROUTE,
          CODEC.encode(received.recordFinal(record(0, io.chainmesh.core.Outcome.ANSWERED))));
      case NO_ROUTE -> { }
      case FORGED_ROUTE -> answer.setHeader(ChainHeaders.ROUTE,
          ChainCodec.builder(ATTACKER_SIGNER).build().encode(walked(received)));
      case FOREIGN_ROUTE -> answer.setHeader(ChainHeaders.ROUTE, CODEC.encode(walked(ChainDescriptor.builder()
          .chainName("transit").segments(received.segments()).hopLimit(received.hopLimit()).build())));
    }
    return answer.build();
  }

  /** {@code d} as if every segment had run: forwarded twice, then answered. */
  private static ChainDescriptor walked(ChainDescriptor d) {
    ChainDescriptor at = d;
    for (int i = 0; i < d.segments().size() - 1; i++) {
      at = at.advance(record(i, io.chainmesh.core.Outcome.FORWARDED));
    }
    return at.recordFinal(record(d.segments().size() - 1, io.chainmesh.core.Outcome.ANSWERED));
  }

  private static io.chainmesh.core.RouteRecord record(int index, io.chainmesh.core.Outcome outcome) {
    return io.chainmesh.core.RouteRecord.builder().segmentIndex(index).node("skipper-node")
        .start(java.time.Instant.now()).duration(Duration.ofMillis(1)).outcome(outcome).build();
  }

  /** Makes the fake first hop {@code skipper} answer {@code how}. */
  void skipperAnswers(Skip how) {
    this.skip = how;
  }

  /** Clears the invocation counts. */
  void reset() {
    calls.reset();
  }

  ChainEdge edge() {
    return edge;
  }

  URI hopUri(String name) {
    return hops.get(name).uri();
  }

  /** The canary's address: an internal service no chain may reach. */
  URI canaryUri() {
    return canary.url("/latest/meta-data/").uri();
  }

  /** Requests the canary has received since it started. */
  int canaryHits() {
    return canary.getRequestCount();
  }

  /** A fresh descriptor for {@code services}, as the edge would issue it: pointer 0, 60 s life, hop limit = length. */
  static ChainDescriptor.Builder descriptor(String... services) {
    ChainDescriptor.Builder b = ChainDescriptor.builder().chainName("attack").edgeMetadata("customer.tier", "standard");
    for (String s : services) {
      b.segment(Segment.of(s));
    }
    return b;
  }

  /** {@code d} signed with the domain's current key. */
  static String sign(ChainDescriptor d) {
    return CODEC.encode(d);
  }

  /** POSTs {@code body} (text) to hop {@code name} with {@code descriptorHeader} and extra name, value pairs. */
  Answer toHop(String name, String descriptorHeader, String body, String... headers) {
    return send(hopUri(name), descriptorHeader, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8",
        headers);
  }

  /** POSTs {@code body} typed {@code contentType} to hop {@code name}. */
  Answer toHop(String name, String descriptorHeader, byte[] body, String contentType, String... headers) {
    return send(hopUri(name), descriptorHeader, body, contentType, headers);
  }

  /** POSTs a text {@code body} with {@code descriptorHeader} to any server of the test. */
  Answer send(URI server, String descriptorHeader, String body) {
    return send(server, descriptorHeader, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  /** POSTs {@code body} to the edge at {@code path}, as an outside client. */
  Answer toEdge(String path, String body, String... headers) {
    return send(edge.uri().resolve(path), null, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8",
        headers);
  }

  /** POSTs {@code body} typed {@code contentType} to the edge at {@code path}. */
  Answer toEdge(String path, byte[] body, String contentType, String... headers) {
    return send(edge.uri().resolve(path), null, body, contentType, headers);
  }

  private Answer send(URI uri, String descriptorHeader, byte[] body, String contentType, String... headers) {
    Request.Builder b = new Request.Builder().url(uri.toString());
    if (descriptorHeader != null) {
      b.header(ChainHeaders.DESCRIPTOR, descriptorHeader);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    b.post(RequestBody.create(body, contentType == null ? null : MediaType.get(contentType)));
    Answer answer;
    try (Response r = http.newCall(b.build()).execute()) {
      answer = new Answer(r.code(), r.headers(), r.body() == null ? "" : r.body().string(), descriptorHeader);
    } catch (IOException e) {
      throw new UncheckedIOException("the request to " + uri.getPath() + " failed", e);
    }
    assertLeaksNothing(answer); // every answer, not only refusals
    return answer;
  }

  /**
   * Asserts the refusal: status, problem+json with that reason and status, no handler ran, and the
   * body leaks nothing.
   */
  void assertRefused(Answer answer, int status, String reason) {
    assertRefused(answer, status, reason, 0);
  }

  /**
   * Asserts a refusal after exactly {@code handlerCalls} function calls: for refusals that can only
   * come after the current hop's function ran (the next segment is checked when forwarding).
   */
  void assertRefused(Answer answer, int status, String reason, int handlerCalls) {
    assertEquals(status, answer.status(), answer::toString);
    assertEquals(ChainHeaders.PROBLEM_JSON, answer.contentType(), answer::toString);
    ChainProblem problem = answer.problem();
    assertEquals(reason, problem.reasonCode(), answer::toString);
    assertEquals(status, problem.status(), answer::toString);
    assertEquals(handlerCalls, calls.total(), () -> "handlers ran: " + calls + " for " + answer);
    assertLeaksNothing(answer);
  }

  /**
   * Asserts an answer (head and body, whatever its status or type) shows nothing of the server's
   * insides: no exception or error class, stack frame, Java package name, or the JDK server's own
   * HTML error page. Every answer this suite reads goes through here.
   */
  static void assertShowsNoInternals(String answer) {
    assertFalse(answer.contains("Exception"), () -> "exception name in " + answer);
    assertFalse(THROWABLE_NAME.matcher(answer).find(), () -> "exception or error class in " + answer);
    assertFalse(STACK_FRAME.matcher(answer).find(), () -> "stack frame in " + answer);
    assertFalse(PACKAGE_NAME.matcher(answer).find(), () -> "Java package name in " + answer);
    assertFalse(answer.contains("<h1>"), () -> "the JDK server's own error page in " + answer);
  }

  /** Asserts the body shows no stack trace, key material, MAC, the header sent, or internal address. */
  void assertLeaksNothing(Answer answer) {
    String body = answer.body();
    assertShowsNoInternals(answer.headers() + "\r\n" + body);
    for (String secret : secrets) {
      assertFalse(body.contains(secret), () -> "key material in " + body);
    }
    // A segment the attacker wrote may be named back to them (errors name the failing segment);
    // addresses that only the domain knows must never appear.
    String echoable = Forgery.text(answer.sentDescriptor());
    for (String host : List.of("127.0.0.1", "localhost", "::1", "[0:0:0:0:0:0:0:1]", "169.254.169.254")) {
      if (!echoable.contains(host)) {
        assertFalse(body.contains(host), () -> "internal host " + host + " in " + body);
      }
    }
    List<Integer> ports = new ArrayList<>();
    hops.values().forEach(h -> ports.add(h.port()));
    ports.add(edge.port());
    ports.add(canary.getPort());
    for (int port : ports) {
      Matcher m = Pattern.compile("(?<![0-9A-Za-z])" + port + "(?![0-9A-Za-z])").matcher(body);
      assertFalse(m.find(), () -> "internal port " + port + " in " + body);
    }
    String header = answer.sentDescriptor();
    if (header != null && header.length() >= 16) {
      assertFalse(body.contains(header), () -> "the descriptor header echoed in " + body);
      for (String mac : Forgery.macForms(header)) {
        assertFalse(body.contains(mac), () -> "the MAC echoed in " + body);
      }
    }
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        fail("could not close a test resource: " + e);
      }
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a client got, and the descriptor header it sent (null when none). */
  record Answer(int status, Headers headers, String body, String sentDescriptor) {
    String contentType() {
      return headers.get("Content-Type");
    }

    ChainProblem problem() {
      ChainProblem problem = ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8)).orElse(null);
      assertNotNull(problem, () -> "not a problem document: " + this);
      return problem;
    }

    @Override
    public String toString() {
      return status + " " + contentType() + " " + body;
    }
  }
}
