package io.chainmesh.http;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeySource;
import io.chainmesh.core.Reason;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.ChainSender;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts chains from application code: signs a descriptor, sends the request to the first segment
 * (found by the resolver) and returns the answer with its verified record route. Sends through the
 * same {@code ChainSender} as hops and the edge, so a failure has the same reason code whoever meets
 * it. Thread-safe, share one.
 *
 * <pre>{@code
 * ChainClient client = ChainClient.builder(keys, resolver).build();
 * ChainDescriptor chain = ChainDescriptor.builder()
 *     .segment(Segment.of("validate")).segment(Segment.of("price")).build();
 * ChainResponse answer = client.send(chain, orderJson, "application/json");
 * }</pre>
 */
public final class ChainClient implements AutoCloseable {
  /**
   * Answers are handed to the application, which keeps them as long as it likes: no budget could
   * know when they are released, so each is bounded by {@code maxResponseBytes} alone.
   */
  private static final BodyMemory ANSWERS = BodyMemory.ofCapacity(Long.MAX_VALUE);
  private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

  private final ChainCodec codec;
  private final SegmentResolver resolver;
  private final OkHttpClient client;
  private final ChainSender sender;
  private final boolean ownsClient;
  private final long maxResponseBytes;

  private ChainClient(Builder b) {
    this.codec = ChainCodec.builder(b.keys).clock(b.clock).build();
    this.resolver = b.resolver;
    this.ownsClient = b.httpClient == null;
    OkHttpClient base = b.httpClient == null ? ChainHop.defaultHttpClient() : b.httpClient;
    this.client = ChainInterceptor.client(base, codec);
    this.sender = new ChainSender(client, RetryPolicy.NONE, b.clock);
    this.maxResponseBytes = b.maxResponseBytes;
  }

  /** A builder signing with {@code keys} and finding the first hop with {@code resolver}. */
  public static Builder builder(KeySource keys, SegmentResolver resolver) {
    return new Builder(keys, resolver);
  }

  /** The codec this client signs and verifies with. */
  public ChainCodec codec() {
    return codec;
  }

  /**
   * Sends {@code body} into the chain {@code descriptor} describes and waits for the answer (for an
   * asynchronous chain, the first hop's {@code 202 Accepted}). The answer's route is verified
   * against the client's keys and the chain sent: see {@link ChainResponse#routeStatus()}.
   *
   * <p>With a deadline, waits up to 500 ms past it: hops answer a passed deadline with a
   * {@code deadline.exceeded} problem naming the segment the chain was waiting for, and that answer
   * needs a moment to travel back. The first hop is sent to once (a pooled connection it had closed
   * is skipped): whether to start a chain again is the application's decision.
   *
   * @throws ChainException {@code segment.unresolvable} if the first segment cannot be resolved,
   *     {@code next_hop.unreachable} / {@code next_hop.timeout} / {@code deadline.exceeded} when the
   *     first hop cannot be reached in time, {@code next_hop.bad_response} if the answer is larger
   *     than {@link Builder#maxResponseBytes} or is not HTTP, {@code body.malformed} for a
   *     {@code contentType} that cannot be sent
   */
  public ChainResponse send(ChainDescriptor descriptor, byte[] body, String contentType) {
    URI first = resolver.resolve(descriptor.currentSegment());
    Request request = sender.post(first, ChainSender.body(body, sender.mediaType(contentType)))
        .tag(ChainDescriptor.class, descriptor)
        .build();
    Instant sentAt = codec.clock().instant();
    Instant deadline = descriptor.deadline().orElse(null);
    Response response = sender.send(request, deadline, ChainSender.Leg.START, descriptor.currentSegment().service());
    String route = response.header(ChainHeaders.ROUTE);
    int status = response.code();
    String type = response.header("Content-Type");
    byte[] answer;
    try (BodyMemory.Held held = sender.readAnswer(response, maxResponseBytes, ANSWERS, deadline)) {
      answer = held.bytes();
    }
    ChainDescriptor verified = null;
    Reason refusal = null;
    if (route != null) {
      try {
        verified = verifiedRoute(route, descriptor, sentAt);
      } catch (ChainException e) {
        refusal = e.reason();
        log.warn("chainmesh client: refused the {} header of chain {}'s answer: {}", ChainHeaders.ROUTE,
            descriptor.chainId(), e.getMessage());
      }
    }
    return new ChainResponse(status, type, answer, verified, refusal);
  }

  /** {@link #send(ChainDescriptor, byte[], String)} with a UTF-8 text body. */
  public ChainResponse send(ChainDescriptor descriptor, String body, String contentType) {
    return send(descriptor, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
  }

  /**
   * The answer's route, MAC-verified as of when the chain was sent (a chain may legitimately answer
   * after its descriptor's expiry), and the route of the chain that was sent: a genuine route lifted
   * from another chain proves nothing about this one.
   *
   * @throws ChainException the codec's refusal, or {@code transit.unproven} for another chain's route
   */
  private ChainDescriptor verifiedRoute(String header, ChainDescriptor sent, Instant sentAt) {
    ChainDescriptor route = codec.decode(header, sentAt);
    if (!route.chainId().equals(sent.chainId())) {
      throw ChainException.of(Reason.TRANSIT_UNPROVEN, "the route belongs to chain " + route.chainId()
          + ", not to chain " + sent.chainId());
    }
    return route;
  }

  /** Releases the client's threads and connections if it created its OkHttp client. */
  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /** Builds a {@link ChainClient}. */
  public static final class Builder {
    private final KeySource keys;
    private final SegmentResolver resolver;
    private OkHttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private long maxResponseBytes = 64L << 20;

    private Builder(KeySource keys, SegmentResolver resolver) {
      this.keys = Objects.requireNonNull(keys, "keys");
      this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * The OkHttp client to send with; a default unless set. Whatever it configures, chains are sent
     * without following redirects and without OkHttp's own retries, so a first hop cannot send the
     * signed descriptor elsewhere with a {@code 3xx} and a chain is never started twice.
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** The clock for deadlines and route verification; system UTC unless set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Largest answer read into memory; 64 MiB unless set. */
    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes < 0 || maxResponseBytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxResponseBytes must be in [0, 2 GiB), was " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /** The client. */
    public ChainClient build() {
      return new ChainClient(this);
    }
  }
}
