package io.chainmesh.reliability.faults;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.edge.ChainEdge;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A chain domain on loopback for the reliability suites: real {@link ChainServer} hops and
 * {@link ChainEdge}s on port 0, registered by service name in one map-backed resolver, each with an
 * HTTP client this domain owns (so a test can see every connection pool), a plain OkHttp client
 * playing the outside client, and one {@link #close()} that stops everything in reverse order.
 */
public final class LoopbackDomain implements AutoCloseable {
  /** The content type of text bodies. */
  public static final String TEXT = "text/plain; charset=utf-8";
  /** The ring every node holds unless a test gives it another. */
  public static final KeyRing KEYS = KeyRing.builder()
      .addKey("reliability-1", "chainmesh-reliability-secret-0123456789".getBytes(StandardCharsets.US_ASCII)).build();

  private final Map<String, URI> addresses = new ConcurrentHashMap<>();
  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final List<OkHttpClient> ownedClients = new CopyOnWriteArrayList<>();
  private final Path dir;
  private final OkHttpClient outside;

  /** A domain whose outside client gives up on a call after {@code callTimeout}. */
  public LoopbackDomain(Duration callTimeout) {
    try {
      dir = Files.createTempDirectory("chain-reliability");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    outside = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(128, 1, TimeUnit.MINUTES))
        .readTimeout(callTimeout)
        .callTimeout(callTimeout)
        .retryOnConnectionFailure(false)
        .build();
    ownedClients.add(outside);
  }

  /** A domain whose outside client waits up to 15 s for an answer. */
  public LoopbackDomain() {
    this(Duration.ofSeconds(15));
  }

  /** Resolves registered names; anything else is refused, as the built-in resolvers do. */
  public SegmentResolver resolver() {
    return segment -> {
      URI uri = segment.isUrl() ? null : addresses.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return uri;
    };
  }

  /** Registers (or moves) service {@code name} at {@code uri}. */
  public void route(String name, URI uri) {
    addresses.put(name, uri);
  }

  /** {@code http://127.0.0.1:port/} for a port nothing listens on (it was free a moment ago). */
  public static URI unusedAddress() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves {@code functions} as service {@code name} (node id {@code name-node}) and registers it. */
  public ChainServer hop(String name, Object functions) {
    return hop(name, functions, b -> b);
  }

  /** As {@link #hop(String, Object)}, the hop's builder customised by {@code customize}. */
  public ChainServer hop(String name, Object functions, UnaryOperator<ChainHop.Builder> customize) {
    ChainServer server = replica(name, name + "-node", functions, customize);
    route(name, server.uri());
    return server;
  }

  /**
   * Serves {@code functions} as service {@code name} with node id {@code nodeId}, without registering
   * it: for replicas behind a load balancer, which is registered instead.
   */
  public ChainServer replica(String name, String nodeId, Object functions, UnaryOperator<ChainHop.Builder> customize) {
    OkHttpClient forwarder = ownedClient();
    ChainHop hop = customize.apply(ChainHop.builder().functions(functions).serviceName(name).nodeId(nodeId)
        .keys(KEYS).resolver(resolver()).httpClient(forwarder)).build();
    ChainServer server = ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
    push(server);
    return server;
  }

  /** An edge on loopback serving the catalogue {@code yaml}, registered as service {@code edge}. */
  public ChainEdge edge(String yaml, UnaryOperator<ChainEdge.Builder> customize) {
    return edgeOnPort(yaml, 0, customize);
  }

  /** As {@link #edge}, on {@code port}: how a restarted edge comes back where hops expect it. */
  public ChainEdge edgeOnPort(String yaml, int port, UnaryOperator<ChainEdge.Builder> customize) {
    ChainEdge.Builder b = ChainEdge.builder().catalogue(write(yaml)).keys(KEYS).resolver(resolver())
        .loopback().port(port).nodeId("edge-node").catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO)
        .httpClient(ownedClient());
    ChainEdge edge = customize.apply(b).start();
    push(edge);
    route(ChainEdge.DEFAULT_REPLY_TO_SERVICE, edge.uri());
    return edge;
  }

  /** Keeps {@code resource} to close with the domain (last pushed, first closed). */
  public void push(AutoCloseable resource) {
    synchronized (running) {
      running.push(resource);
    }
  }

  /** A forwarding client like a hop's default one, closed with the domain; its pool is watched. */
  public OkHttpClient ownedClient() {
    OkHttpClient client = ChainHop.defaultHttpClient();
    ownedClients.add(client);
    return client;
  }

  /** The outside client. */
  public OkHttpClient outside() {
    return outside;
  }

  /** Connections that calls still hold, over every client of this domain (0 when all answers were released). */
  public int connectionsInUse() {
    return ownedClients.stream().mapToInt(c -> c.connectionPool().connectionCount()
        - c.connectionPool().idleConnectionCount()).sum();
  }

  /** Waits (up to 5 s) until every connection of every client of this domain is idle in its pool. */
  public void awaitConnectionsIdle() {
    await(() -> connectionsInUse() == 0, () -> "connections still in use: " + connectionsInUse());
  }

  /** The client's POST of a text body to {@code path} of {@code edge}, extra headers as name, value pairs. */
  public Answer post(ChainEdge edge, String path, String body, String... headers) {
    return call(edge.uri().resolve(path), body, TEXT, headers);
  }

  /**
   * A POST as the outside client sends it.
   *
   * @throws UncheckedIOException when no answer came (the connection broke, or the call timed out)
   */
  public Answer call(URI uri, String body, String contentType, String... headers) {
    Request.Builder b = new Request.Builder().url(uri.toString())
        .post(RequestBody.create(body, MediaType.get(contentType)));
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    try (Response r = outside.newCall(b.build()).execute()) {
      return new Answer(r.code(), r.headers(), r.body() == null ? "" : r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path write(String yaml) {
    try {
      Path file = Files.createTempFile(dir, "chains", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits up to 5 s for {@code condition}, polling. */
  public static void await(BooleanSupplier condition, Supplier<String> what) {
    await(Duration.ofSeconds(5), condition, what);
  }

  /** Waits up to {@code limit} for {@code condition}, polling every 20 ms. */
  public static void await(Duration limit, BooleanSupplier condition, Supplier<String> what) {
    long until = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within " + limit.toMillis() + " ms: " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what.get(), e);
      }
    }
  }

  /** Stops edges and hops (newest first), then the clients, and deletes the catalogue files. */
  @Override
  public void close() {
    List<Exception> failures = new ArrayList<>();
    while (true) {
      AutoCloseable next;
      synchronized (running) {
        next = running.poll();
      }
      if (next == null) {
        break;
      }
      try {
        next.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    for (OkHttpClient client : ownedClients) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      failures.add(e);
    }
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("could not close the domain cleanly");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** What the outside client got. */
  public record Answer(int status, Headers headers, String body) {
    /** The problem document's reason code, or null if the body is not one. */
    public String reason() {
      return ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8)).map(ChainProblem::reasonCode).orElse(null);
    }

    /** The problem document. */
    public ChainProblem problem() {
      return ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("not a problem document: " + status + " " + body));
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
