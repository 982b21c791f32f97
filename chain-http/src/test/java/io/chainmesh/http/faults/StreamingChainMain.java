package io.chainmesh.http.faults;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainInterceptor;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Run in a JVM of its own with a small heap ({@code -Xmx64m}): starts five hops on loopback, four
 * passing the body on as a stream and the last answering its CRC-32 and length, streams a body of
 * {@code args[0]} bytes made up on the fly through them, and exits 0 only if the chain's answer
 * matches what was sent. Any buffering of the whole body shows as an {@link OutOfMemoryError}.
 */
public final class StreamingChainMain {
  private static final KeyRing KEYS = KeyRing.builder()
      .addKey("stream-1", "streaming-test-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).build();

  private StreamingChainMain() {}

  /** Passes the request body on, unread. */
  public static final class Pass {
    /** The body, as a stream, to the next hop. */
    @ChainFunction("pass")
    public InputStream pass(InputStream body) {
      return body;
    }
  }

  /** Answers {@code crc32-hex length} of the body it reads. */
  public static final class Checksum {
    /** The body's checksum and length. */
    @ChainFunction("checksum")
    public String checksum(InputStream body) throws IOException {
      CRC32 crc = new CRC32();
      byte[] buffer = new byte[64 * 1024];
      long length = 0;
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        crc.update(buffer, 0, n);
        length += n;
      }
      return describe(crc.getValue(), length);
    }
  }

  static String describe(long crc, long length) {
    return Long.toHexString(crc) + " " + length;
  }

  /** {@code args[0]}: body size in bytes. Exit 0: the answer matches; 1: it does not; 2: failure. */
  public static void main(String[] args) {
    long size = Long.parseLong(args[0]);
    int status;
    try {
      status = streamThroughFiveHops(size) ? 0 : 1;
    } catch (Throwable t) {
      t.printStackTrace();
      status = 2;
    }
    System.out.println("peak heap used: " + peakHeapUsed() / (1024 * 1024) + " MiB of "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    System.out.flush();
    System.exit(status);
  }

  private static boolean streamThroughFiveHops(long size) throws IOException {
    Map<String, URI> addresses = new ConcurrentHashMap<>();
    SegmentResolver resolver = segment -> {
      URI address = addresses.get(segment.service());
      if (address == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return address;
    };
    List<ChainServer> servers = new ArrayList<>();
    ChainDescriptor.Builder chain = ChainDescriptor.builder().lifetime(Duration.ofMinutes(2));
    for (int i = 1; i <= 5; i++) {
      String service = "s" + i;
      Object function = i < 5 ? new Pass() : new Checksum();
      ChainHop hop = ChainHop.builder().keys(KEYS).resolver(resolver).serviceName(service).nodeId(service + "-node")
          .functions(function).build();
      ChainServer server = ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
      servers.add(server);
      addresses.put(service, server.uri());
      chain.segment(Segment.of(service, i < 5 ? "pass" : "checksum"));
    }
    OkHttpClient base = ChainHop.defaultHttpClient();
    OkHttpClient client = base.newBuilder()
        .addInterceptor(new ChainInterceptor(ChainCodec.builder(KEYS).build()))
        .callTimeout(Duration.ofSeconds(100))
        .build();
    GeneratedBody body = new GeneratedBody(size, true);
    Request request = new Request.Builder().url(addresses.get("s1").toString()).post(body)
        .tag(ChainDescriptor.class, chain.build()).build();
    try (Response response = client.newCall(request).execute(); InputStream answer = response.body().byteStream()) {
      String text = new String(answer.readNBytes(1024), StandardCharsets.UTF_8);
      String expected = describe(body.crc(), size);
      System.out.println("status " + response.code() + ", answer \"" + text + "\", sent \"" + expected + "\"");
      return response.code() == 200 && text.equals(expected);
    } finally {
      base.dispatcher().executorService().shutdown();
      base.connectionPool().evictAll();
      for (ChainServer server : servers) {
        server.close();
      }
    }
  }

  private static long peakHeapUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
