package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.CURRENT;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.MetadataEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat "resource exhaustion" (brief §4): sizes are checked before anything is parsed, bodies are
 * bounded in memory, and a client cannot hold a connection by sending slowly.
 *
 * <p>Limits and where they live: the {@code Chain-Descriptor} header, 4 KiB ({@code DecodeLimits},
 * 431 {@code descriptor.too_large}); request bodies, the hop's and edge's {@code maxBodyBytes} (413
 * {@code limits.body}; 4 MiB in this fixture, 16 MiB by default); all request headers together, about
 * 384 KiB, and at most 200 of them: the JDK server's own limits, beyond which it closes the
 * connection without an answer and nothing runs; the time to send a whole request, the JDK's
 * {@code sun.net.httpserver.maxReqTime}, which chainmesh's servers set to 30 s unless configured
 * (this module's test JVM sets 10 s).
 */
class ExhaustionAttackTest {
  private static AttackTarget target;

  @BeforeAll
  static void start() {
    target = new AttackTarget();
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  @BeforeEach
  void reset() {
    target.reset();
  }

  @ParameterizedTest(name = "Chain-Descriptor of {0} characters → 431 descriptor.too_large")
  @ValueSource(ints = {4097, 64 * 1024, 300 * 1024})
  void oversizedDescriptorHeaderIsRefusedBeforeDecoding(int length) {
    target.assertRefused(target.toHop("alpha", "A".repeat(length), "x"), 431, "descriptor.too_large");
  }

  @Test
  void genuinelySignedDescriptorOverTheHeaderLimitIsRefusedBeforeItsMacIsChecked() {
    String header = Forgery.resigned(sign(descriptor("alpha").build()), CURRENT, CURRENT_SECRET,
        d -> d.addContextMetadata(MetadataEntry.newBuilder().setKey("padding").setValue("p".repeat(4000))));

    target.assertRefused(target.toHop("alpha", header, "x"), 431, "descriptor.too_large");
  }

  private static MetadataEntry entry(String key, String value) {
    return MetadataEntry.newBuilder().setKey(key).setValue(value).build();
  }

  static Stream<Arguments> signedButTooBig() {
    return Stream.of(
        Arguments.of("65 metadata entries", "limits.metadata_entries", (UnaryOperator<Descriptor.Builder>) d -> {
          for (int i = 0; i < 64; i++) {
            d.addContextMetadata(entry("k" + i, "v"));
          }
          return d;
        }),
        Arguments.of("a metadata value of 1025 bytes", "limits.metadata_value",
            (UnaryOperator<Descriptor.Builder>) d -> d.addContextMetadata(entry("big", "v".repeat(1025)))),
        Arguments.of("a metadata key of 65 characters", "limits.metadata_key",
            (UnaryOperator<Descriptor.Builder>) d -> d.addContextMetadata(entry("k".repeat(65), "v"))),
        Arguments.of("17 arguments on a segment", "limits.arguments", (UnaryOperator<Descriptor.Builder>) d -> {
          var s = d.getSegments(0).toBuilder();
          for (int i = 0; i < 17; i++) {
            s.addArguments(entry("a" + i, "v"));
          }
          return d.setSegments(0, s);
        }),
        Arguments.of("a service name of 254 characters", "limits.name_length",
            (UnaryOperator<Descriptor.Builder>) d -> d.setSegments(0, d.getSegments(0).toBuilder()
                .setService("a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62)))),
        Arguments.of("a segment's function name of 64 characters", "segment.invalid_name",
            (UnaryOperator<Descriptor.Builder>) d -> d.setSegments(0, d.getSegments(0).toBuilder()
                .setFunction("f".repeat(64)))));
  }

  @ParameterizedTest(name = "signed descriptor with {0} → 400 {1}")
  @MethodSource("signedButTooBig")
  void signedDescriptorOverADecodeLimitIsRefused(String name, String reason, UnaryOperator<Descriptor.Builder> change) {
    String header = Forgery.resigned(sign(descriptor("alpha").build()), CURRENT, CURRENT_SECRET, change);

    target.assertRefused(target.toHop("alpha", header, "x"), 400, reason);
  }

  /**
   * Unknown-field groups nested 1000 deep after the genuine descriptor bytes, correctly signed: each
   * level would cost a recursive parser a stack frame; protobuf's recursion limit (100) refuses it.
   */
  @Test
  void signedDescriptorWithDeeplyNestedGroupsIsRefusedAsMalformed() {
    byte[] genuine = Forgery.descriptor(sign(descriptor("alpha").build())).toByteArray();
    byte[] bytes = Arrays.copyOf(genuine, genuine.length + 2000);
    for (int i = genuine.length; i < bytes.length; i += 2) {
      bytes[i] = (byte) 0xA3; // tag of field 100, wire type 3 (start group): varint 803 = A3 06
      bytes[i + 1] = 0x06;
    }
    String header = Forgery.signedBytes(bytes, CURRENT, CURRENT_SECRET);

    target.assertRefused(target.toHop("alpha", header, "x"), 400, "descriptor.malformed");
  }

  @ParameterizedTest(name = "{0} → connection closed unanswered, nothing runs, hop keeps serving")
  @ValueSource(strings = {"one 1 MiB header", "400 KiB of headers", "250 headers", "10000 headers"})
  void headersBeyondTheServersLimitsCloseTheConnection(String shape) throws IOException {
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: hop\r\n" + ChainHeaders.DESCRIPTOR + ": "
        + sign(descriptor("alpha").build()));
    switch (shape) {
      case "one 1 MiB header" -> head.append("\r\nX-Padding: ").append("p".repeat(1 << 20));
      case "400 KiB of headers" -> {
        for (int i = 0; i < 100; i++) {
          head.append("\r\nX-Padding-").append(i).append(": ").append("p".repeat(4096));
        }
      }
      default -> {
        int n = Integer.parseInt(shape.substring(0, shape.indexOf(' ')));
        for (int i = 0; i < n; i++) {
          head.append("\r\nX-H").append(i).append(": v");
        }
      }
    }

    RawHttp.Reply reply = RawHttp.exchange(target.hopUri("alpha"), head.toString(), "x".getBytes(StandardCharsets.UTF_8));

    assertTrue(reply.dropped() || reply.status() == 431 || reply.status() == 400, reply::toString);
    assertEquals(0, target.calls.total());
    AttackTarget.Answer next = target.toHop("alpha", sign(descriptor("alpha").build()), "x");
    assertEquals(200, next.status(), next::toString);
  }

  @Test
  void bodyShorterThanItsContentLengthIsRefusedWithoutRunningTheFunction() throws IOException {
    String head = "POST / HTTP/1.1\r\nHost: hop\r\nContent-Type: text/plain\r\n" + ChainHeaders.DESCRIPTOR + ": "
        + sign(descriptor("alpha").build());

    RawHttp.Reply reply = RawHttp.shortBody(target.hopUri("alpha"), head, 100, "only ten b".getBytes(StandardCharsets.UTF_8));

    assertEquals(400, reply.status(), reply::toString);
    assertTrue(reply.body().contains("\"reason\":\"body.malformed\""), reply::toString);
    assertEquals(0, target.calls.total());
  }

  @Test
  void bodyOverTheLimitAtAHopIsRefused() {
    byte[] body = new byte[(int) AttackTarget.MAX_BODY + 1];

    AttackTarget.Answer answer = target.toHop("alpha", sign(descriptor("alpha").build()), body, "text/plain");

    target.assertRefused(answer, 413, "limits.body");
  }

  @Test
  void chunkedBodyOverTheLimitAtAHopIsRefused() throws IOException {
    String head = "POST / HTTP/1.1\r\nHost: hop\r\nTransfer-Encoding: chunked\r\n" + ChainHeaders.DESCRIPTOR + ": "
        + sign(descriptor("alpha").build()) + "\r\nConnection: close\r\n\r\n";
    int chunk = 64 * 1024;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), target.hopUri("alpha").getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      byte[] data = new byte[chunk];
      Arrays.fill(data, (byte) 'x');
      try {
        for (long sent = 0; sent <= AttackTarget.MAX_BODY; sent += chunk) {
          out.write((Integer.toHexString(chunk) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(data);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      } catch (SocketException closedEarly) {
        // The hop may answer and close before the whole body is sent.
      }
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("limits.body"), answer);
    } catch (SocketException reset) {
      // Some JDK versions reset instead of draining: then no answer arrives, but nothing ran either.
    }
    assertEquals(0, target.calls.total());
  }

  @Test
  void bodyOverTheLimitAtTheEdgeIsRefusedAndStartsNoChain() {
    long started = target.edge().stats().chainsStarted();

    AttackTarget.Answer answer = target.toEdge("/abc", new byte[(int) AttackTarget.MAX_BODY + 1], "text/plain");

    target.assertRefused(answer, 413, "limits.body");
    assertEquals(started, target.edge().stats().chainsStarted());
  }

  @Test
  void jsonBodyOverTheLimitIsRefusedBeforeBinding() {
    byte[] body = ("{\"item\":\"" + "x".repeat((int) AttackTarget.MAX_BODY) + "\"}").getBytes(StandardCharsets.UTF_8);

    AttackTarget.Answer answer = target.toHop("typed", sign(descriptor("typed").build()), body, "application/json");

    target.assertRefused(answer, 413, "limits.body");
  }

  /** Seconds the JDK server gives a client to send a request; what this JVM was started with. */
  private static int maxRequestSeconds() {
    return Integer.getInteger("sun.net.httpserver.maxReqTime", 30);
  }

  /**
   * Slow loris on a hop with 4 request threads: while 3 slow senders trickle their requests a byte
   * at a time, a polite client is served at once; then 5 more saturate every thread. Half trickle
   * their headers, half their body (a slow POST); one more trickles its headers to the edge. Hop and
   * edge drop them all once their request time is up, and the hop serves the next polite client.
   * (While every thread is held, the JDK server queues new connections, and their request time runs
   * in the queue too: a bound on the attack's duration, not immunity during it.)
   */
  @Test
  void slowSendersOfHeadersAndBodiesAreDroppedAndOthersServed() throws Exception {
    try (var hop = io.chainmesh.http.ChainServer.builder(io.chainmesh.http.ChainHop.builder()
            .functions(new TargetFunctions.Alpha(target.calls)).serviceName("alpha").nodeId("slow-node")
            .keys(AttackTarget.KEYS).resolver(io.chainmesh.http.SegmentResolver.staticMap(java.util.Map.of())).build())
        .loopback().port(0).maxThreads(4).stopGrace(Duration.ZERO).ownHop().start()) {
      String header = sign(descriptor("alpha").lifetime(Duration.ofMinutes(2)).build());
      long begin = System.nanoTime();
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        slow.add(slowSender(hop.port(), i % 2 == 0 ? "headers" : "body", header));
      }
      trickle(slow, 3);

      long politeStart = System.nanoTime();
      assertEquals(200, polite(hop.uri(), header), "a polite client beside 3 slow senders");
      assertTrue(System.nanoTime() - politeStart < TimeUnit.SECONDS.toNanos(2), "served at once");

      for (int i = 0; i < 5; i++) {
        slow.add(slowSender(hop.port(), i % 2 == 0 ? "body" : "headers", header));
      }
      slow.add(slowSender(target.edge().port(), "headers", header)); // the edge runs on the same JDK server

      List<Socket> open = new ArrayList<>(slow);
      long limitNanos = TimeUnit.SECONDS.toNanos(maxRequestSeconds() + 6);
      while (!open.isEmpty() && System.nanoTime() - begin < limitNanos) {
        open.removeIf(ExhaustionAttackTest::trickleOrClosed);
      }
      double seconds = (System.nanoTime() - begin) / 1e9;
      assertTrue(open.isEmpty(), open.size() + " of 9 slow senders still connected after " + seconds + " s");
      assertEquals(200, polite(hop.uri(), header), "a polite client once they are gone");
      assertEquals(2, target.calls.of("alpha"), "only the polite requests ran");
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  private static Socket slowSender(int port, String part, String header) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(25);
    String start = part.equals("headers") ? "POST / HTTP/1.1\r\nHost: hop\r\nX-Slow: "
        : "POST / HTTP/1.1\r\nHost: hop\r\n" + ChainHeaders.DESCRIPTOR + ": " + header + "\r\nContent-Length: 100000\r\n\r\n";
    s.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
    return s;
  }

  private static void trickle(List<Socket> sockets, int rounds) {
    for (int i = 0; i < rounds; i++) {
      sockets.forEach(ExhaustionAttackTest::trickleOrClosed);
    }
  }

  private static int polite(java.net.URI hop, String header) throws IOException {
    return RawHttp.exchange(hop, "POST / HTTP/1.1\r\nHost: hop\r\n" + ChainHeaders.DESCRIPTOR + ": " + header,
        "polite".getBytes(StandardCharsets.UTF_8)).status();
  }

  /** Sends one more byte; true when the server has closed the connection. */
  private static boolean trickleOrClosed(Socket s) {
    try {
      s.getOutputStream().write('a');
      s.getOutputStream().flush();
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException closed) {
      return true;
    }
  }
}
