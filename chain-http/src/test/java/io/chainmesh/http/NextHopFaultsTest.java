package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static io.chainmesh.http.faults.NamedHops.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Reason;
import io.chainmesh.http.faults.Caller;
import io.chainmesh.http.faults.Loopback;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.RawHop;
import io.chainmesh.http.faults.Relay;
import io.chainmesh.http.faults.Throwing;
import io.chainmesh.http.testing.TestChains;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the caller sees when the hop after the one it reached fails: a problem document naming the
 * segment that could not be served and the hop that reports it — never a hang, a stack trace or a
 * short answer passed off as whole.
 */
class NextHopFaultsTest {
  private static final String SECRET_DETAIL = "password=hunter2 for jdbc://db-internal-7.corp:5432";

  private final TestChains chains = new TestChains();
  private final NamedHops hops = new NamedHops(chains);
  private final List<AutoCloseable> rawHops = new ArrayList<>();
  private final Relay a = new Relay("a");

  @AfterEach
  void closeChains() throws Exception {
    for (AutoCloseable raw : rawHops) {
      raw.close();
    }
    chains.close();
  }

  /** Holds the request until released: a function that hangs. */
  public static final class Holding {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch finished = new CountDownLatch(1);

    @ChainFunction("hold")
    public String hold(String body) throws InterruptedException {
      entered.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
        return body + ">held";
      } finally {
        finished.countDown();
      }
    }
  }

  @Test
  void nextHopRefusingConnectionsIsAnswered502UnreachableNamingItsSegmentAndTheReportingHop() {
    hops.serve("a", a);
    hops.route("b", Loopback.unusedAddress());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertEquals(1, a.calls());
  }

  @Test
  void nextHopResettingWhileReadingTheBodyIsAnswered502Unreachable() {
    hops.serve("a", a);
    RawHop b = raw(RawHop.resetAfterReading(1024));
    hops.route("b", b.uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x".repeat(256 * 1024), TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertEquals(1, b.arrivals(), "a request that reached the next hop is not sent again");
  }

  @Test
  void nextHopSilentPastTheDeadlineIsAnswered504NearTheDeadline() throws IOException {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.silent()).uri());
    Instant deadline = Instant.now().plusMillis(800);

    long started = System.nanoTime();
    TestChains.Reply reply = caller().send(chain("a/relay", "b/relay").deadline(deadline).build(), "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ChainProblem problem = TestChains.assertProblem(reply, 504, Reason.DEADLINE_EXCEEDED);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertNearDeadline(deadline, took);
  }

  @Test
  void nextHopSilentPastTheDefaultClientsReadTimeoutIsAnswered504Timeout() {
    // The default client's sockets read without SO_TIMEOUT (see StaleConnectionCheck): OkHttp's own
    // read timeout must still end the wait.
    OkHttpClient shortReads = ChainHop.defaultHttpClient().newBuilder().readTimeout(Duration.ofMillis(300)).build();
    hops.serve("a", hops.hop("a").functions(a).httpClient(shortReads));
    hops.route("b", raw(RawHop.silent()).uri());

    long started = System.nanoTime();
    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ChainProblem problem = TestChains.assertProblem(answer, 504, Reason.NEXT_HOP_TIMEOUT);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, () -> "answered after " + took + ", before the read timeout");
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, () -> "answered after " + took + ", long past the read timeout");
  }

  @Test
  void chainClientReceivesTheHopsDeadlineAnswerNamingWhereTheChainWas() {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.silent()).uri());
    Instant deadline = Instant.now().plusMillis(800);

    long started = System.nanoTime();
    ChainResponse answer = chains.send(chain("a/relay", "b/relay").deadline(deadline).build(), "x", TestChains.TEXT);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ChainProblem problem = TestChains.assertProblem(answer, 504, Reason.DEADLINE_EXCEEDED);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertNearDeadline(deadline, took);
  }

  @Test
  void nextHopAnswering5xxHtmlIsAnswered502BadResponseWithoutTheHtml() {
    hops.serve("a", a);
    String html = "<html><body>502 Bad Gateway from lb-internal-7</body></html>";
    hops.route("b", raw(RawHop.answering("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n"
        + "Content-Length: " + html.length() + "\r\nConnection: close\r\n\r\n" + html)).uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertFalse(answer.bodyString().contains("lb-internal-7"), answer.bodyString());
  }

  @Test
  void nextHopRedirectingIsAnswered502BadResponseAndTheRedirectIsNotFollowedEvenIfTheClientWould() {
    RawHop elsewhere = raw(RawHop.answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    hops.serve("a", hops.hop("a").functions(a).httpClient(applicationClient()));
    hops.route("b", raw(RawHop.answering("HTTP/1.1 307 Temporary Redirect\r\nLocation: "
        + elsewhere.uri().resolve("/collect") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")).uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertEquals(0, elsewhere.arrivals(), "the descriptor was sent where the redirect pointed");
  }

  @Test
  void chainClientDoesNotFollowAFirstHopsRedirectEvenIfItsClientWould() {
    RawHop elsewhere = raw(RawHop.answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    hops.route("a", raw(RawHop.answering("HTTP/1.1 307 Temporary Redirect\r\nLocation: "
        + elsewhere.uri().resolve("/collect") + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")).uri());
    ChainClient client = ChainClient.builder(TestChains.KEYS, chains.resolver()).httpClient(applicationClient()).build();

    ChainResponse answer = client.send(chain("a/relay").build(), "x", TestChains.TEXT);

    assertEquals(307, answer.status());
    assertEquals(0, elsewhere.arrivals(), "the signed descriptor was sent where the redirect pointed");
  }

  @Test
  void nextHopAnswering503RetryAfterZeroGetsTheRequestOnce() {
    hops.serve("a", a);
    RawHop b = raw(RawHop.answering("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
    hops.route("b", b.uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertEquals(1, b.arrivals(), "OkHttp sent the request again at once");
  }

  @Test
  void nextHopAnswering401GetsNoSecondRequestWithCredentialsEvenIfTheClientHasAnAuthenticator() {
    OkHttpClient withAuthenticator = applicationClient().newBuilder()
        .authenticator((route, response) -> response.request().newBuilder().header("Authorization", "Basic eDp5").build())
        .build();
    hops.serve("a", hops.hop("a").functions(a).httpClient(withAuthenticator));
    RawHop b = raw(RawHop.answering("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"b\"\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
    hops.route("b", b.uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertEquals(1, b.arrivals(), "the request was sent again with credentials");
  }

  @Test
  void chainClientSendsAChainOnceWhenTheFirstHopAnswers503RetryAfterZero() {
    RawHop first = raw(RawHop.answering("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
    hops.route("a", first.uri());

    ChainResponse answer = chains.send(chain("a/relay").build(), "x", TestChains.TEXT);

    assertEquals(503, answer.status());
    assertEquals(1, first.arrivals(), "the chain was started twice");
  }

  @Test
  void requestLostOnAPooledConnectionIsNotSentAgainEvenIfTheClientWouldRetry() {
    hops.serve("a", hops.hop("a").functions(a).httpClient(applicationClient()));
    AtomicInteger requestsAtB = new AtomicInteger();
    // Answers the first request of a connection (keep-alive, so the connection is pooled), then
    // drops the connection as soon as the next request on it arrives: that one reached b, unanswered.
    RawHop b = raw((socket, head, arrival) -> {
      requestsAtB.incrementAndGet();
      InputStream in = socket.getInputStream();
      in.readNBytes((int) head.contentLength());
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\n\r\n{}")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (in.read() >= 0) {
        requestsAtB.incrementAndGet();
        socket.close();
      }
    });
    hops.route("b", b.uri());
    chains.send(chain("a/relay", "b/relay").build(), "first", TestChains.TEXT);

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "second", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertEquals(2, requestsAtB.get(), "the second request, which reached b, was sent to it again");
  }

  @Test
  void nextHopAnsweringGarbageIsAnswered502BadResponse() {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.answering("SSH-2.0-OpenSSH_9.6\r\n\r\n")).uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
  }

  @Test
  void nextHopAnswering200WithoutChainRouteIsAnswered502BadResponse() {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        + "Content-Length: 2\r\nConnection: close\r\n\r\nok")).uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
  }

  @Test
  void nextHopResettingMidAnswerOfKnownLengthFailsTheCallersReadPromptly() {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.resetMidAnswer(firstThousandBytesOf(100000))).uri());

    assertCallerReadFailsPromptly(chain("a/relay", "b/relay").build());
  }

  @Test
  void nextHopResettingMidSmallAnswerIsAnswered502UnreachableNamingItsSegment() {
    // Small answers of known length are read whole before being relayed, so the relaying hop can
    // still answer with a problem document instead of cutting its caller off.
    hops.serve("a", a);
    hops.route("b", raw(RawHop.resetMidAnswer(firstThousandBytesOf(2000))).uri());

    ChainResponse answer = chains.send(chain("a/relay", "b/relay").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 502, Reason.NEXT_HOP_UNREACHABLE);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertFalse(new String(answer.body(), StandardCharsets.UTF_8).contains("yyyy"), "no part of the broken answer");
  }

  @Test
  void nextHopStallingMidSmallAnswerPastTheDeadlineIsAnswered504NearTheDeadline() throws IOException {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.stallMidAnswer(firstThousandBytesOf(2000))).uri());
    Instant deadline = Instant.now().plusMillis(800);

    long started = System.nanoTime();
    TestChains.Reply reply = caller().send(chain("a/relay", "b/relay").deadline(deadline).build(), "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ChainProblem problem = TestChains.assertProblem(reply, 504, Reason.DEADLINE_EXCEEDED);
    assertFailedAt(problem, 1, "b/relay", node("a"));
    assertNearDeadline(deadline, took);
  }

  @Test
  void nextHopResettingMidChunkedAnswerFailsTheCallersReadInsteadOfEndingItShort() {
    hops.serve("a", a);
    hops.route("b", raw(RawHop.resetMidAnswer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        + "Chain-Route: relayed-unchecked\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "y".repeat(1000) + "\r\n"))
        .uri());

    assertCallerReadFailsPromptly(chain("a/relay", "b/relay").build());
  }

  @Test
  void functionThrowingIsAnswered500HandlerFailedWithoutItsMessageOrStackTrace() {
    hops.serve("a", a);
    hops.serve("b", new Throwing(new RuntimeException(SECRET_DETAIL)));

    ChainResponse answer = chains.send(chain("a/relay", "b/explode").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertFailedAt(problem, 1, "b/explode", node("b"));
    assertLeaksNothingOf(answer.bodyString());
  }

  @Test
  void functionThrowingIllegalStateIsAnswered500HandlerFailedWithoutItsMessage() {
    hops.serve("a", a);
    hops.serve("b", new Throwing(new IllegalStateException(SECRET_DETAIL)));

    ChainResponse answer = chains.send(chain("a/relay", "b/explode").build(), "x", TestChains.TEXT);

    ChainProblem problem = TestChains.assertProblem(answer, 500, Reason.HANDLER_FAILED);
    assertFailedAt(problem, 1, "b/explode", node("b"));
    assertLeaksNothingOf(answer.bodyString());
  }

  @Test
  void functionHangingPastTheDeadlineIsAnswered504ByThePreviousHopNearTheDeadline() throws IOException {
    Holding b = new Holding();
    Relay c = new Relay("c");
    hops.serve("a", a);
    hops.serve("b", b);
    hops.serve("c", c);
    Instant deadline = Instant.now().plusMillis(800);
    try {
      long started = System.nanoTime();
      TestChains.Reply reply = caller().send(chain("a/relay", "b/hold", "c/relay").deadline(deadline).build(), "x");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      ChainProblem problem = TestChains.assertProblem(reply, 504, Reason.DEADLINE_EXCEEDED);
      assertFailedAt(problem, 1, "b/hold", node("a"));
      assertNearDeadline(deadline, took);
      assertEquals(0, c.calls());
    } finally {
      b.release.countDown();
    }
  }

  @Test
  void callerGoingAwayMidChainLeaksNoConnectionAndTheHopKeepsServing() throws Exception {
    OkHttpClient aForwarder = chains.http().newBuilder().connectionPool(new ConnectionPool()).build();
    Holding b = new Holding();
    Relay c = new Relay("c");
    hops.serve("a", hops.hop("a").functions(a).httpClient(aForwarder));
    hops.serve("b", b);
    hops.serve("c", c);
    Caller caller = caller();
    Call call = caller.call(chain("a/relay", "b/hold", "c/relay").build(),
        RequestBody.create("x".getBytes(StandardCharsets.UTF_8), MediaType.get(TestChains.TEXT)));
    Thread calling = new Thread(() -> {
      try {
        call.execute().close();
      } catch (IOException expected) {
        // The caller went away.
      }
    });
    calling.start();
    try {
      assertTrue(b.entered.await(5, TimeUnit.SECONDS), "b's function started");
      call.cancel();
      calling.join(5000);
    } finally {
      b.release.countDown();
    }

    assertTrue(b.finished.await(5, TimeUnit.SECONDS), "b's function finished");
    Loopback.awaitTrue(() -> c.calls() == 1, () -> "the chain went on to c after the caller left");
    Loopback.awaitTrue(() -> Loopback.connectionsInUse(aForwarder.connectionPool()) == 0,
        () -> "a's connection to b is back in the pool");
    ChainResponse next = chains.send(chain("a/relay", "c/relay").build(), "y", TestChains.TEXT);
    assertEquals(200, next.status(), next::bodyString);
    assertEquals("y>a>c", next.bodyString());
  }

  private RawHop raw(RawHop.Conduct conduct) {
    RawHop hop = RawHop.start(conduct);
    rawHops.add(hop);
    return hop;
  }

  private Caller caller() {
    return Caller.on(chains, Duration.ofSeconds(10));
  }

  /** An application's own client with OkHttp's defaults: it follows redirects and retries. */
  private OkHttpClient applicationClient() {
    OkHttpClient client = new OkHttpClient.Builder().build();
    rawHops.add(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    return client;
  }

  /** An answer's head promising {@code declared} bytes, and the first 1 000 of them. */
  private static String firstThousandBytesOf(int declared) {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nChain-Route: relayed-unchecked\r\n"
        + "Content-Length: " + declared + "\r\n\r\n" + "y".repeat(1000);
  }

  private void assertCallerReadFailsPromptly(ChainDescriptor chain) {
    long started = System.nanoTime();
    Caller caller = Caller.on(chains, Duration.ofSeconds(8));
    IOException failure = assertThrows(IOException.class, () -> {
      TestChains.Reply reply = caller.send(chain, "x");
      throw new AssertionError("the caller read a whole answer (" + reply.status() + ", " + reply.body().length
          + " bytes) though the next hop sent only part of it");
    });
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, () -> "the failure took " + took + ": " + failure);
  }

  private static void assertFailedAt(ChainProblem problem, int index, String segment, String hop) {
    assertEquals(OptionalInt.of(index), problem.segmentIndex(), problem::toString);
    assertEquals(segment, problem.segment().orElseThrow(), problem::toString);
    assertEquals(hop, problem.hop().orElseThrow(), problem::toString);
    assertTrue(problem.chainId().isPresent(), problem::toString);
  }

  private static void assertNearDeadline(Instant deadline, Duration took) {
    Duration budget = Duration.between(Instant.now().minus(took), deadline);
    assertTrue(took.compareTo(budget.minusMillis(50)) >= 0, () -> "answered after " + took + ", before the deadline");
    assertTrue(took.compareTo(budget.plusMillis(1500)) < 0, () -> "answered after " + took + ", long past the deadline");
  }

  private static void assertLeaksNothingOf(String body) {
    for (String leak : List.of("hunter2", "db-internal-7", "Exception", "\tat ", "io.chainmesh.")) {
      assertFalse(body.contains(leak), () -> "the answer shows \"" + leak + "\": " + body);
    }
  }
}
