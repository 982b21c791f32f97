package io.chainmesh.http.internal;

import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

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
 */
public final class ForwardingClient {
  private ForwardingClient() {}

  /**
   * {@code application}'s client without redirects and without any of OkHttp's re-sends, checking
   * pooled connections before it writes on them; shares the application's pool and dispatcher.
   * Callers send again at once on a {@link StaleConnectionCheck.StaleConnectionException} (see
   * {@link StaleConnectionCheck#skippingClosed}): that request never left.
   */
  public static OkHttpClient from(OkHttpClient application) {
    OkHttpClient.Builder b = application.newBuilder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .authenticator(Authenticator.NONE)
        .addNetworkInterceptor(ForwardingClient::withoutImmediateRetry);
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
}
