package io.chainmesh.reliability.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One hostile HTTP/1.1 exchange over a plain socket: the head as given, then a body written by the
 * caller (which may stop early, trickle or lie), then whatever the server answers. The outcome names the
 * status and the problem's reason code, or {@code dropped} when the server closed without an answer.
 */
final class RawExchange implements AutoCloseable {
  private static final Pattern REASON = Pattern.compile("\"reason\"\\s*:\\s*\"([^\"]+)\"");

  /** The status (0 when dropped), the problem's reason code (or empty), the body. */
  record Outcome(int status, String reason, String body) {
    String name() {
      return status == 0 ? "dropped" : status + (reason.isEmpty() ? "" : " " + reason);
    }

    /** A coded refusal: a 4xx or 5xx problem document with a reason code. */
    boolean coded() {
      return status >= 400 && !reason.isEmpty() && body.contains("urn:chainmesh:problem:");
    }
  }

  private final Socket socket;
  private final OutputStream out;

  private RawExchange(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code server} and sends {@code head} (request line and headers, no blank line). */
  static RawExchange open(URI server, String head, int answerTimeoutMillis) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort());
    socket.setSoTimeout(answerTimeoutMillis);
    RawExchange exchange = new RawExchange(socket);
    exchange.out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    exchange.out.flush();
    return exchange;
  }

  /** Writes {@code bytes}; false when the server has closed its side (it answered or gave up). */
  boolean write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the server has sent something (an early answer) without waiting for the rest of the body. */
  boolean answeredEarly() throws IOException {
    return socket.getInputStream().available() > 0;
  }

  /** Stops sending (a client that gave up mid-body) and reads the answer. */
  Outcome finish() throws IOException {
    try {
      socket.shutdownOutput();
    } catch (IOException ignored) {
      // Already closed by the server: its answer, if any, is still readable.
    }
    return read();
  }

  /** Reads the answer without closing the sending side. */
  Outcome read() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        all.write(buffer, 0, n);
        if (complete(all)) {
          break;
        }
      }
    } catch (SocketException reset) {
      // Reset after (or instead of) an answer: what arrived is the answer.
    } catch (SocketTimeoutException e) {
      if (all.size() == 0) {
        throw new IOException("no answer within " + socket.getSoTimeout() + " ms", e);
      }
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Outcome(0, "", text);
    }
    String body = text.substring(end + 4);
    Matcher m = REASON.matcher(body);
    return new Outcome(Integer.parseInt(text.substring(9, 12)), m.find() ? m.group(1) : "", body);
  }

  private static boolean complete(ByteArrayOutputStream all) {
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    Matcher m = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text.substring(0, end));
    return m.find() ? text.length() - end - 4 >= Integer.parseInt(m.group(1)) : false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
