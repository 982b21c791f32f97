package io.chainmesh.http;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.http.internal.ForwardingClient;
import java.io.IOException;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that signs and attaches a descriptor to requests tagged with
 * one, and strips the descriptor header from every other request, so an application's calls to
 * services outside the chain never leak it.
 *
 * <p>A request carrying the descriptor goes to the host it names and to no other, at most once: the
 * first hop cannot send the signed descriptor elsewhere with a {@code 3xx}, and OkHttp does not send
 * a chain twice on its own (a retry after a connection failure, {@code 503} with
 * {@code Retry-After: 0}, {@code 401} with an authenticator). Build the client with
 * {@link #client(OkHttpClient, ChainCodec)}, which switches all of that off for the client:
 *
 * <pre>{@code
 * OkHttpClient client = ChainInterceptor.client(application, codec);
 * Request request = new Request.Builder().url(firstHop).post(body)
 *     .tag(ChainDescriptor.class, descriptor)
 *     .build();
 * }</pre>
 *
 * <p>Added by hand ({@code addInterceptor(new ChainInterceptor(codec))}) it fails closed: a tagged
 * request through a client that follows redirects is not sent (an {@link IOException} says how to
 * build the client), and for the others OkHttp's retries and authenticator are switched off for
 * the call and the body is marked one-shot. One gap remains that only {@link #client} closes: a
 * tagged request <em>without</em> a body may be sent again to the same host on a {@code 503} with
 * {@code Retry-After: 0}.
 */
public final class ChainInterceptor implements Interceptor {
  private final ChainCodec codec;

  /** An interceptor signing with {@code codec}. */
  public ChainInterceptor(ChainCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * {@code application}'s client (its pool, dispatcher, timeouts and interceptors) made to send
   * chains: an interceptor signing with {@code codec} added, redirects and every way OkHttp has of
   * sending a request again switched off. Pooled connections the peer had closed are skipped for
   * chain requests when {@code application} uses channel-backed sockets. The application's own
   * client is unchanged; the new one shares its pool and dispatcher.
   */
  public static OkHttpClient client(OkHttpClient application, ChainCodec codec) {
    Objects.requireNonNull(application, "application");
    return ForwardingClient.from(application).newBuilder().addInterceptor(new ChainInterceptor(codec)).build();
  }

  /**
   * Sets {@code Chain-Descriptor} from the request's {@link ChainDescriptor} tag and sends it at
   * most once to the host it names; removes the header from untagged requests.
   *
   * @throws IOException without sending anything if the request is tagged and the client follows
   *     redirects
   * @throws io.chainmesh.core.ChainException if the tagged descriptor exceeds the codec's limits
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    ChainDescriptor descriptor = request.tag(ChainDescriptor.class);
    Request.Builder builder = request.newBuilder().removeHeader(ChainHeaders.DESCRIPTOR);
    if (descriptor == null) {
      return chain.proceed(builder.build());
    }
    return ForwardingClient.sendOnce(chain, builder.header(ChainHeaders.DESCRIPTOR, codec.encode(descriptor)).build());
  }
}
