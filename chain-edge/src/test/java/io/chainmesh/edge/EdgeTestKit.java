package io.chainmesh.edge;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Real chains on loopback for edge tests: hops ({@link ChainServer} on port 0) and fake hops
 * ({@link MockWebServer}) registered in one map-backed resolver, edges started from catalogue text
 * written to a temporary file, a plain OkHttp client playing the outside client, and one
 * {@link #close()} that stops everything.
 */
final class EdgeTestKit implements AutoCloseable {
  static final byte[] SECRET = "chainmesh-edge-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
  /** The ring the edge and every hop hold. */
  static final KeyRing KEYS = KeyRing.builder().addKey("edge-test-1", SECRET).build();
  /** Same key id, different secret: what a forger without the key would sign with. */
  static final KeyRing FORGED_KEYS = KeyRing.builder()
      .addKey("edge-test-1", "not-the-real-secret-0123456789abcdefgh".getBytes(StandardCharsets.US_ASCII)).build();
  static final ChainCodec CODEC = ChainCodec.builder(KEYS).build();
  static final String TEXT = "text/plain; charset=utf-8";

  private final Map<String, URI> addresses = new ConcurrentHashMap<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Path dir;
  private final OkHttpClient http;

  EdgeTestKit() {
    try {
      dir = Files.createTempDirectory("chain-edge-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http = new OkHttpClient.Builder()
        .readTimeout(Duration.ofSeconds(10))
        .callTimeout(Duration.ofSeconds(15))
        .retryOnConnectionFailure(false)
        .build();
  }

  /** Resolves registered names; anything else is refused, as the built-in resolvers do. */
  SegmentResolver resolver() {
    return segment -> {
      URI uri = segment.isUrl() ? null : addresses.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return uri;
    };
  }

  /** Serves {@code functions} as service {@code name} (node id {@code name-node}). */
  ChainServer hop(String name, Object functions) {
    return hop(name, functions, 0);
  }

  /** {@link #hop(String, Object)} on {@code port} (0: any free port), e.g. to restart a hop where it was. */
  ChainServer hop(String name, Object functions, int port) {
    ChainHop hop = ChainHop.builder().functions(functions).serviceName(name).nodeId(name + "-node")
        .keys(KEYS).resolver(resolver()).build();
    ChainServer server = ChainServer.builder(hop).loopback().port(port).stopGrace(Duration.ZERO).ownHop().start();
    resources.push(server);
    addresses.put(name, server.uri());
    return server;
  }

  /** A fake hop registered as {@code name}, answering with {@code dispatcher}. */
  MockWebServer fake(String name, Dispatcher dispatcher) {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(dispatcher);
    try {
      server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    resources.push(server);
    addresses.put(name, server.url("/").uri());
    return server;
  }

  /** A fake asynchronous hop: accepts every request with 202 and never delivers a reply. */
  MockWebServer acceptingHop(String name) {
    return fake(name, new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(202).build();
      }
    });
  }

  /** A fake last hop: answers 200 with {@code body} and a genuine final route for the segment it got. */
  MockWebServer answeringHop(String name, String body) {
    return fake(name, new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        ChainDescriptor d = descriptorOf(request);
        return new MockResponse.Builder().code(200)
            .setHeader(ChainHeaders.ROUTE, CODEC.encode(d.recordFinal(record(d.pointer(), Outcome.ANSWERED))))
            .setHeader("Content-Type", TEXT)
            .body(body)
            .build();
      }
    });
  }

  /** A route record by {@code fake-node}. */
  static RouteRecord record(int index, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(index).node("fake-node").start(Instant.now())
        .duration(Duration.ofMillis(1)).outcome(outcome).build();
  }

  /** Registers another address for {@code name}. */
  void route(String name, URI uri) {
    addresses.put(name, uri);
  }

  /** {@code yaml} written to a fresh file in the kit's directory. */
  Path write(String yaml) {
    try {
      Path file = Files.createTempFile(dir, "chains", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the content of {@code file}. */
  static void rewrite(Path file, String yaml) {
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An edge on loopback serving the catalogue {@code yaml}, registered as service {@code edge}. */
  ChainEdge edge(String yaml) {
    return edge(yaml, b -> b);
  }

  /** An edge on loopback serving {@code yaml}, configured further by {@code customize}. */
  ChainEdge edge(String yaml, UnaryOperator<ChainEdge.Builder> customize) {
    return edge(write(yaml), customize);
  }

  /** An edge on loopback serving the catalogue file {@code file}. */
  ChainEdge edge(Path file, UnaryOperator<ChainEdge.Builder> customize) {
    ChainEdge.Builder b = ChainEdge.builder().catalogue(file).keys(KEYS).resolver(resolver())
        .loopback().port(0).nodeId("edge-node").catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO);
    ChainEdge edge = customize.apply(b).start();
    resources.push(edge);
    addresses.put(ChainEdge.DEFAULT_REPLY_TO_SERVICE, edge.uri());
    return edge;
  }

  /** The client's POST of a text body to {@code path}, with extra headers as name, value pairs. */
  Answer post(ChainEdge edge, String path, String body, String... headers) {
    return call(edge.uri().resolve(path), "POST", body, headers);
  }

  /** A request as an outside client (or a hop delivering a reply) sends it. */
  Answer call(URI uri, String method, String body, String... headers) {
    Request.Builder b = new Request.Builder().url(uri.toString());
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    RequestBody requestBody = body == null ? null : RequestBody.create(body, MediaType.get(TEXT));
    b.method(method, requestBody);
    try (Response r = http.newCall(b.build()).execute()) {
      return new Answer(r.code(), r.headers(), r.body() == null ? "" : r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Delivers a genuine reply, as the last hop of {@code issued} would: the final descriptor with one
   * {@code answered} record for segment 0, signed with {@code keys}.
   */
  Answer deliverReply(ChainEdge edge, ChainDescriptor issued, KeyRing keys, int status, String body) {
    ChainDescriptor last = issued.recordFinal(record(issued.pointer(), Outcome.ANSWERED));
    String route = ChainCodec.builder(keys).build().encode(last);
    return call(edge.uri(), "POST", body, ChainHeaders.ROUTE, route, ChainHeaders.REPLY_STATUS,
        Integer.toString(status));
  }

  /** Waits (up to 5 s) until {@code condition} holds. */
  static void await(String what, BooleanSupplier condition) {
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what);
      }
    }
  }

  /** The verified descriptor a (fake) hop received. */
  static ChainDescriptor descriptorOf(RecordedRequest request) {
    return CODEC.decode(request.getHeaders().get(ChainHeaders.DESCRIPTOR));
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException("could not close a test resource", e);
      }
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the client got. */
  record Answer(int status, Headers headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    /** The problem document's reason code, or null if the body is not one. */
    String reason() {
      return ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8)).map(ChainProblem::reasonCode).orElse(null);
    }

    ChainProblem problem() {
      return ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("not a problem document: " + status + " " + body));
    }

    /** The verified final descriptor from the exposed {@code Chain-Route} header. */
    ChainDescriptor route() {
      String header = header(ChainHeaders.ROUTE);
      if (header == null) {
        throw new AssertionError("no " + ChainHeaders.ROUTE + " header in " + status + " " + body);
      }
      return ChainCodec.builder(KEYS).build().decode(header);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** A segment list of names, for comparing with descriptors. */
  static java.util.List<Segment> segments(String... services) {
    return Stream.of(services).map(Segment::of).toList();
  }
}
