package io.chainmesh.http.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;

/** Facts about the loopback world a test waits for or needs: free ports, pool and settling state. */
public final class Loopback {
  private Loopback() {}

  /** {@code http://127.0.0.1:port/} for a port nothing listens on (it was free a moment ago). */
  public static URI unusedAddress() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connections of {@code pool} that a call still holds (not idle): a leaked response keeps one. */
  public static int connectionsInUse(ConnectionPool pool) {
    return pool.connectionCount() - pool.idleConnectionCount();
  }

  /**
   * Waits up to 5 s for {@code condition}: resources are released on other threads just after an
   * answer arrives.
   *
   * @throws AssertionError with {@code what} if it does not hold by then
   */
  public static void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within 5 s: " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what.get(), e);
      }
    }
  }
}
