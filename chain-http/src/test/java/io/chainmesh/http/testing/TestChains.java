package io.chainmesh.http.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainResponse;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Real chains on loopback for tests: hops served by {@link ChainServer}s on port 0 that share one
 * {@link #KEYS key ring} and one map-backed {@link #resolver() resolver}, a {@link ChainClient} that
 * starts chains, a plain OkHttp client for hand-made requests, and one {@link #close()} that stops
 * everything and checks that no server thread or port is left behind.
 *
 * <pre>{@code
 * private final TestChains chains = new TestChains();
 * @AfterEach void closeChains() { chains.close(); }
 *
 * chains.serve("n1", new Validate());                  // serves "validate" at a fresh loopback port
 * chains.serve(chains.hop("n2").functions(new Price()).maxBodyBytes(64));
 * ChainResponse answer = chains.send(TestChains.chain("validate", "price"), "{}", "application/json");
 * }</pre>
 *
 * <p>Every function name of a served hop resolves to its server; {@link #route} adds other names
 * (a hop's service name, a MockWebServer). Unknown names and raw-URL segments are refused with
 * {@code segment.unresolvable}, as the built-in resolvers do.
 */
public final class TestChains implements AutoCloseable {
  /** Id of the one key every hop and the client hold. */
  public static final String KEY_ID = "test-key-1";
  /** The key's secret; tests check it never shows up in an answer. */
  public static final byte[] SECRET = "chainmesh-test-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** The ring every hop and the client use: {@link #KEY_ID} signs. */
  public static final KeyRing KEYS = KeyRing.builder().addKey(KEY_ID, SECRET).build();
  /** {@code application/json}. */
  public static final String JSON = "application/json";
  /** {@code text/plain; charset=utf-8}, the content type of a {@code String} body. */
  public static final String TEXT = "text/plain; charset=utf-8";

  private static final ChainCodec CODEC = ChainCodec.builder(KEYS).build();
  /** Name prefix of {@link ChainServer}'s request threads (on JVMs without virtual threads). */
  private static final String REQUEST_THREAD_PREFIX = "chainmesh-hop-";

  private final Map<String, URI> addresses = new ConcurrentHashMap<>();
  private final SegmentResolver resolver = this::resolve;
  private final Deque<ChainServer> servers = new ConcurrentLinkedDeque<>();
  private OkHttpClient http;
  private ChainClient client;

  /** A chain visiting one segment per name ({@code Segment.of(name)}: service and function alike). */
  public static ChainDescriptor chain(String... functions) {
    return chainOf(functions).build();
  }

  /** A descriptor builder with one segment per name, for tests that set more (hop limit, metadata, ...). */
  public static ChainDescriptor.Builder chainOf(String... functions) {
    ChainDescriptor.Builder builder = ChainDescriptor.builder();
    for (String function : functions) {
      builder.segment(Segment.of(function));
    }
    return builder;
  }

  /** The {@code Chain-Descriptor} header value for {@code descriptor}, signed with {@link #KEYS}. */
  public static String encode(ChainDescriptor descriptor) {
    return CODEC.encode(descriptor);
  }

  /** The descriptor in a header value, verified with {@link #KEYS}. */
  public static ChainDescriptor decode(String header) {
    return CODEC.decode(header);
  }

  /**
   * Asserts that {@code response} is a problem document with {@code status} and {@code reason}
   * (status, content type and body all agreeing), and returns it.
   */
  public static ChainProblem assertProblem(ChainResponse response, int status, Reason reason) {
    return assertProblem(status, reason, response.status(), response.contentType().orElse(null), response.body());
  }

  /** {@link #assertProblem(ChainResponse, int, Reason)} for a hand-made request's reply. */
  public static ChainProblem assertProblem(Reply reply, int status, Reason reason) {
    return assertProblem(status, reason, reply.status(), reply.contentType(), reply.body());
  }

  private static ChainProblem assertProblem(int status, Reason reason, int actualStatus, String contentType, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    assertEquals(status, actualStatus, () -> "status of " + text);
    assertTrue(contentType != null && contentType.startsWith(ChainHeaders.PROBLEM_JSON),
        () -> "content type " + contentType + " of " + text);
    ChainProblem problem = ChainProblem.parse(body).orElseThrow(() -> new AssertionError("not a problem document: " + text));
    assertEquals(reason.code(), problem.reasonCode(), () -> "reason of " + text);
    assertEquals(status, problem.status(), () -> "status inside " + text);
    return problem;
  }

  /** The resolver every hop and the client use: function names of served hops, plus {@link #route}s. */
  public SegmentResolver resolver() {
    return resolver;
  }

  /** A hop builder with this fixture's keys and resolver and the given node id; add functions and serve it. */
  public ChainHop.Builder hop(String nodeId) {
    return ChainHop.builder().keys(KEYS).resolver(resolver).nodeId(nodeId);
  }

  /** Serves {@code functions} as hop {@code nodeId}. */
  public ChainServer serve(String nodeId, Object... functions) {
    return serve(hop(nodeId).functions(functions));
  }

  /**
   * Builds the hop, serves it on a loopback port (closing the hop with the server) and makes each of
   * its function names resolve to it.
   */
  public ChainServer serve(ChainHop.Builder hop) {
    ChainServer server = ChainServer.builder(hop.build()).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
    servers.push(server);
    for (String function : server.hop().functionNames()) {
      route(function, server.uri());
    }
    return server;
  }

  /** Makes the logical service name {@code service} resolve to {@code address}. */
  public TestChains route(String service, URI address) {
    addresses.put(service, address);
    return this;
  }

  /** The client starting chains: signs with {@link #KEYS}, finds the first hop with {@link #resolver()}. */
  public synchronized ChainClient client() {
    if (client == null) {
      client = ChainClient.builder(KEYS, resolver).httpClient(http()).build();
    }
    return client;
  }

  /** Starts {@code chain} with {@code body}, as the edge would. */
  public ChainResponse send(ChainDescriptor chain, String body, String contentType) {
    return client().send(chain, body, contentType);
  }

  /** Starts {@code chain} with a binary {@code body}. */
  public ChainResponse send(ChainDescriptor chain, byte[] body, String contentType) {
    return client().send(chain, body, contentType);
  }

  /**
   * A plain OkHttp client (no chain interceptor, no redirects, no retries), closed with the fixture.
   * Derive others with {@code newBuilder()}: they share its threads and connections.
   */
  public synchronized OkHttpClient http() {
    if (http == null) {
      http = ChainHop.defaultHttpClient();
    }
    return http;
  }

  /** POSTs {@code body} to {@code server} with the given {@code Chain-Descriptor} header (none if null). */
  public Reply post(ChainServer server, String descriptorHeader, String body, String contentType) {
    Request.Builder request = new Request.Builder().url(server.uri().toString())
        .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), contentType == null ? null : MediaType.get(contentType)));
    if (descriptorHeader != null) {
      request.header(ChainHeaders.DESCRIPTOR, descriptorHeader);
    }
    return execute(request.build());
  }

  /** Executes a hand-made request with {@link #http()} and reads the whole reply. */
  public Reply execute(Request request) {
    try (Response response = http().newCall(request).execute()) {
      return new Reply(response.code(), response.header("Content-Type"), response.body().bytes(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes the client and every server (and so every hop), then checks for leaks: no server
   * request thread still running, no server port still accepting connections.
   */
  @Override
  public void close() {
    List<Integer> ports = new ArrayList<>();
    synchronized (this) {
      if (client != null) {
        client.close();
        client = null;
      }
    }
    for (ChainServer server = servers.poll(); server != null; server = servers.poll()) {
      ports.add(server.port());
      server.close();
    }
    synchronized (this) {
      if (http != null) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        http = null;
      }
    }
    addresses.clear();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(REQUEST_THREAD_PREFIX)) {
        joinQuietly(thread);
        if (thread.isAlive()) {
          throw new AssertionError("request thread " + thread.getName() + " still runs after every chain server"
              + " closed: a server was left open, by this test or an earlier one");
        }
      }
    }
    for (int port : ports) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        throw new AssertionError("a closed chain server still accepts connections on its port");
      } catch (IOException expected) {
        // Refused: the server let go of its port.
      }
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI resolve(Segment segment) {
    URI address = segment.isUrl() ? null : addresses.get(segment.service());
    if (address == null) {
      throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "service " + (segment.isUrl() ? "given as a raw URL" : segment.service())
          + " is not served in this test");
    }
    return address;
  }

  /** The reply to a hand-made request. */
  public record Reply(int status, String contentType, byte[] body, Headers headers) {
    /** The body as UTF-8 text. */
    public String bodyString() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
