package io.chainmesh.bench;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HttpServer exactly as {@code ChainServer} sets it up, for the hand-written contestants:
 * bound to loopback, backlog 1024, {@code sun.net.httpserver.nodelay=true}, requests on virtual
 * threads when the JVM has them, otherwise on a pool of 256 platform threads (queue 4096, caller
 * runs). Same engine, same settings: the only difference left between contestants is their code.
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
    ExecutorService executor = requestExecutor(name);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try {
        handler.handle(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
    return new Running(server, executor);
  }

  /** The executor ChainServer picks: virtual threads on Java 21+, else a bounded platform pool. */
  static ExecutorService requestExecutor(String name) {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.CallerRunsPolicy());
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }

  /** A running server and its request executor. */
  static final class Running implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private Running(HttpServer server, ExecutorService executor) {
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
      executor.shutdownNow();
    }
  }
}
