package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.TestChains;
import io.chainmesh.http.testing.WorkingMdc;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/** W3C Trace Context across hops, and the logging context a function runs in. */
@ExtendWith(WorkingMdc.class)
class TraceContextTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String CALLER_TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";
  private static final int HOPS = 5;

  private final TestChains chains = new TestChains();
  /** What each hop saw, by segment index. */
  private final Map<Integer, ChainContext> seen = new ConcurrentHashMap<>();
  /** What each hop received from the previous one, by the segment index it was sent to. */
  private final Map<Integer, Request> forwarded = new ConcurrentHashMap<>();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  /** Records the context it runs in; every hop serves it under its own service name. */
  final class Traced {
    @ChainFunction("traced")
    public String run(String body, ChainContext chain) {
      seen.put(chain.segmentIndex(), chain);
      return body;
    }
  }

  /** Serves {@code HOPS} hops, svc-0 … svc-4, whose forwards are recorded, and returns the chain through them. */
  private ChainDescriptor fiveHops() {
    OkHttpClient recording = chains.http().newBuilder().addNetworkInterceptor(call -> {
      Request request = call.request();
      forwarded.put(TestChains.decode(request.header(ChainHeaders.DESCRIPTOR)).pointer(), request);
      return call.proceed(request);
    }).build();
    ChainDescriptor.Builder chain = ChainDescriptor.builder();
    for (int i = 0; i < HOPS; i++) {
      ChainServer server = chains.serve(chains.hop("n" + i).serviceName("svc-" + i).functions(new Traced())
          .httpClient(recording));
      chains.route("svc-" + i, server.uri());
      chain.segment(Segment.of("svc-" + i, "traced"));
    }
    return chain.build();
  }

  /** Sends {@code chain} with the given trace headers (none when null). */
  private ChainResponse sendWithTrace(ChainDescriptor chain, String traceparent, String tracestate) {
    OkHttpClient tracing = chains.http().newBuilder().addInterceptor(call -> {
      Request.Builder request = call.request().newBuilder();
      if (traceparent != null) {
        request.header("traceparent", traceparent);
      }
      if (tracestate != null) {
        request.header("tracestate", tracestate);
      }
      return call.proceed(request.build());
    }).build();
    try (ChainClient client = ChainClient.builder(TestChains.KEYS, chains.resolver()).httpClient(tracing).build()) {
      ChainResponse answer = client.send(chain, "q", TEXT);
      assertEquals(200, answer.status(), answer::bodyString);
      return answer;
    }
  }

  @Test
  void keepsTraceIdAtEveryHop() {
    sendWithTrace(fiveHops(), CALLER_TRACEPARENT, null);

    assertEquals(HOPS, seen.size());
    for (ChainContext context : seen.values()) {
      assertEquals(TRACE_ID, context.traceId());
    }
  }

  @Test
  void givesEveryHopANewSpanId() {
    sendWithTrace(fiveHops(), CALLER_TRACEPARENT, null);

    HashSet<String> spans = new HashSet<>();
    for (ChainContext context : seen.values()) {
      assertTrue(context.spanId().matches("[0-9a-f]{16}"), context::spanId);
      spans.add(context.spanId());
    }
    spans.add(CALLER_SPAN);
    assertEquals(HOPS + 1, spans.size(), spans::toString);
  }

  @Test
  void makesPreviousHopsSpanTheParentOfTheNext() {
    sendWithTrace(fiveHops(), CALLER_TRACEPARENT, null);

    assertEquals(HOPS - 1, forwarded.size());
    for (int i = 1; i < HOPS; i++) {
      String parent = seen.get(i - 1).spanId();
      assertEquals("00-" + TRACE_ID + "-" + parent + "-01", forwarded.get(i).header("traceparent"), "sent to hop " + i);
    }
  }

  @Test
  void passesTracestateOnWithAValidParent() {
    sendWithTrace(fiveHops(), CALLER_TRACEPARENT, "vendor=opaque-value");

    for (int i = 1; i < HOPS; i++) {
      assertEquals("vendor=opaque-value", forwarded.get(i).header("tracestate"), "sent to hop " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "garbage",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",  // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero parent
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",   // short trace id
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  // wrong separators
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff is invalid
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x" // version 00 has nothing after the flags
  })
  void startsNewValidTraceWhenTraceparentIsMalformed(String malformed) {
    sendWithTrace(fiveHops(), malformed, "vendor=dropped");

    String trace = seen.get(0).traceId();
    assertTrue(trace.matches("[0-9a-f]{32}") && !trace.equals("0".repeat(32)), trace);
    assertNotEquals(TRACE_ID, trace);
    for (int i = 1; i < HOPS; i++) {
      assertEquals(trace, seen.get(i).traceId(), "hop " + i);
      assertTrue(forwarded.get(i).header("traceparent").matches("00-" + trace + "-[0-9a-f]{16}-01"));
      assertNull(forwarded.get(i).header("tracestate"), "tracestate is passed on only with a valid parent");
    }
  }

  @Test
  void continuesTraceOfALaterVersionWithExtraFields() {
    sendWithTrace(fiveHops(), "cc-" + TRACE_ID + "-" + CALLER_SPAN + "-01-future-field", null);

    for (int i = 0; i < HOPS; i++) {
      assertEquals(TRACE_ID, seen.get(i).traceId(), "hop " + i);
    }
    assertEquals("00-" + TRACE_ID + "-" + seen.get(0).spanId() + "-01", forwarded.get(1).header("traceparent"),
        "hops write the version-00 layout they understand");
  }

  @Test
  void startsNewTraceWithoutTraceparent() {
    sendWithTrace(fiveHops(), null, null);

    String trace = seen.get(0).traceId();
    assertTrue(trace.matches("[0-9a-f]{32}"), trace);
    for (ChainContext context : seen.values()) {
      assertEquals(trace, context.traceId());
    }
  }

  @Test
  void startsDistinctTracesForDistinctChains() {
    ChainDescriptor chain = fiveHops();
    sendWithTrace(chain, null, null);
    String first = seen.get(0).traceId();

    sendWithTrace(ChainDescriptor.builder().segments(chain.segments()).build(), null, null);

    assertNotEquals(first, seen.get(0).traceId());
  }

  /** Reads the logging context it runs in. */
  static final class Logging {
    final Map<String, String> mdc = new ConcurrentHashMap<>();
    volatile ChainContext context;

    @ChainFunction("log")
    public String run(String body, ChainContext chain) {
      context = chain;
      for (String key : List.of("chain.id", "chain.segment", "trace.id")) {
        String value = MDC.get(key);
        if (value != null) {
          mdc.put(key, value);
        }
      }
      return body;
    }
  }

  @Test
  void putsChainIdInLoggingContextWhileFunctionRuns() {
    Logging logging = new Logging();
    chains.serve("n1", logging);
    ChainDescriptor chain = TestChains.chain("log");

    ChainResponse answer = chains.send(chain, "q", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(chain.chainId().toHex(), logging.mdc.get("chain.id"));
    assertEquals(logging.context.traceId(), logging.mdc.get("trace.id"));
    assertEquals("0:log", logging.mdc.get("chain.segment"));
  }
}
