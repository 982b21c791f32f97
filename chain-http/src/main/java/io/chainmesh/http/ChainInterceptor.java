package io.chainmesh.http;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import java.io.IOException;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp interceptor that signs and attaches a descriptor to requests tagged with one, and strips
 * the descriptor header from every other request, so an application's calls to services outside
 * the chain never leak it.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder().addInterceptor(new ChainInterceptor(codec)).build();
 * Request request = new Request.Builder().url(firstHop).post(body)
 *     .tag(ChainDescriptor.class, descriptor)
 *     .build();
 * }</pre>
 */
public final class ChainInterceptor implements Interceptor {
  private final ChainCodec codec;

  /** An interceptor signing with {@code codec}. */
  public ChainInterceptor(ChainCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Sets {@code Chain-Descriptor} from the request's {@link ChainDescriptor} tag, or removes it.
   *
   * @throws io.chainmesh.core.ChainException if the tagged descriptor exceeds the codec's limits
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    ChainDescriptor descriptor = request.tag(ChainDescriptor.class);
    Request.Builder builder = request.newBuilder().removeHeader(ChainHeaders.DESCRIPTOR);
    if (descriptor != null) {
      builder.header(ChainHeaders.DESCRIPTOR, codec.encode(descriptor));
    }
    return chain.proceed(builder.build());
  }
}
