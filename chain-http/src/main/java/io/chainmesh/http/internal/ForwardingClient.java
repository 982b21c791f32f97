package io.chainmesh.http.internal;

import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The OkHttp client a hop, an edge or a {@code ChainClient} sends chains with: the application's
 * own client if it gave one (its pool, dispatcher, timeouts, sockets and interceptors), with every
 * way OkHttp has of sending a request again on its own switched off, and the
 * {@link StaleConnectionCheck} added.
 *
 * <ul>
 *   <li><b>Redirects.</b> A next hop answering {@code 3xx} must not be able to send the signed
 *       descriptor, the body and the trace to a host of its choosing: the answer is treated like any
 *       other answer without a chain route.
 *   <li><b>OkHttp's own retries.</b> OkHttp re-sends a request whose connection failed, also after
 *       the request was written; it re-sends at once on {@code 503} with {@code Retry-After: 0}, and
 *       with credentials on {@code 401} if an authenticator is set. Any of these would run a
 *       non-idempotent function twice. Re-sending is chainmesh's to decide: {@code RetryPolicy}, and
 *       the stale-connection check for pooled connections the peer had closed before the request
 *       was written.
 * </ul>
 *
 * <p>{@link #sendOnce} is the same, as far as OkHttp lets one call be changed, for a call through a
 * client that does not come from here ({@code ChainInterceptor} added to an application's client by
 * hand): an application interceptor cannot reconfigure the client it runs in.
 */
public final class ForwardingClient {
  private static final Interceptor WITHOUT_IMMEDIATE_RETRY = ForwardingClient::withoutImmediateRetry;

  private ForwardingClient() {}

  /**
   * {@code application}'s client without redirects and without any of OkHttp's re-sends, checking
   * pooled connections before it writes on them; shares the application's pool and dispatcher.
   * Callers send again at once on a {@link StaleConnectionCheck.StaleConnectionException} (see
   * {@link StaleConnectionCheck#skippingClosed}): that request never left. A client made here
   * already is returned as it is.
   */
  public static OkHttpClient from(OkHttpClient application) {
    if (application.networkInterceptors().contains(WITHOUT_IMMEDIATE_RETRY) && !application.followRedirects()
        && !application.followSslRedirects() && !application.retryOnConnectionFailure()
        && application.authenticator() == Authenticator.NONE) {
      return application; // made here already: another layer would add nothing but work per call
    }
    OkHttpClient.Builder b = application.newBuilder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .authenticator(Authenticator.NONE)
        .addNetworkInterceptor(WITHOUT_IMMEDIATE_RETRY);
    if (application.networkInterceptors().stream().noneMatch(StaleConnectionCheck.class::isInstance)) {
      b.addNetworkInterceptor(new StaleConnectionCheck(application.connectionPool()));
    }
    return b.build();
  }

  /**
   * Drops {@code Retry-After: 0} from a {@code 503}: OkHttp would otherwise send the request again
   * at once, whatever the client's settings. The answer is passed on otherwise unchanged.
   */
  private static Response withoutImmediateRetry(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    String retryAfter = response.header("Retry-After");
    if (response.code() == 503 && retryAfter != null && retryAfter.matches("0+")) {
      return response.newBuilder().removeHeader("Retry-After").build();
    }
    return response;
  }

  /**
   * Proceeds with {@code request} from an application interceptor so that OkHttp sends it at most
   * once and only to the host it names, whatever client {@code chain} belongs to; a pooled
   * connection the peer had closed is skipped as {@link StaleConnectionCheck#skippingClosed} does.
   *
   * <ul>
   *   <li>Redirects can't be switched off for one call: if the client follows them, nothing is
   *       sent. OkHttp turns a {@code 301}/{@code 302}/{@code 303} to a {@code POST} into a
   *       {@code GET} with every other header kept, so no property of the request stops it.
   *   <li>Retries on connection failure and the authenticator are switched off for this call.
   *   <li>The body is marked one-shot, OkHttp's own contract for a body it must transmit at most
   *       once: no re-send on {@code 503} with {@code Retry-After: 0}, {@code 408}, {@code 421},
   *       {@code 401}/{@code 407}, or a connection that failed after the request was written. A
   *       request without a body can still be sent again to the same host on {@code 503} with
   *       {@code Retry-After: 0} unless the client comes from {@link #from}.
   * </ul>
   *
   * @throws IOException before anything is sent if the client follows redirects; as OkHttp throws
   *     it otherwise
   */
  public static Response sendOnce(Interceptor.Chain chain, Request request) throws IOException {
    if (chain.getFollowRedirects()) {
      throw new IOException("chainmesh: not sent: this OkHttp client follows redirects, so a 3xx answer would send "
          + "the request and its chain headers to the host the answer names; build the client with "
          + "ChainInterceptor.client(okHttpClient, codec), or with followRedirects(false)");
    }
    RequestBody body = request.body();
    Request once = body == null || body.isOneShot() ? request
        : request.newBuilder().method(request.method(), new OneShotBody(body)).build();
    Interceptor.Chain noRetries = chain.withRetryOnConnectionFailure(false).withAuthenticator(Authenticator.NONE);
    return StaleConnectionCheck.skippingClosed(() -> noRetries.proceed(once));
  }

  /** {@code delegate}, declared one-shot: OkHttp then never transmits it twice. */
  private static final class OneShotBody extends RequestBody {
    private final RequestBody delegate;

    OneShotBody(RequestBody delegate) {
      this.delegate = delegate;
    }

    @Override
    public MediaType contentType() {
      return delegate.contentType();
    }

    @Override
    public long contentLength() throws IOException {
      return delegate.contentLength();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      delegate.writeTo(sink);
    }

    @Override
    public boolean isDuplex() {
      return delegate.isDuplex();
    }

    @Override
    public boolean isOneShot() {
      return true;
    }
  }
}
