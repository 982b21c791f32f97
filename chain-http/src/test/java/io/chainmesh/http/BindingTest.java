package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.JSON;
import static io.chainmesh.http.testing.TestChains.TEXT;
import static io.chainmesh.http.testing.TestChains.assertProblem;
import static io.chainmesh.http.testing.TestChains.chain;
import static io.chainmesh.http.testing.TestChains.chainOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.Order;
import io.chainmesh.http.testing.Quote;
import io.chainmesh.http.testing.TestChains;
import io.chainmesh.http.testing.TestChains.Reply;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a function's parameters are bound from the request and its return value becomes the body sent on. */
class BindingTest {
  private static final String OCTETS = "application/octet-stream";

  private final TestChains chains = new TestChains();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  static final class Reversing {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("reverse")
    public byte[] run(byte[] body) {
      calls.incrementAndGet();
      byte[] reversed = new byte[body.length];
      for (int i = 0; i < body.length; i++) {
        reversed[i] = body[body.length - 1 - i];
      }
      return reversed;
    }
  }

  @Test
  void bindsBodyAsBytesAndSendsReturnedBytesAsOctetStream() {
    chains.serve("n1", new Reversing());

    ChainResponse answer = chains.send(chain("reverse"), new byte[] {1, 2, 3, (byte) 0xff}, OCTETS);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(OCTETS, answer.contentType().orElseThrow());
    assertArrayEquals(new byte[] {(byte) 0xff, 3, 2, 1}, answer.body());
  }

  static final class Shouting {
    @ChainFunction("shout")
    public String run(String body) {
      return body.toUpperCase(java.util.Locale.ROOT);
    }
  }

