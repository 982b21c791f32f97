package io.chainmesh.http;

import com.sun.net.httpserver.HttpServer;
import io.chainmesh.http.internal.JdkHttpExchange;
import io.chainmesh.http.internal.JdkServerDefaults;
import io.chainmesh.http.internal.RequestAdmission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * <p>Loading this class sets {@code sun.net.httpserver.nodelay=true} unless it is already set:
 * without it the JDK server waits for Nagle's algorithm and every request costs ~40 ms. (The JDK
 * reads the property when it first creates a server; set it on the command line if you create JDK
 * servers before this class loads.)
 *
 * <p>It likewise sets {@code sun.net.httpserver.maxReqTime=30} unless set: a client must send its
 * whole request, head and body, within 30 s, or the connection is dropped. The JDK's default is no
 * limit, so a slow-loris client trickling its headers would hold a request thread forever. The JDK
 * counts a request as sent once its body has been read to the end, so a function that takes no body
 * parameter and works longer than this limit is cut off too: raise the property for such functions.
 *
 * <p>And {@code sun.net.httpserver.maxRspTime=60} unless set: a client must take its whole answer
 * within 60 s, or the connection is dropped; without it a client that never reads a large answer holds
 * a request thread and the answer's memory forever. Raise it for answers streamed for longer.
 */
public final class ChainServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainServer.class);

  static {
    JdkServerDefaults.apply();
  }

  private final HttpServer server;
  private final RequestAdmission admission;
  private final Duration stopGrace;
  private final ChainHop hop;
  private final boolean ownsHop;

  private ChainServer(HttpServer server, RequestAdmission admission, Duration stopGrace, ChainHop hop, boolean ownsHop) {
    this.server = server;
    this.admission = admission;
    this.stopGrace = stopGrace;
    this.hop = hop;
    this.ownsHop = ownsHop;
  }

  /** A builder serving {@code hop}. */
  public static Builder builder(ChainHop hop) {
    return new Builder(hop);
  }

  /** The port the server listens on (the actual one when built with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/}, with the address the server is bound to. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
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
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, stopGrace.toSeconds())));
    admission.shutdown(stopGrace.toMillis() + 1000);
    if (ownsHop) {
      hop.close();
    }
  }

  /** Builds and starts a {@link ChainServer}. */
  public static final class Builder {
    private final ChainHop hop;
    private int port = 8080;
    private InetAddress bindAddress;
    private String path = "/";
    private int maxThreads = 256;
    private int backlog = 1024;
    private Duration stopGrace = Duration.ofSeconds(1);
    private boolean ownHop;

    private Builder(ChainHop hop) {
      this.hop = Objects.requireNonNull(hop, "hop");
    }

    /** The port; 8080 unless set; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to bind; all interfaces unless set. */
    public Builder bindAddress(InetAddress bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /** Binds to the loopback interface only: for tests, demos and sidecar setups. */
    public Builder loopback() {
      return bindAddress(InetAddress.getLoopbackAddress());
    }

    /** The path prefix served; {@code /} unless set. */
    public Builder path(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', was " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * Requests served at once, on every JVM: the request threads (virtual on Java 21+, platform
     * before). As many more requests wait for a thread; beyond that, a request is answered
     * {@code 503 hop.unavailable} with {@code Retry-After: 1}, without its body being read or the
     * function run. 256 unless set.
     */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 1) {
        throw new IllegalArgumentException("maxThreads must be positive, was " + maxThreads);
      }
      this.maxThreads = maxThreads;
      return this;
    }

    /** How long {@link ChainServer#close()} waits for requests in flight; 1 s unless set. */
    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
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
      InetSocketAddress address = bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
      HttpServer server;
      try {
        server = HttpServer.create(address, backlog);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind chain server to " + address, e);
      }
      RequestAdmission admission = RequestAdmission.of("chainmesh-hop", maxThreads, maxThreads);
      server.setExecutor(admission);
      server.createContext(path, exchange -> {
        if (admission.refused(exchange, hop.nodeId())) {
          return;
        }
        JdkHttpExchange door = new JdkHttpExchange(exchange);
        try {
          hop.handle(door);
        } finally {
          if (!door.cutOff()) {
            exchange.close();
          }
        }
        if (door.cutOff()) {
          // The JDK server closes the connection when a handler throws; closing the exchange
          // would end a chunked answer as if it were whole.
          throw new IOException("the answer broke off mid-body; dropping the connection");
        }
      });
      server.start();
      ChainServer started = new ChainServer(server, admission, stopGrace, hop, ownHop);
      log.info("chainmesh hop {} serving functions {} on {}", hop.nodeId(), hop.functionNames(), started.uri());
      return started;
    }
  }
}
