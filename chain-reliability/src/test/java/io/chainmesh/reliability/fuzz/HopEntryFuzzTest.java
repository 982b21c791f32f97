package io.chainmesh.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Fuzzing the HTTP entry of a running hop: genuine descriptors, mutated as in
 * {@link DescriptorDecodeFuzzTest}, sent over real HTTP with another header of the chain or trace
 * vocabulary set to noise. The contract: the hop answers 200 (and runs its function) only for a
 * header that decodes as genuine; everything else is a problem document with a known reason, its
 * status, never 500, with no stack trace, and the function does not run.
 *
 * <p>Tries: 1 000 by default, 100 000 with {@code -Dreliability.long=true}.
 */
class HopEntryFuzzTest {
  private static final AtomicInteger CALLS = new AtomicInteger();
  private static ChainServer hop;
  private static OkHttpClient http;
  private static ChainCodec codec;

  /** The fuzzed hop's one function. */
  public static final class Echo {
    @ChainFunction("echo")
    public String echo(String body) {
      CALLS.incrementAndGet();
      return body;
    }
  }

  @BeforeContainer
  static void start() {
    Clock clock = Clock.fixed(Descriptors.NOW, ZoneOffset.UTC);
    codec = ChainCodec.builder(Descriptors.KEYS).clock(clock).build();
    ChainHop chainHop = ChainHop.builder().functions(new Echo()).serviceName("echo").nodeId("fuzz-node")
        .keys(Descriptors.KEYS).clock(clock).resolver(SegmentResolver.staticMap(Map.of())).build();
    hop = ChainServer.builder(chainHop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
    http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).retryOnConnectionFailure(true).build();
  }

  @AfterContainer
  static void stop() {
    hop.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Property
  @FuzzBudget(tries = 1_000, longTries = 100_000)
  void mutatedHeadersOverHttpAreRefusedWithoutRunningTheFunction(@ForAll("genuine") String header,
      @ForAll("mutations") List<Mutation> mutations, @ForAll("extraHeader") Map.Entry<String, String> extra)
      throws IOException {
    String mutated = printable(header);
    for (Mutation m : mutations) {
      mutated = printable(m.applyTo(mutated));
    }
    String sent = mutated;
    int callsBefore = CALLS.get();
    Headers.Builder headers = new Headers.Builder().addUnsafeNonAscii(ChainHeaders.DESCRIPTOR, sent)
        .addUnsafeNonAscii(extra.getKey(), extra.getValue());
    Request request = new Request.Builder().url(hop.uri().toString()).headers(headers.build())
        .post(RequestBody.create("fuzz", MediaType.get("text/plain"))).build();

    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      if (response.code() == 200) {
        assertTrue(isGenuine(sent), () -> "served a header that does not decode: " + sent);
        assertEquals(callsBefore + 1, CALLS.get());
        return;
      }
      assertEquals(ChainHeaders.PROBLEM_JSON, response.header("Content-Type"), body);
      ChainProblem problem = ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("not a problem document: " + response.code() + " " + body));
      Reason reason = problem.reason().orElseThrow(() -> new AssertionError("unknown reason " + problem.reasonCode()));
      assertEquals(reason.httpStatus(), response.code(), body);
      assertTrue(response.code() != 500, body);
      assertFalse(body.contains("Exception") || body.contains("\tat "), body);
      assertEquals(callsBefore, CALLS.get(), () -> "the function ran for a refused request: " + body);
    }
  }

  /** Whether the hop would serve {@code value} as received (the HTTP layer trims spaces and tabs). */
  private static boolean isGenuine(String value) {
    try {
      codec.decode(value.strip());
      return true;
    } catch (ChainException e) {
      return false;
    }
  }

  /** What an HTTP client can put in a field value: no CR, LF or other control characters but tab. */
  private static String printable(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      sb.append((c < 0x20 && c != '\t') || c == 0x7f ? '~' : c);
    }
    return sb.toString();
  }

  @Provide
  Arbitrary<String> genuine() {
    return Descriptors.valid().map(d -> {
      ChainDescriptor.Builder b = ChainDescriptor.builder().chainName("fuzz").segment(Segment.of("echo"))
          .issuedAt(d.issuedAt()).expiresAt(d.expiresAt()).hopLimit(d.hopLimit());
      d.edgeMetadata().forEach(b::edgeMetadata);
      d.contextMetadata().forEach(b::contextMetadata);
      return codec.encode(b.build());
    });
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Arbitraries.oneOf(Mutation.several(), Mutation.any().list().ofSize(0));
  }

  @Provide
  Arbitrary<Map.Entry<String, String>> extraHeader() {
    Arbitrary<String> names = Arbitraries.of("traceparent", "tracestate", "Content-Type", ChainHeaders.ROUTE,
        ChainHeaders.REPLY_STATUS, "Content-Encoding", "X-Fuzz");
    Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9', '\u00ff')
        .ofMaxLength(200).map(v -> v.isBlank() ? "x" : v);
    return Combinators.combine(names, values).as(Map::entry);
  }
}