  @Test
  void bindsBodyAsUtf8StringAndSendsReturnedStringAsUtf8Text() {
    chains.serve("n1", new Shouting());

    ChainResponse answer = chains.send(chain("shout"), "grüße, 世界", TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(TEXT, answer.contentType().orElseThrow());
    assertEquals("GRÜSSE, 世界", answer.bodyString());
  }

  /** Upper-cases ASCII letters as the bytes stream through. */
  static final class Streaming {
    @ChainFunction("stream")
    public InputStream run(InputStream body) {
      return new FilterInputStream(body) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          return b >= 'a' && b <= 'z' ? b - 32 : b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = super.read(buffer, offset, length);
          for (int i = offset; i < offset + n; i++) {
            if (buffer[i] >= 'a' && buffer[i] <= 'z') {
              buffer[i] -= 32;
            }
          }
          return n;
        }
      };
    }
  }

  @Test
  void streamsBodyAsInputStreamAndSendsReturnedStream() {
    chains.serve("n1", new Streaming());
    chains.serve("n2", new Shouting());
    String body = "streamed ".repeat(10_000);

    ChainResponse direct = chains.send(chain("stream"), body, TEXT);
    ChainResponse forwarded = chains.send(chain("stream", "shout"), body, TEXT);

    assertEquals(200, direct.status(), direct::bodyString);
    assertEquals(OCTETS, direct.contentType().orElseThrow());
    assertEquals(body.toUpperCase(java.util.Locale.ROOT), direct.bodyString());
    assertEquals(200, forwarded.status(), forwarded::bodyString);
    assertEquals(body.toUpperCase(java.util.Locale.ROOT), forwarded.bodyString());
  }

  @Test
  void streamsBodiesLargerThanMaxBodyBytes() {
    chains.serve(chains.hop("n1").functions(new Streaming()).maxBodyBytes(16));

    ChainResponse answer = chains.send(chain("stream"), "x".repeat(1024), TEXT);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("X".repeat(1024), answer.bodyString());
  }

  /** Prices an order given as a JSON record; answers with a JSON class. */
  static final class Pricing {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("price")
    public Quote run(Order order) {
      calls.incrementAndGet();
      return new Quote(order.id(), 250L * order.quantity());
    }
  }

  @Test
  void bindsJsonRecordAndSendsReturnedObjectAsJson() {
    chains.serve("n1", new Pricing());

    ChainResponse answer = chains.send(chain("price"), "{\"id\":\"o-1\",\"sku\":\"book\",\"quantity\":3}", JSON);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(JSON, answer.contentType().orElseThrow());
    assertArrayEquals(BodyCodec.json().write(new Quote("o-1", 750)), answer.body());
  }

  /** Confirms a quote given as a JSON class. */
  static final class Confirming {
    @ChainFunction("confirm")
    public String run(Quote quote) {
      return "confirmed " + quote.getOrderId() + " for " + quote.getTotalCents();
    }
  }

  @Test
  void bindsJsonClassFromPreviousHopsJson() {
    chains.serve("n1", new Pricing());
    chains.serve("n2", new Confirming());

    ChainResponse answer = chains.send(chain("price", "confirm"), "{\"id\":\"o-2\",\"sku\":\"pen\",\"quantity\":2}", JSON);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("confirmed o-2 for 500", answer.bodyString());
  }

  @Test
  void bindsJsonBodyWithStructuredSyntaxSuffixAndParameters() {
    chains.serve("n1", new Pricing());

    ChainResponse answer = chains.send(chain("price"), "{\"id\":\"o-3\",\"quantity\":1}",
        "application/vnd.shop.order+json; charset=utf-8");

    assertEquals(200, answer.status(), answer::bodyString);
  }

  /** Describes the chain it is in. */
  static final class Describing {
    final AtomicReference<ChainContext> seen = new AtomicReference<>();

    @ChainFunction("describe")
    public String run(ChainContext chain) {
      seen.set(chain);
      return chain.function() + " at " + chain.segmentIndex() + " of " + chain.chainName().orElse("?");
    }
  }

  @Test
  void bindsChainContextOfTheVerifiedDescriptor() {
    Describing describing = new Describing();
    chains.serve("n1", describing);
    ChainDescriptor descriptor = chainOf("describe").chainName("checkout").build();

    ChainResponse answer = chains.send(descriptor, "", TEXT);

    assertEquals("describe at 0 of checkout", answer.bodyString());
    ChainContext context = describing.seen.get();
    assertEquals(descriptor.chainId(), context.chainId());
    assertEquals(Segment.of("describe"), context.segment());
    assertTrue(context.isLastSegment());
    assertTrue(context.traceId().matches("[0-9a-f]{32}"), context::traceId);
    assertTrue(context.spanId().matches("[0-9a-f]{16}"), context::spanId);
  }

  /** Greets by segment arguments. */
  static final class Greeting {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("greet")
    public String run(@Argument("name") String name, @Argument("greeting") Optional<String> greeting) {
      calls.incrementAndGet();
      return greeting.orElse("hello") + ", " + name;
    }
  }

  @Test
  void bindsSegmentArguments() {
    chains.serve("n1", new Greeting());
    Segment segment = Segment.builder("greet").argument("name", "Ada").argument("greeting", "good day").build();

    ChainResponse answer = chains.send(ChainDescriptor.builder().segment(segment).build(), "", TEXT);

    assertEquals("good day, Ada", answer.bodyString());
  }

  @Test
  void bindsAbsentOptionalArgumentAsEmpty() {
    chains.serve("n1", new Greeting());
    Segment segment = Segment.builder("greet").argument("name", "Ada").build();

    ChainResponse answer = chains.send(ChainDescriptor.builder().segment(segment).build(), "", TEXT);

    assertEquals("hello, Ada", answer.bodyString());
  }

  @Test
  void refusesMissingRequiredArgumentWithoutRunningHandler() {
    Greeting greeting = new Greeting();
    chains.serve("n1", greeting);
    ChainDescriptor descriptor = ChainDescriptor.builder()
        .segment(Segment.builder("greet").argument("greeting", "hi").build()).build();

    ChainResponse answer = chains.send(descriptor, "", TEXT);

    ChainProblem problem = assertProblem(answer, 400, Reason.SEGMENT_MISSING_ARGUMENT);
    assertTrue(problem.detail().contains("\"name\""), problem::detail);
    assertEquals(0, problem.segmentIndex().orElseThrow());
    assertEquals(0, greeting.calls.get());
  }

  /** Looks at the body, returns nothing: the body goes on unchanged. */
  static final class Auditing {
    final AtomicReference<byte[]> seen = new AtomicReference<>();

    @ChainFunction("audit")
    public void run(byte[] body) {
      seen.set(body);
    }
  }

  /** Takes no body and returns nothing: answers with the request body as it came. */
  static final class Echoing {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("echo")
    public void run() {
      calls.incrementAndGet();
    }
  }

  @Test
  void forwardsRequestBodyUnchangedWithItsContentTypeFromVoidFunction() {
    Auditing auditing = new Auditing();
    Echoing echoing = new Echoing();
    chains.serve("n1", auditing);
    chains.serve("n2", echoing);
    byte[] body = {0, 1, 2, 'x', (byte) 0x80};

    ChainResponse answer = chains.send(chain("audit", "echo"), body, "application/x-chainmesh-test");

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("application/x-chainmesh-test", answer.contentType().orElseThrow());
    assertArrayEquals(body, answer.body());
    assertArrayEquals(body, auditing.seen.get());
    assertEquals(1, echoing.calls.get());
  }

  /** Ends the chain with a typed body and its own content type. */
  static final class Rejecting {
    @ChainFunction("reject")
    public ChainReply run(Order order) {
      return ChainReply.status(422, Map.of("problem", "no stock for " + order.sku()))
          .withContentType("application/vnd.shop.error+json");
    }
  }

  @Test
  void sendsEarlyReplyBodyByBindingRulesWithExplicitContentType() {
    chains.serve("n1", new Rejecting());
    Echoing later = new Echoing();
    chains.serve("n2", later);

    ChainResponse answer = chains.send(chain("reject", "echo"), "{\"id\":\"o\",\"sku\":\"ink\",\"quantity\":1}", JSON);

    assertEquals(422, answer.status());
    assertEquals("application/vnd.shop.error+json", answer.contentType().orElseThrow());
    assertEquals("{\"problem\":\"no stock for ink\"}", answer.bodyString());
    assertEquals(0, later.calls.get());
  }

  @Test
  void refusesBodyOverMaxBodyBytesWithoutRunningHandler() {
    Reversing reversing = new Reversing();
    chains.serve(chains.hop("n1").functions(reversing).maxBodyBytes(64));

    ChainResponse answer = chains.send(chain("reverse"), new byte[65], OCTETS);

    assertProblem(answer, 413, Reason.LIMITS_BODY);
    assertEquals(0, reversing.calls.get());
  }

  @Test
  void refusesChunkedBodyOverMaxBodyBytesWithoutRunningHandler() {
    Reversing reversing = new Reversing();
    ChainServer server = chains.serve(chains.hop("n1").functions(reversing).maxBodyBytes(64));
    RequestBody chunked = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get(OCTETS);
      }

      @Override
      public long contentLength() {
        return -1;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(new byte[200]);
      }
    };
    Request request = new Request.Builder().url(server.uri().toString())
        .header(ChainHeaders.DESCRIPTOR, TestChains.encode(chain("reverse"))).post(chunked).build();

    Reply reply = chains.execute(request);

    assertProblem(reply, 413, Reason.LIMITS_BODY);
    assertEquals(0, reversing.calls.get());
  }

  @Test
  void acceptsBodyOfExactlyMaxBodyBytes() {
    chains.serve(chains.hop("n1").functions(new Reversing()).maxBodyBytes(64));

    ChainResponse answer = chains.send(chain("reverse"), new byte[64], OCTETS);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(64, answer.body().length);
  }

  @Test
  void refusesNonJsonContentTypeForTypedBodyWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    chains.serve("n1", pricing);

    ChainResponse answer = chains.send(chain("price"), "{\"id\":\"o\",\"quantity\":1}", "text/plain");

    assertProblem(answer, 415, Reason.BODY_UNSUPPORTED_MEDIA_TYPE);
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesMalformedJsonWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    chains.serve("n1", pricing);

    ChainResponse answer = chains.send(chain("price"), "{\"id\": \"o\", \"quantity\": ", JSON);

    assertProblem(answer, 400, Reason.BODY_MALFORMED);
    assertEquals(0, pricing.calls.get());
  }

  @Test
  void refusesJsonOfTheWrongShapeWithoutRunningHandler() {
    Pricing pricing = new Pricing();
    chains.serve("n1", pricing);

    ChainResponse answer = chains.send(chain("price"), "{\"id\":\"o\",\"quantity\":\"many\"}", JSON);

    assertProblem(answer, 400, Reason.BODY_MALFORMED);
    assertEquals(0, pricing.calls.get());
  }

  /** Reads any JSON object. */
  static final class Untyped {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("untyped")
    public Map<String, Object> run(Map<String, Object> body) {
      calls.incrementAndGet();
      return body;
    }
  }

  @Test
  void refusesDeeplyNestedJsonAsMalformedNotAsServerError() {
    Untyped untyped = new Untyped();
    chains.serve("n1", untyped);
    int depth = 100_000;
    String bomb = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

    ChainResponse answer = chains.send(chain("untyped"), bomb, JSON);

    ChainProblem problem = assertProblem(answer, 400, Reason.BODY_MALFORMED);
    assertTrue(problem.detail().contains("nesting"), problem::detail);
    assertEquals(0, untyped.calls.get());
  }

  @Test
  void acceptsJsonNestedWithinTheLimit() {
    chains.serve("n1", new Untyped());
    String nested = "{\"a\":".repeat(30) + "1" + "}".repeat(30);

    ChainResponse answer = chains.send(chain("untyped"), nested, JSON);

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(nested, answer.bodyString());
  }

  /** Counts the bytes of a streamed body. */
  static final class Counting {
    @ChainFunction("count")
    public String run(InputStream body) throws IOException {
      return Integer.toString(body.readAllBytes().length);
    }
  }

  @Test
  void bindsEmptyBodyAsEmptyStream() {
    chains.serve("n1", new Counting());

    ChainResponse answer = chains.send(chain("count"), new byte[0], OCTETS);

    assertEquals("0", answer.bodyString());
  }
}
