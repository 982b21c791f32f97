package io.chainmesh.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import io.chainmesh.http.RetryPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChainSenderTest {
  private final MockWebServer peer = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient();

  @AfterEach
  void close() throws Exception {
    peer.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void backoffIsJitteredBetweenHalfAndAllOfItsCeiling() {
    LongSummaryStatistics pauses = LongStream.range(0, 20_000).map(i -> ChainSender.jittered(200)).summaryStatistics();

    assertTrue(pauses.getMin() >= 100, () -> "shortest " + pauses.getMin());
    assertTrue(pauses.getMax() <= 200, () -> "longest " + pauses.getMax());
    assertTrue(pauses.getMin() < 110 && pauses.getMax() > 190, () -> "not spread over the range: " + pauses);
    assertEquals(150, pauses.getAverage(), 5);
  }

  @Test
  void backoffOfNothingIsNoPause() {
    assertEquals(0, ChainSender.jittered(0));
    assertTrue(ChainSender.jittered(1) <= 1);
  }

  @Test
  void anAnswerOverTheLimitIsBadResponseAndGivesItsMemoryBack() throws Exception {
    peer.enqueue(new MockResponse.Builder().body("y".repeat(101)).build());
    peer.start();
    BodyMemory memory = BodyMemory.ofCapacity(1 << 20);
    ChainSender sender = new ChainSender(http, RetryPolicy.NONE, Clock.systemUTC());
    Response response = sender.send(post(), null, ChainSender.Leg.START, "b");

    ChainException e = assertThrows(ChainException.class, () -> sender.readAnswer(response, 100, memory, null));

    assertEquals(Reason.NEXT_HOP_BAD_RESPONSE, e.reason());
    assertEquals(0, memory.held());
  }

  @Test
  void anAnswerWithinTheLimitIsHeldInTheBudgetUntilClosed() throws Exception {
    peer.enqueue(new MockResponse.Builder().body("y".repeat(100)).build());
    peer.start();
    BodyMemory memory = BodyMemory.ofCapacity(1 << 20);
    ChainSender sender = new ChainSender(http, RetryPolicy.NONE, Clock.systemUTC());

    try (BodyMemory.Held held = sender.readAnswer(sender.send(post(), null, ChainSender.Leg.START, "b"), 100, memory,
        null)) {
      assertEquals(100, held.bytes().length);
      assertEquals(100, memory.held());
    }
    assertEquals(0, memory.held());
  }

  @Test
  void aForwardAnswered503IsTheAnswerNotRetried() throws Exception {
    peer.enqueue(new MockResponse.Builder().code(503).build());
    peer.enqueue(new MockResponse.Builder().code(200).build());
    peer.start();
    ChainSender sender = new ChainSender(http, RetryPolicy.DEFAULT, Clock.systemUTC());

    try (Response response = sender.send(post(), null, ChainSender.Leg.FORWARD, "b")) {
      assertEquals(503, response.code());
    }
    assertEquals(1, peer.getRequestCount());
  }

  @Test
  void aReplyAnswered503WithRetryAfterPastTheDeadlineIsNotWaitedFor() throws Exception {
    peer.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "1").build());
    peer.start();
    ChainSender sender = new ChainSender(http, RetryPolicy.DEFAULT, Clock.systemUTC());
    Instant deadline = Instant.now().plusMillis(800);

    try (Response response = sender.send(post(), deadline, ChainSender.Leg.REPLY, "edge")) {
      assertEquals(503, response.code());
    }
    assertEquals(1, peer.getRequestCount());
  }

  @Test
  void aReplyAnswered500IsRetriedOnlyForAnIdempotentReplyTo() throws Exception {
    peer.enqueue(new MockResponse.Builder().code(500).build());
    peer.enqueue(new MockResponse.Builder().code(204).build());
    peer.start();
    RetryPolicy idempotentEdge = RetryPolicy.builder().idempotentServices(java.util.Set.of("edge")).build();
    ChainSender sender = new ChainSender(http, idempotentEdge, Clock.systemUTC());

    try (Response response = sender.send(post(), null, ChainSender.Leg.REPLY, "edge")) {
      assertEquals(204, response.code());
    }
    assertEquals(2, peer.getRequestCount());
  }

  private Request post() {
    return new Request.Builder().url(peer.url("/")).post(ChainSender.body("x".getBytes(), null)).build();
  }
}
