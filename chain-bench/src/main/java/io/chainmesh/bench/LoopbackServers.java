package io.chainmesh.bench;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import io.chainmesh.http.internal.RequestAdmission;

/**
 * The JDK HttpServer exactly as {@code ChainServer} sets it up, for the hand-written contestants:
 * bound to loopback, backlog 1024, {@code sun.net.httpserver.nodelay=true}, requests on chain-http's
 * {@code RequestAdmission} (256 request threads, virtual when the JVM has them, 256 queued, 503
 * beyond). Same engine, same settings: the only difference left between contestants is their code.
 */
final class LoopbackServers {
  /** Request threads, as {@code ChainServer.Builder.maxThreads} defaults. */
  static final int MAX_THREADS = 256;
  private static final int BACKLOG = 1024;

  private LoopbackServers() {}

  /** Sets the JDK server's no-delay property before any server exists (ChainServer does the same). */
  static void configureJdkServer() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** A started server for {@code handler} on a free loopback port; the exchange is closed after each request. */
  static Running start(String name, HttpHandler handler) {
    configureJdkServer();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind " + name + " on loopback", e);
    }
    RequestAdmission executor = requestExecutor(name);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      if (executor.refused(exchange, name)) {
        return;
      }
      try {
        handler.handle(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
    return new Running(server, executor);
  }

  /** The executor ChainServer sets up: 256 request threads (virtual on Java 21+), 256 queued, 503 beyond. */
  static RequestAdmission requestExecutor(String name) {
    return RequestAdmission.of(name, MAX_THREADS, MAX_THREADS);
  }

  /** A running server and its request executor. */
  static final class Running implements AutoCloseable {
    private final HttpServer server;
    private final RequestAdmission executor;

    private Running(HttpServer server, RequestAdmission executor) {
      this.server = server;
      this.executor = executor;
    }

    /** {@code http://127.0.0.1:port/}. */
    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdown(0);
    }
  }
}
