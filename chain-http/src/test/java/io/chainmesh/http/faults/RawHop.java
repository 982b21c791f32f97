package io.chainmesh.http.faults;

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
 * A next hop that misbehaves at the socket level, on a loopback port: it reads each request's head
 * (counting it as an {@link #arrivals() arrival}: the request provably reached it), then does what
 * its {@link Conduct} says — reset the connection, stay silent, answer garbage, or pass the bytes on
 * to a real hop. Closing it closes the listening socket and every connection it holds.
 */
public final class RawHop implements AutoCloseable {
  /** What the hop does with one connection once the request head has arrived. */
  @FunctionalInterface
  public interface Conduct {
    /** Serves {@code socket}, whose request {@code head} was read; {@code arrival} counts from 1. */
    void serve(Socket socket, Head head, int arrival) throws IOException;
  }

  /** A request head as read from the wire: the raw bytes and the body framing it declares. */
  public record Head(byte[] raw, long contentLength, boolean chunked) {}

  private final ServerSocket listener;
  private final Conduct conduct;
  private final AtomicInteger arrivals = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private RawHop(Conduct conduct) throws IOException {
    this.conduct = conduct;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor = new Thread(this::acceptLoop, "rawhop-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a raw hop following {@code conduct}. */
  public static RawHop start(Conduct conduct) {
    try {
      return new RawHop(conduct);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resets the connection (RST, not FIN) after reading at most {@code bodyBytes} of the request body. */
  public static Conduct resetAfterReading(int bodyBytes) {
    return (socket, head, arrival) -> {
      socket.getInputStream().readNBytes(bodyBytes);
      reset(socket);
    };
  }

  /** Reads the whole request, then never answers: holds the connection until the caller gives up. */
  public static Conduct silent() {
    return (socket, head, arrival) -> {
      InputStream in = socket.getInputStream();
      readBody(in, head);
      while (in.read() >= 0) {
        // Wait for the caller to close.
      }
    };
  }

  /** Reads the whole request, writes {@code response} verbatim (status line, headers, body) and closes. */
  public static Conduct answering(String response) {
    return (socket, head, arrival) -> {
      readBody(socket.getInputStream(), head);
      OutputStream out = socket.getOutputStream();
      out.write(response.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      while (socket.getInputStream().read() >= 0) {
        // Let the caller close first, so it reads everything before seeing the end.
      }
    };
  }

  /**
   * Reads the whole request, writes {@code partialResponse} (a head promising more than follows, and
   * part of a body), waits for it to reach the caller, then resets the connection.
   */
  public static Conduct resetMidAnswer(String partialResponse) {
    return (socket, head, arrival) -> {
      readBody(socket.getInputStream(), head);
      OutputStream out = socket.getOutputStream();
      out.write(partialResponse.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      sleep(200);
      reset(socket);
    };
  }

  /**
   * Reads the whole request, writes {@code partialResponse} (a head promising more than follows, and
   * part of a body), then sends nothing more: holds the connection until the caller gives up.
   */
  public static Conduct stallMidAnswer(String partialResponse) {
    return (socket, head, arrival) -> {
      InputStream in = socket.getInputStream();
      readBody(in, head);
      OutputStream out = socket.getOutputStream();
      out.write(partialResponse.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      while (in.read() >= 0) {
        // Wait for the caller to close.
      }
    };
  }

  /**
   * Resets the first {@code resets} connections once their request head arrived; passes every
   * later one through, byte for byte, to {@code target}.
   */
  public static Conduct resetFirstThenPassTo(int resets, URI target) {
    return (socket, head, arrival) -> {
      if (arrival <= resets) {
        reset(socket);
        return;
      }
      try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
        upstream.getOutputStream().write(head.raw());
        upstream.getOutputStream().flush();
        Thread pump = new Thread(() -> {
          try {
            socket.getInputStream().transferTo(upstream.getOutputStream());
          } catch (IOException ignored) {
            // One side closed: the other copy ends too.
          } finally {
            closeQuietly(upstream);
          }
        }, "rawhop-pump");
        pump.setDaemon(true);
        pump.start();
        try {
          upstream.getInputStream().transferTo(socket.getOutputStream());
        } finally {
          closeQuietly(socket);
        }
      }
    };
  }

  /** {@code http://127.0.0.1:port/}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
  }

  /** How many request heads have arrived. */
  public int arrivals() {
    return arrivals.get();
  }

  @Override
  public void close() {
    closeQuietly(listener);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
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
      Thread worker = new Thread(() -> serve(socket), "rawhop-conn-" + listener.getLocalPort());
      worker.setDaemon(true);
      worker.start();
    }
  }

  private void serve(Socket socket) {
    try {
      Head head = readHead(socket.getInputStream());
      if (head != null) {
        conduct.serve(socket, head, arrivals.incrementAndGet());
      }
    } catch (IOException ignored) {
      // The caller went away: nothing to do.
    } finally {
      closeQuietly(socket);
      open.remove(socket);
    }
  }

  private static Head readHead(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int lastFour = 0;
    while (lastFour != 0x0d0a0d0a) { // up to the blank line: CR LF CR LF
      int b = in.read();
      if (b < 0) {
        return null;
      }
      raw.write(b);
      lastFour = (lastFour << 8) | b;
    }
    String text = raw.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    long length = -1;
    boolean chunked = false;
    for (String line : text.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        length = Long.parseLong(line.substring("content-length:".length()).strip());
      } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
        chunked = true;
      }
    }
    return new Head(raw.toByteArray(), length, chunked);
  }

  private static void readBody(InputStream in, Head head) throws IOException {
    if (head.contentLength() > 0) {
      in.skipNBytes(head.contentLength());
    } else if (head.chunked()) {
      while (true) {
        String sizeLine = readLine(in);
        int semicolon = sizeLine.indexOf(';');
        long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
        if (size == 0) {
          while (!readLine(in).isEmpty()) {
            // Trailers, if any.
          }
          return;
        }
        in.skipNBytes(size);
        readLine(in);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("end of stream in a chunked body");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing is best effort.
    }
  }
}
