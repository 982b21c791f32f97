package io.chainmesh.http.faults;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.KeySource;
import io.chainmesh.http.ChainInterceptor;
import io.chainmesh.http.SegmentResolver;
import io.chainmesh.http.testing.TestChains;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An edge made of plain OkHttp and a {@link ChainInterceptor}, for what {@link io.chainmesh.http.ChainClient}
 * hides: a call timeout of the test's choosing (so a hop's answer at the deadline is seen, not the
 * client's own timeout), a call to cancel mid-chain, a body streamed in or out.
 */
public final class Caller {
  private final OkHttpClient client;
  private final SegmentResolver resolver;

  /**
   * A caller over {@code base}'s threads and connections (the owner of {@code base} closes them),
   * signing with {@code keys}, giving up on a call after {@code callTimeout}.
   */
  public Caller(OkHttpClient base, KeySource keys, SegmentResolver resolver, Duration callTimeout) {
    this.client = base.newBuilder()
        .addInterceptor(new ChainInterceptor(ChainCodec.builder(keys).build()))
        .callTimeout(callTimeout)
        .build();
    this.resolver = resolver;
  }

  /** A caller on a {@link TestChains} fixture. */
  public static Caller on(TestChains chains, Duration callTimeout) {
    return new Caller(chains.http(), TestChains.KEYS, chains.resolver(), callTimeout);
  }

  /** A call sending {@code body} into {@code chain}, at the hop its first segment resolves to. */
  public Call call(ChainDescriptor chain, RequestBody body) {
    Request request = new Request.Builder()
        .url(resolver.resolve(chain.currentSegment()).toString())
        .post(body)
        .tag(ChainDescriptor.class, chain)
        .build();
    return client.newCall(request);
  }

  /** Sends a text body into {@code chain} and reads the whole answer. */
  public TestChains.Reply send(ChainDescriptor chain, String body) throws IOException {
    RequestBody text = RequestBody.create(body.getBytes(StandardCharsets.UTF_8), MediaType.get(TestChains.TEXT));
    try (Response response = call(chain, text).execute()) {
      return new TestChains.Reply(response.code(), response.header("Content-Type"), response.body().bytes(),
          response.headers());
    }
  }
}
