package io.chainmesh.http;

import io.chainmesh.http.internal.EmbeddedServer;
import io.chainmesh.http.internal.JdkHttpExchange;
import io.chainmesh.http.internal.ServerOptions;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded door: a {@link ChainHop} served by the JDK's built-in HTTP server, no container
 * needed. At most {@link Builder#maxThreads} requests run at once, on every JVM (on virtual threads
 * when the JVM has them, Java 21+, otherwise on platform threads); as many more wait for a thread,
 * and beyond that a request is answered {@code 503 hop.unavailable} with {@code Retry-After: 1}
 * before its body is read.
 *
 * <h2>JDK server properties</h2>
 * When the first chainmesh server of the JVM starts (hop or edge; never when a class loads), it sets
 * three properties of the JDK's HTTP server that are not set yet, and logs them at INFO:
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: without it the JDK server waits for Nagle's
 *       algorithm and every request costs ~40 ms;
 *   <li>{@code sun.net.httpserver.maxReqTime=30}: a client must send its whole request, head and
 *       body, within 30 s, or the connection is dropped. The JDK's default is no limit, so a
 *       slow-loris client trickling its headers would hold a request thread forever. The JDK counts
 *       a request as sent once its body has been read to the end, so a function that takes no body
 *       parameter and works longer than this limit is cut off too: raise the property for such
 *       functions;
 *   <li>{@code sun.net.httpserver.maxRspTime=60}: a client must take its whole answer within 60 s,
 *       or the connection is dropped; without it a client that never reads a large answer holds a
 *       request thread and the answer's memory forever. Raise it for answers streamed for longer.
 * </ul>
 * The JDK reads them once, when the JVM's first JDK server is created, and applies them to every JDK
 * server of the process: they cannot be scoped to chainmesh's servers. If a JDK server already runs
 * when chainmesh sets them, a WARN says they may have no effect: set them on the command line then.
 * Values you set yourself are kept. Opt out with {@link Builder#jdkServerDefaults(boolean)} or
 * {@code -Dchainmesh.jdkServerDefaults=false}.
 */
public final class ChainServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainServer.class);

  private final EmbeddedServer server;
  private final ChainHop hop;
  private final boolean ownsHop;

  private ChainServer(EmbeddedServer server, ChainHop hop, boolean ownsHop) {
    this.server = server;
    this.hop = hop;
    this.ownsHop = ownsHop;
  }

  /** A builder serving {@code hop}. */
  public static Builder builder(ChainHop hop) {
    return new Builder(hop);
  }

  /** The port the server listens on (the actual one when built with port 0). */
  public int port() {
    return server.address().getPort();
  }

  /** {@code http://host:port/}, with the address the server is bound to. */
  public URI uri() {
    return server.uri();
  }

  /** The hop served. */
  public ChainHop hop() {
    return hop;
  }

  /**
   * Stops accepting requests, waits up to the grace period for those in flight, and releases the
   * request threads. Does not close the hop: close it separately (or use {@link Builder#ownHop()}).
   */
  @Override
  public void close() {
    server.close();
    if (ownsHop) {
      hop.close();
    }
  }

  /** Builds and starts a {@link ChainServer}. */
  public static final class Builder {
    private final ChainHop hop;
    private final ServerOptions options = new ServerOptions();
    private boolean ownHop;

    private Builder(ChainHop hop) {
      this.hop = Objects.requireNonNull(hop, "hop");
    }

    /** The port; 8080 unless set; 0 picks a free one. */
    public Builder port(int port) {
      options.port(port);
      return this;
    }

    /** The address to bind; all interfaces unless set. */
    public Builder bindAddress(InetAddress bindAddress) {
      options.bindAddress(bindAddress);
      return this;
    }

    /** Binds to the loopback interface only: for tests, demos and sidecar setups. */
    public Builder loopback() {
      return bindAddress(InetAddress.getLoopbackAddress());
    }

    /** The path prefix served; {@code /} unless set. */
    public Builder path(String path) {
      options.path(path);
      return this;
    }

    /**
     * Requests served at once, on every JVM: the request threads (virtual on Java 21+, platform
     * before). As many more requests wait for a thread; beyond that, a request is answered
     * {@code 503 hop.unavailable} with {@code Retry-After: 1}, without its body being read or the
     * function run. 256 unless set.
     */
    public Builder maxThreads(int maxThreads) {
      options.maxThreads(maxThreads);
      return this;
    }

    /** How long {@link ChainServer#close()} waits for requests in flight; 1 s unless set. */
    public Builder stopGrace(Duration stopGrace) {
      options.stopGrace(stopGrace);
      return this;
    }

    /**
     * Whether starting the JVM's first chainmesh server may set the JDK server's properties
     * ({@code sun.net.httpserver.nodelay}, {@code maxReqTime}) that are not set yet; true unless
     * set. See "JDK server properties" in {@link ChainServer}.
     */
    public Builder jdkServerDefaults(boolean apply) {
      options.jdkServerDefaults(apply);
      return this;
    }

    /** Makes {@link ChainServer#close()} also close the hop. */
    public Builder ownHop() {
      this.ownHop = true;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ChainServer start() {
      EmbeddedServer server = EmbeddedServer.bind("chainmesh-hop", hop.nodeId(), options);
      server.start(exchange -> {
        JdkHttpExchange door = new JdkHttpExchange(exchange);
        try {
          hop.handle(door);
        } finally {
          if (!door.cutOff()) {
            exchange.close();
          }
        }
        return door.cutOff();
      });
      ChainServer started = new ChainServer(server, hop, ownHop);
      log.info("chainmesh hop {} serving functions {} on {}", hop.nodeId(), hop.functionNames(), started.uri());
      return started;
    }
  }
}
