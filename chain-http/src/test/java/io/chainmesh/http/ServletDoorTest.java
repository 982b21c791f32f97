package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static io.chainmesh.http.faults.NamedHops.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.http.faults.Caller;
import io.chainmesh.http.faults.JettyDoor;
import io.chainmesh.http.faults.Loopback;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.RawHop;
import io.chainmesh.http.faults.Relay;
import io.chainmesh.http.faults.Throwing;
import io.chainmesh.http.testing.TestChains;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The servlet door (a {@link ChainServlet} in Jetty 12) runs the same pipeline as the embedded one:
 * chains cross freely between servlet hops and embedded hops, refusals carry the same statuses and
 * reason codes, and body limits hold.
 */
class ServletDoorTest {
  private final TestChains chains = new TestChains();
  private final NamedHops hops = new NamedHops(chains);
  private final List<AutoCloseable> doors = new ArrayList<>();

  @AfterEach
  void closeChains() throws Exception {
    for (AutoCloseable door : doors) {
      door.close();
    }
    chains.close();
  }

  /** Reads the body into memory. */
  public static final class Buffered {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("bytes")
    public byte[] bytes(byte[] body) {
      calls.incrementAndGet();
      return body;
    }
  }

  @Test
  void chainCrossesBetweenServletAndEmbeddedHopsInBothDirections() {
    servlet("a", new Relay("a"));
    hops.serve("b", new Relay("b"));
    servlet("c", new Relay("c"));
    hops.serve("d", new Relay("d"));

    ChainResponse answer = chains.send(chain("a/relay", "b/relay", "c/relay", "d/relay").build(), "x", TestChains.TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("x>a>b>c>d", answer.bodyString());
    assertEquals(List.of(node("a"), node("b"), node("c"), node("d")),
        answer.route().stream().map(RouteRecord::node).toList(), "the route verifies and names every hop");
  }

  @Test
  void servletHopAsTheLastSegmentAnswersTheChain() {
    hops.serve("a", new Relay("a"));
    servlet("b", new Relay("b"));

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("x>a>b", answer.bodyString());
    assertEquals(2, answer.route().size());
  }

  /** Requests every door must refuse the same way, before running any function. */
  enum Refusal {
    NO_DESCRIPTOR(400, Reason.DESCRIPTOR_MISSING, d -> null),
    NOT_BASE64(400, Reason.DESCRIPTOR_MALFORMED, d -> "not*a*descriptor"),
    UNKNOWN_KEY(401, Reason.INTEGRITY_UNKNOWN_KEY, d -> ChainCodec.builder(KeyRing.builder()
        .addKey("stranger", "a-key-no-hop-of-this-chain-holds-0123".getBytes(StandardCharsets.US_ASCII)).build())
        .build().encode(d)),
    EXPIRED(401, Reason.DESCRIPTOR_EXPIRED, d -> TestChains.encode(chain("a/relay")
        .issuedAt(Instant.now().minusSeconds(120)).expiresAt(Instant.now().minusSeconds(60)).build())),
    SEGMENT_NOT_HERE(421, Reason.SEGMENT_NOT_HERE, d -> TestChains.encode(chain("elsewhere/relay").build()));

    final int status;
    final Reason reason;
    final Function<ChainDescriptor, String> header;

    Refusal(int status, Reason reason, Function<ChainDescriptor, String> header) {
      this.status = status;
      this.reason = reason;
      this.header = header;
    }
  }

  @ParameterizedTest
  @EnumSource(Refusal.class)
  void servletDoorRefusesWithTheSameStatusAndReasonAsTheEmbeddedDoor(Refusal refusal) {
    Relay embedded = new Relay("embedded");
    Relay servlet = new Relay("servlet");
    URI embeddedDoor = hops.serve("a", embedded).uri();
    URI servletDoor = servlet("a", servlet).uri();
    String header = refusal.header.apply(chain("a/relay").build());

    for (URI door : List.of(embeddedDoor, servletDoor)) {
      TestChains.Reply reply = post(door, header, "x");
      TestChains.assertProblem(reply, refusal.status, refusal.reason);
    }
    assertEquals(0, embedded.calls() + servlet.calls(), "no function ran");
  }

  @Test
  void servletHopRefusesABufferedBodyOverItsLimitWith413() {
    Buffered big = new Buffered();
    servlet("big", hops.hop("big").functions(big).maxBodyBytes(1024));

    TestChains.Reply reply = send(chain("big/bytes").build(),
        RequestBody.create(new byte[4096], MediaType.get("application/octet-stream")));

    ChainProblem problem = TestChains.assertProblem(reply, 413, Reason.LIMITS_BODY);
    assertEquals(node("big"), problem.hop().orElseThrow());
    assertEquals(0, big.calls.get());
  }

  @Test
  void servletHopRefusesAChunkedBufferedBodyOverItsLimitWith413() {
    Buffered big = new Buffered();
    servlet("big", hops.hop("big").functions(big).maxBodyBytes(1024));
    RequestBody chunked = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/octet-stream");
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(new byte[4096]);
      }
    };

    TestChains.Reply reply = send(chain("big/bytes").build(), chunked);

    ChainProblem problem = TestChains.assertProblem(reply, 413, Reason.LIMITS_BODY);
    assertEquals(node("big"), problem.hop().orElseThrow());
    assertEquals(0, big.calls.get());
  }

  @Test
  void servletHopRelaysADownstreamFailureUnchanged() {
    servlet("a", new Relay("a"));
    hops.serve("b", new Throwing(new RuntimeException("internal detail")));

    ChainResponse answer = chains.send(chain("a/relay", "b/explode").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(node("b"), problem.hop().orElseThrow());
  }

  @Test
  void servletHopAnswers502WhenTheNextHopRefusesConnections() {
    servlet("a", new Relay("a"));
    hops.route("b", Loopback.unusedAddress());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertEquals(OptionalInt.of(1), problem.segmentIndex());
    assertEquals(node("a"), problem.hop().orElseThrow());
  }

  @Test
  void servletHopCutOffMidAnswerFailsTheCallersReadInsteadOfEndingItShort() {
    servlet("a", new Relay("a"));
    RawHop b = RawHop.start(RawHop.resetMidAnswer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        + "Chain-Route: relayed-unchecked\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "y".repeat(1000) + "\r\n"));
    doors.add(b);
    hops.route("b", b.uri());
    Caller caller = Caller.on(chains, Duration.ofSeconds(8));

    assertThrows(IOException.class, () -> {
      TestChains.Reply r = caller.send(chain("a/relay", "b/relay").build(), "x");
      throw new AssertionError(r.status() + " " + r.contentType() + " " + r.headers() + " " + r.bodyString());
    });
  }

  private JettyDoor servlet(String service, Object functions) {
    return servlet(service, hops.hop(service).functions(functions));
  }

  private JettyDoor servlet(String service, ChainHop.Builder hop) {
    JettyDoor door = JettyDoor.serve(hop.build());
    doors.add(0, door);
    hops.route(service, door.uri());
    return door;
  }

  private TestChains.Reply post(URI door, String header, String body) {
    Request.Builder request = new Request.Builder().url(door.toString())
        .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), MediaType.get(TestChains.TEXT)));
    if (header != null) {
      request.header(ChainHeaders.DESCRIPTOR, header);
    }
    return chains.execute(request.build());
  }

  private TestChains.Reply send(ChainDescriptor chain, RequestBody content) {
    URI door = chains.resolver().resolve(chain.currentSegment());
    return chains.execute(new Request.Builder().url(door.toString()).post(content)
        .header(ChainHeaders.DESCRIPTOR, TestChains.encode(chain)).build());
  }
}
