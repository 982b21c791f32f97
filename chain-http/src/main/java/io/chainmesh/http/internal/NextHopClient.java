package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.http.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * Sends a request to the next hop (or to a reply-to target) with one shared {@link OkHttpClient}:
 * the descriptor and trace headers set, the call timed out at the chain's deadline, and retried only
 * where {@link RetryPolicy} allows — when the connection could not be made (the request provably
 * never left), or for idempotent services. A pooled connection the next hop had already closed is
 * skipped without counting as an attempt ({@link StaleConnectionCheck}). Transport failures become
 * coded {@link ChainException}s.
 */
public final class NextHopClient {
  private final OkHttpClient client;
  private final RetryPolicy retries;
  private final Clock clock;
  // Keyed by the exact text: URI.equals ignores the case of %-escapes, which HttpUrl keeps.
  private final ParsedOnce<String, HttpUrl> urls = new ParsedOnce<>(HttpUrl::get, 1024);
  private final ParsedOnce<String, MediaType> mediaTypes = new ParsedOnce<>(MediaTypeHeader::parse, 64);

  /** A client over {@code client}'s pool and dispatcher. */
  public NextHopClient(OkHttpClient client, RetryPolicy retries, Clock clock) {
    this.client = ForwardingClient.from(client);
    this.retries = retries;
    this.clock = clock;
  }

  /**
   * POSTs {@code body} to {@code url} and returns the response, which the caller must close.
   *
   * @param deadline the chain's deadline, or null
   * @param idempotentService the service name used to decide on retries after the request left
   * @throws ChainException {@code next_hop.unreachable}, {@code next_hop.timeout} or
   *     {@code deadline.exceeded}; {@code body.malformed} for a content type that cannot be sent
   */
  public Response post(URI url, String descriptorHeader, String routeHeader, String replyStatus, TraceContext trace,
      Outgoing body, Instant deadline, String idempotentService) {
    HttpUrl httpUrl = urls.get(url.toString());
    String contentType = body.contentType();
    MediaType mediaType;
    try {
      mediaType = contentType == null ? null : mediaTypes.get(contentType);
    } catch (ChainException e) {
      body.close();
      throw e;
    }
    OneShotBody requestBody = new OneShotBody(body, mediaType);
    Request.Builder request = new Request.Builder().url(httpUrl).post(requestBody);
    if (descriptorHeader != null) {
      request.header(ChainHeaders.DESCRIPTOR, descriptorHeader);
    }
    if (routeHeader != null) {
      request.header(ChainHeaders.ROUTE, routeHeader);
    }
    if (replyStatus != null) {
      request.header(ChainHeaders.REPLY_STATUS, replyStatus);
    }
    request.header("traceparent", trace.traceparent());
    if (trace.tracestate() != null) {
      request.header("tracestate", trace.tracestate());
    }
    Request built = request.build();
    boolean idempotent = retries.idempotentServices().contains(idempotentService);
    long backoff = retries.initialBackoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      if (deadline != null && deadline.toEpochMilli() - clock.millis() <= 0) {
        body.close();
        throw ChainException.of(Reason.DEADLINE_EXCEEDED, "the chain's deadline passed before the next hop answered");
      }
      try {
        // A pooled connection the next hop had closed (it restarted) is skipped at once, on another
        // connection: that request never left, and it is not an attempt.
        return StaleConnectionCheck.skippingClosed(() -> {
          Call call = client.newCall(built);
          if (deadline != null) {
            call.timeout().timeout(Math.max(1, deadline.toEpochMilli() - clock.millis()), TimeUnit.MILLISECONDS);
          }
          return call.execute();
        });
      } catch (IOException e) {
        boolean neverSent = !requestBody.started() && isConnectFailure(e);
        boolean retryable = (neverSent || (idempotent && !requestBody.oneShotConsumed())) && attempt < retries.maxAttempts();
        long left = deadline == null ? Long.MAX_VALUE : deadline.toEpochMilli() - clock.millis();
        if (retryable && left > backoff) {
          sleep(backoff);
          backoff *= 2;
          continue;
        }
        body.close();
        throw classify(e, deadline != null && deadline.toEpochMilli() - clock.millis() <= 0);
      }
    }
  }

  /**
   * The coded failure for an answer whose head arrived but whose body could not be read whole: the
   * connection failed ({@code next_hop.unreachable}), the read timed out ({@code next_hop.timeout})
   * or the chain's deadline passed ({@code deadline.exceeded}).
   *
   * @param deadline the chain's deadline, or null
   */
  public ChainException answerFailure(IOException e, Instant deadline) {
    if (deadline != null && deadline.toEpochMilli() - clock.millis() <= 0) {
      return ChainException.caused(Reason.DEADLINE_EXCEEDED,
          "the chain's deadline passed while the next hop's answer was read", e);
    }
    if (e instanceof InterruptedIOException) {
      return ChainException.caused(Reason.NEXT_HOP_TIMEOUT, "the next hop's answer stopped arriving in time", e);
    }
    return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE,
        "the connection to the next hop failed while its answer was read", e);
  }

  private static boolean isConnectFailure(IOException e) {
    return e instanceof ConnectException || e instanceof StaleConnectionCheck.StaleConnectionException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
        || (e.getCause() instanceof ConnectException);
  }

  private static ChainException classify(IOException e, boolean deadlinePassed) {
    if (deadlinePassed) {
      return ChainException.caused(Reason.DEADLINE_EXCEEDED, "the chain's deadline passed while waiting for the next hop", e);
    }
    if (e instanceof InterruptedIOException) {
      return ChainException.caused(Reason.NEXT_HOP_TIMEOUT, "the next hop did not answer in time", e);
    }
    if (isConnectFailure(e)) {
      return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE, "the next hop refused or could not be reached", e);
    }
    if (e instanceof java.net.ProtocolException) {
      return ChainException.caused(Reason.NEXT_HOP_BAD_RESPONSE, "the next hop's answer is not valid HTTP", e);
    }
    return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE, "the connection to the next hop failed", e);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A request body written from an {@link Outgoing}; a stream can be written only once. */
  private static final class OneShotBody extends RequestBody {
    private final Outgoing body;
    private final MediaType mediaType;
    private volatile boolean started;

    OneShotBody(Outgoing body, MediaType mediaType) {
      this.body = body;
      this.mediaType = mediaType;
    }

    boolean started() {
      return started;
    }

    boolean oneShotConsumed() {
      return started && body.length() < 0;
    }

    @Override
    public MediaType contentType() {
      return mediaType;
    }

    @Override
    public long contentLength() {
      return body.length();
    }

    @Override
    public boolean isOneShot() {
      return false;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      if (started && body.length() < 0) {
        throw new IOException("a streamed body cannot be sent twice");
      }
      started = true;
      body.writeTo(sink.outputStream());
    }
  }

  /** Reads a whole (small) response body, bounded; for problem documents and acknowledgements. */
  public static byte[] readBounded(Response response, int max) throws IOException {
    if (response.body() == null) {
      return new byte[0];
    }
    try (InputStream in = response.body().byteStream()) {
      return in.readNBytes(max);
    }
  }
}
