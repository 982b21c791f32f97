package io.chainmesh.http.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executor;

/**
 * The one lifecycle of chainmesh's servers on the JDK's built-in HTTP server, hop and edge: binds
 * (after {@link JdkServerDefaults}), runs requests on a {@link RequestAdmission} (503 beyond its
 * bound, before the door sees the request), starts, tells its {@link #uri()}, and stops with a
 * grace period and the request threads shut down.
 *
 * <p>Two steps, {@link #bind} then {@link #start}, because a door may need the server's
 * {@link #ownWork()} executor before it exists.
 */
public final class EmbeddedServer implements AutoCloseable {
  /** What serves one admitted request. */
  @FunctionalInterface
  public interface Door {
    /**
     * Serves {@code exchange} and closes it, unless the connection must be dropped instead.
     *
     * @return true to drop the connection rather than keep it for another request: the answer
     *     broke off mid-body, or the request's framing is broken
     */
    boolean serve(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final RequestAdmission admission;
  private final ServerOptions options;
  private final String nodeId;

  private EmbeddedServer(HttpServer server, RequestAdmission admission, ServerOptions options, String nodeId) {
    this.server = server;
    this.admission = admission;
    this.options = options;
    this.nodeId = nodeId;
  }

  /**
   * Binds the address of {@code options}, with request threads named {@code threadPrefix-N}; not
   * serving yet.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static EmbeddedServer bind(String threadPrefix, String nodeId, ServerOptions given) {
    ServerOptions options = given.copy();
    if (options.jdkServerDefaults) {
      JdkServerDefaults.applyOnce();
    }
    InetSocketAddress address = options.bindAddress == null ? new InetSocketAddress(options.port)
        : new InetSocketAddress(options.bindAddress, options.port);
    HttpServer server;
    try {
      server = HttpServer.create(address, options.backlog);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind chainmesh " + nodeId + " to " + address, e);
    }
    RequestAdmission admission = RequestAdmission.of(threadPrefix, options.maxThreads, options.maxThreads);
    server.setExecutor(admission);
    return new EmbeddedServer(server, admission, options, nodeId);
  }

  /** Starts serving the options' path through {@code door}. */
  public void start(Door door) {
    server.createContext(options.path, exchange -> {
      if (admission.refused(exchange, nodeId)) {
        return;
      }
      if (door.serve(exchange)) {
        // Throwing is how the JDK server is told to close the connection; closing the exchange
        // would end a chunked answer as if it were whole.
        throw new IOException("the answer broke off or the request's framing is broken; dropping the connection");
      }
    });
    server.start();
  }

  /** For the server's own work: a request thread if one is free, else the caller's. */
  public Executor ownWork() {
    return admission.ownWork();
  }

  /** The bound address (the actual port when bound to port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://host:port/} with the bound address (127.0.0.1 for all interfaces). */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  /** Stops accepting, waits up to the stop grace for requests in flight, and stops the request threads. */
  @Override
  public void close() {
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, options.stopGrace.toSeconds())));
    admission.shutdown(options.stopGrace.toMillis() + 1000);
  }
}
