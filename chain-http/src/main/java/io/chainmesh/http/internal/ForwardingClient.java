package io.chainmesh.http.internal;

import okhttp3.OkHttpClient;

/**
 * The OkHttp client a hop, an edge or a {@code ChainClient} sends chains with: the application's
 * own client if it gave one (its pool, dispatcher, timeouts, sockets and interceptors), with the two
 * settings chainmesh cannot leave to it switched off, and the {@link StaleConnectionCheck} added.
 *
 * <ul>
 *   <li><b>Redirects.</b> A next hop answering {@code 3xx} must not be able to send the signed
 *       descriptor, the body and the trace to a host of its choosing: the answer is treated like any
 *       other answer without a chain route.
 *   <li><b>OkHttp's own retries.</b> OkHttp re-sends a request whose connection failed, also after
 *       the request was written, which would run a non-idempotent function twice. Retries are
 *       chainmesh's to decide ({@code RetryPolicy}, and the stale-connection check for pooled
 *       connections the next hop had closed).
 * </ul>
 */
public final class ForwardingClient {
  private ForwardingClient() {}

  /**
   * {@code application}'s client without redirects and without OkHttp's retries, checking pooled
   * connections before it writes on them; shares the application's pool and dispatcher. Callers
   * retry a {@link StaleConnectionCheck.StaleConnectionException} at once: that request never left.
   */
  public static OkHttpClient from(OkHttpClient application) {
    return application.newBuilder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .addNetworkInterceptor(new StaleConnectionCheck())
        .build();
  }
}
