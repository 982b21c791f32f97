package io.chainmesh.reliability.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A next hop that misbehaves at the socket level, on a loopback port. It reads each request head
 * (an {@link #arrivals() arrival}: the request provably reached it) and then follows its
 * {@link Conduct}. Closing it closes the listener and every connection it holds.
 */
final class MisbehavingHop implements AutoCloseable {
  /** What happens to one connection once its request head has arrived. */
  @FunctionalInterface
  interface Conduct {
    void serve(Socket socket, long contentLength) throws IOException;
  }

  private final ServerSocket listener;
  private final Conduct conduct;
  private final AtomicInteger arrivals = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private MisbehavingHop(Conduct conduct) throws IOException {
    this.conduct = conduct;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor = new Thread(this::acceptLoop, "misbehaving-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static MisbehavingHop start(Conduct conduct) {
    try {
      return new MisbehavingHop(conduct);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code bodyBytes} of the body, then resets the connection (RST) with the rest unread. */
  static Conduct resetsAfterReading(int bodyBytes) {
    return (socket, length) -> {
      socket.getInputStream().readNBytes(bodyBytes);
      socket.setSoLinger(true, 0);
      socket.close();
    };
  }

  /** Reads the request, then says nothing until the caller gives up. */
  static Conduct silent() {
    return (socket, length) -> {
      InputStream in = socket.getInputStream();
      in.skipNBytes(Math.max(0, length));
      while (in.read() >= 0) {
        // Hold the connection until the caller closes it.
      }
    };
  }

  /** Reads the request, writes {@code response} verbatim and closes after the caller did. */
  static Conduct answers(String response) {
    return (socket, length) -> {
      socket.getInputStream().skipNBytes(Math.max(0, length));
      OutputStream out = socket.getOutputStream();
      out.write(response.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      while (socket.getInputStream().read() >= 0) {
        // Let the caller read everything before it sees the end.
      }
    };
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
  }

  int arrivals() {
    return arrivals.get();
  }

  @Override
  public void close() {
    closeQuietly(listener);
    open.forEach(MisbehavingHop::closeQuietly);
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return;
      }
      open.add(socket);
      Thread worker = new Thread(() -> serve(socket), "misbehaving-conn-" + listener.getLocalPort());
      worker.setDaemon(true);
      worker.start();
    }
  }

  private void serve(Socket socket) {
    try {
      long length = readHead(socket.getInputStream());
      if (length >= -1) {
        arrivals.incrementAndGet();
        conduct.serve(socket, length);
      }
    } catch (IOException ignored) {
      // The caller went away.
    } finally {
      closeQuietly(socket);
      open.remove(socket);
    }
  }

  /** Reads up to the blank line; the declared Content-Length, -1 without one, -2 at end of stream. */
  private static long readHead(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int lastFour = 0;
    while (lastFour != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        return -2;
      }
      raw.write(b);
      lastFour = (lastFour << 8) | b;
    }
    for (String line : raw.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).split("\r\n")) {
      if (line.startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).strip());
      }
    }
    return -1;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Best effort.
    }
  }
}
