package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import io.chainmesh.http.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
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
 * The one place chainmesh sends a chain request over HTTP: a hop to its next hop, a hop to reply-to,
 * an edge or a {@code ChainClient} to a first hop. It owns, for all of them:
 *
 * <ul>
 *   <li>the client: {@link ForwardingClient#from} (no redirects, none of OkHttp's own re-sends,
 *       stale pooled connections checked);
 *   <li>the call timeout: the chain's deadline, plus {@link #DEADLINE_GRACE} for whoever started
 *       the chain ({@link Leg#START});
 *   <li>skipping pooled connections the peer had closed ({@link StaleConnectionCheck#skippingClosed}),
 *       which is not an attempt;
 *   <li>retries as {@link RetryPolicy} allows — after a connect failure (the request provably never
 *       left), or for an idempotent service; for reply-to also after a {@code 503} (see
 *       {@link Leg#REPLY}) — each after an exponential backoff with jitter, and only when the
 *       longest that backoff can be still ends before the deadline;
 *   <li>what a transport failure means: {@link #failure} and {@link #answerFailure};
 *   <li>reading an answer into memory, bounded: {@link #readAnswer}. An answer over the limit is
 *       {@code next_hop.bad_response} (502) wherever it is read: the fault is the answering side's,
 *       and {@code limits.body} (413) would tell the caller that its own request was too large.
 * </ul>
 *
 * <p>Backoff sleeps on the sending thread: a hop's forward happens while its caller waits anyway,
 * and reply-to deliveries run on the hop's asynchronous executor, after the caller had its 202.
 * Thread-safe.
 */
public final class ChainSender {
  /**
   * How long past a chain's deadline whoever started it (an edge, a {@code ChainClient}) waits for
   * the chain's answer. Every hop gives up at the deadline and answers a problem naming the segment
   * where the chain was; without this grace the starter gives up at the same instant and answers
   * first, naming only its first segment.
   */
  public static final Duration DEADLINE_GRACE = Duration.ofMillis(500);
  /** The longest {@code Retry-After} a reply-to delivery waits for, like {@link RetryPolicy}'s backoff. */
  static final long MAX_RETRY_AFTER_MILLIS = 10_000;

  /** Which way a request goes: how long to wait, and which answers are worth another attempt. */
  public enum Leg {
    /** A hop to its next hop: gives up at the deadline; every answer is the chain's. */
    FORWARD(false, false, "the next hop"),
    /**
     * A hop to reply-to: gives up at the deadline. Besides transport failures, a {@code 503} is
     * retried (chainmesh answers it before anything of the request is read, with
     * {@code Retry-After}, honoured up to {@link #MAX_RETRY_AFTER_MILLIS}), and any other
     * {@code 5xx} when reply-to's service is idempotent: an outcome the hop owes is not dropped at
     * the first overloaded moment.
     */
    REPLY(false, true, "reply-to"),
    /** An edge or a {@code ChainClient} to a first hop: waits {@link #DEADLINE_GRACE} past the deadline. */
    START(true, false, "the first hop");

    private final boolean grace;
    private final boolean retriesUnavailable;
    /** Who is sent to, as failures name it. */
    private final String peer;

    Leg(boolean grace, boolean retriesUnavailable, String peer) {
      this.grace = grace;
      this.retriesUnavailable = retriesUnavailable;
      this.peer = peer;
    }
  }

  private final OkHttpClient client;
  private final RetryPolicy retries;
  private final Clock clock;
  // Keyed by the exact text: URI.equals ignores the case of %-escapes, which HttpUrl keeps.
  private final ParsedOnce<String, HttpUrl> urls = new ParsedOnce<>(HttpUrl::get, 1024);
  private final ParsedOnce<String, MediaType> mediaTypes = new ParsedOnce<>(MediaTypeHeader::parse, 64);

  /** A sender over {@code client}'s pool and dispatcher, made a {@link ForwardingClient}. */
  public ChainSender(OkHttpClient client, RetryPolicy retries, Clock clock) {
    this.client = ForwardingClient.from(client);
    this.retries = retries;
    this.clock = clock;
  }

  /** A POST of {@code body} to {@code url}, for {@link #send}; the URL is parsed once per sender. */
  public Request.Builder post(URI url, RequestBody body) {
    return new Request.Builder().url(urls.get(url.toString())).post(body);
  }

  /**
   * {@code contentType} parsed, once per sender; null for null.
   *
   * @throws ChainException {@code body.malformed} for a content type that cannot be sent
   */
  public MediaType mediaType(String contentType) {
    return contentType == null ? null : mediaTypes.get(contentType);
  }

  /** A body of bytes, sent again as often as a retry needs. */
  public static RequestBody body(byte[] bytes, MediaType type) {
    return new Sent(Outgoing.bytes(0, null, null, bytes), type);
  }

  /** {@code body}'s bytes or stream; a stream can be sent only once. The sender closes it if it fails. */
  public static RequestBody body(Outgoing body, MediaType type) {
    return new Sent(body, type);
  }

  /**
   * Sends {@code request} and returns the answer, which the caller must close. Its body should
   * come from {@link #body}: only then is it retried, and closed on failure.
   *
   * @param deadline the chain's deadline, or null
   * @param service the service of the segment sent to, for {@link RetryPolicy#idempotentServices()}
   * @throws ChainException {@code next_hop.unreachable}, {@code next_hop.timeout},
   *     {@code next_hop.bad_response} or {@code deadline.exceeded}
   */
  public Response send(Request request, Instant deadline, Leg leg, String service) {
    Sent body = request.body() instanceof Sent s ? s : null;
    long giveUpAt = deadline == null ? Long.MAX_VALUE
        : deadline.toEpochMilli() + (leg.grace ? DEADLINE_GRACE.toMillis() : 0);
    boolean idempotent = retries.idempotentServices().contains(service);
    long backoff = retries.initialBackoff().toMillis();
    for (int attempt = 1; ; attempt++, backoff *= 2) {
      if (clock.millis() >= giveUpAt) {
        release(body);
        throw ChainException.of(Reason.DEADLINE_EXCEEDED, "the chain's deadline passed before it was answered");
      }
      Response response;
      try {
        response = StaleConnectionCheck.skippingClosed(() -> {
          Call call = client.newCall(request);
          if (giveUpAt != Long.MAX_VALUE) {
            call.timeout().timeout(Math.max(1, giveUpAt - clock.millis()), TimeUnit.MILLISECONDS);
          }
          return call.execute();
        });
      } catch (IOException e) {
        boolean neverSent = body != null && !body.started && isConnectFailure(e);
        boolean again = neverSent || (idempotent && body != null && body.repeatable());
        if (again && attempt < retries.maxAttempts() && fits(backoff, giveUpAt) && pause(backoff, 0)) {
          continue;
        }
        release(body);
        throw failure(e, deadline, leg.peer);
      }
      if (leg.retriesUnavailable && attempt < retries.maxAttempts() && body != null && body.repeatable()
          && (response.code() == 503 || (idempotent && response.code() >= 500))) {
        long retryAfter = retryAfterMillis(response);
        if (retryAfter >= 0 && fits(Math.max(backoff, retryAfter), giveUpAt)) {
          response.close(); // its connection goes back to the pool before the pause
          if (pause(backoff, retryAfter)) {
            continue;
          }
          release(body);
          throw ChainException.of(Reason.NEXT_HOP_UNREACHABLE, "interrupted while waiting to send again");
        }
      }
      return response;
    }
  }

  /** Whether a pause of up to {@code longest} ms still ends before {@code giveUpAt}. */
  private boolean fits(long longest, long giveUpAt) {
    return giveUpAt == Long.MAX_VALUE || clock.millis() + longest < giveUpAt;
  }

  /** Sleeps a jittered share of {@code ceiling}, at least {@code floor}; false if interrupted. */
  private static boolean pause(long ceiling, long floor) {
    try {
      Thread.sleep(Math.max(floor, jittered(ceiling)));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A pause between half {@code ceiling} and {@code ceiling}, uniformly: retries of many hops that
   * failed together (a next hop restarting) spread out instead of arriving in waves, and each
   * still waits at least half its backoff.
   */
  static long jittered(long ceiling) {
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }

  /** The answer's {@code Retry-After} in milliseconds, 0 without one, -1 if it is too long to wait for. */
  private static long retryAfterMillis(Response response) {
    String value = response.header("Retry-After");
    if (value == null) {
      return 0;
    }
    long seconds = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9' || seconds > MAX_RETRY_AFTER_MILLIS) {
        return -1; // an HTTP date, or longer than worth waiting for
      }
      seconds = seconds * 10 + (c - '0');
    }
    long millis = seconds * 1000;
    return millis <= MAX_RETRY_AFTER_MILLIS ? millis : -1;
  }

  /**
   * What a failed send means: the deadline passed ({@code deadline.exceeded}), the peer did not
   * answer in time ({@code next_hop.timeout}), could not be reached or the connection failed
   * ({@code next_hop.unreachable}), or its answer is not HTTP ({@code next_hop.bad_response}).
   *
   * @param deadline the chain's deadline, or null
   */
  private ChainException failure(IOException e, Instant deadline, String peer) {
    if (deadline != null && clock.millis() >= deadline.toEpochMilli()) {
      return ChainException.caused(Reason.DEADLINE_EXCEEDED, "the chain's deadline passed before it was answered", e);
    }
    if (e instanceof InterruptedIOException) {
      return ChainException.caused(Reason.NEXT_HOP_TIMEOUT, peer + " did not answer in time", e);
    }
    if (isConnectFailure(e)) {
      return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE, peer + " refused or could not be reached", e);
    }
    if (e instanceof ProtocolException) {
      return ChainException.caused(Reason.NEXT_HOP_BAD_RESPONSE, peer + "'s answer is not valid HTTP", e);
    }
    return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE, "the connection to " + peer + " failed", e);
  }

  /**
   * The coded failure for an answer whose head arrived but whose body could not be read whole:
   * {@code deadline.exceeded}, {@code next_hop.timeout} or {@code next_hop.unreachable}.
   *
   * @param deadline the chain's deadline, or null
   */
  public ChainException answerFailure(IOException e, Instant deadline) {
    if (deadline != null && clock.millis() >= deadline.toEpochMilli()) {
      return ChainException.caused(Reason.DEADLINE_EXCEEDED,
          "the chain's deadline passed while the next hop's answer was read", e);
    }
    if (e instanceof InterruptedIOException) {
      return ChainException.caused(Reason.NEXT_HOP_TIMEOUT, "the next hop's answer stopped arriving in time", e);
    }
    return ChainException.caused(Reason.NEXT_HOP_UNREACHABLE,
        "the connection to the next hop failed while its answer was read", e);
  }

  /**
   * Reads the whole answer into {@code memory}, at most {@code max} bytes, and closes it.
   *
   * @param deadline the chain's deadline, or null
   * @throws ChainException {@code next_hop.bad_response} for an answer over {@code max} or one that
   *     ends before its declared length; {@code hop.unavailable} when {@code memory} is exhausted;
   *     as {@link #answerFailure} when it cannot be read
   */
  public BodyMemory.Held readAnswer(Response response, long max, BodyMemory memory, Instant deadline) {
    try (response; InputStream in = response.body() == null ? InputStream.nullInputStream()
        : response.body().byteStream()) {
      long declared = response.body() == null ? 0 : response.body().contentLength();
      return memory.read(in, declared, max);
    } catch (ChainException e) {
      if (e.reason() == Reason.LIMITS_BODY) {
        throw ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE, "the chain's answer is over " + max + " bytes");
      }
      if (e.reason() == Reason.BODY_MALFORMED) {
        throw ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE, "the chain's answer ended before its declared length");
      }
      throw e; // the body memory is full: hop.unavailable
    } catch (IOException e) {
      throw answerFailure(e, deadline);
    }
  }

  /** At most {@code max} bytes of a (small) answer, the rest left unread; for problem documents. */
  public static byte[] readPrefix(Response response, int max) throws IOException {
    if (response.body() == null) {
      return new byte[0];
    }
    try (InputStream in = response.body().byteStream()) {
      return in.readNBytes(max);
    }
  }

  private static boolean isConnectFailure(IOException e) {
    return e instanceof ConnectException || e instanceof StaleConnectionCheck.StaleConnectionException
        || e instanceof NoRouteToHostException || e instanceof UnknownHostException
        || e.getCause() instanceof ConnectException;
  }

  private static void release(Sent body) {
    if (body != null) {
      body.body.close();
    }
  }

  /** A request body from an {@link Outgoing} that knows whether it was written, and if so whether it can be again. */
  private static final class Sent extends RequestBody {
    private final Outgoing body;
    private final MediaType mediaType;
    private volatile boolean started;

    Sent(Outgoing body, MediaType mediaType) {
      this.body = body;
      this.mediaType = mediaType;
    }

    /** Whether it can be sent (again): not yet written, or bytes rather than a stream. */
    boolean repeatable() {
      return !started || !body.streamed();
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
      return body.streamed();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      if (!repeatable()) {
        throw new IOException("a streamed body cannot be sent twice");
      }
      started = true;
      body.writeTo(sink.outputStream());
    }
  }
}
