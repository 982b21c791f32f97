package io.chainmesh.reliability.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client library refuses to send: hundreds of
 * headers, header values with control characters, requests trickled a byte at a time, broken framing.
 * Every answer read here is checked for what a server must never show ({@link AttackTarget#assertShowsNoInternals}),
 * except through {@link #sendUnchecked}, kept for answers that are known not to be ours.
 */
final class RawHttp {
  private RawHttp() {}

  /** What came back: the status (0 when the server closed the connection without answering) and body. */
  record Reply(int status, String head, String body) {
    boolean dropped() {
      return status == 0;
    }
  }

  /**
   * Sends {@code request} byte for byte (head, blank line, body, framing and all) and reads the answer;
   * nothing is added.
   */
  static Reply send(URI server, String request) throws IOException {
    Reply reply = sendUnchecked(server, request);
    AttackTarget.assertShowsNoInternals(reply.head() + "\r\n\r\n" + reply.body());
    return reply;
  }

  /** As {@link #send}, without checking the answer: for the JDK server's own pages, shown as they are. */
  static Reply sendUnchecked(URI server, String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
      socket.setSoTimeout(40_000);
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        socket.shutdownOutput();
      } catch (SocketException e) {
        return new Reply(0, "", "");
      }
      return readUnchecked(socket.getInputStream());
    }
  }

  /**
   * A request whose head and first body bytes are sent and whose connection is then held open with
   * the rest of the body still owed: a slow (or stalled) upload. Closing it hangs up.
   */
  static final class Stalled implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    private Stalled(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    /** Opens a connection and sends {@code head} (with its blank line) and {@code firstBytes}. */
    static Stalled start(URI server, String head, byte[] firstBytes) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort());
      Stalled stalled = new Stalled(socket);
      try {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(firstBytes);
        socket.getOutputStream().flush();
      } catch (SocketException answeredAndClosed) {
        // The server refused before the body was sent: its answer is there to read.
      }
      return stalled;
    }

    /**
     * The answer, if its head and body (of the {@code Content-Length} it declares) arrive within
     * {@code millis}; null while the server still waits for the body.
     */
    Reply answerWithin(int millis) throws IOException {
      socket.setSoTimeout(millis);
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      try {
        int c;
        while ((c = in.read()) != -1) {
          head.write(c);
          if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            break;
          }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ")) {
          return new Reply(0, text, "");
        }
        int length = 0;
        for (String line : text.split("\r\n")) {
          if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        Reply reply = new Reply(Integer.parseInt(text.substring(9, 12)), text.strip(), body);
        AttackTarget.assertShowsNoInternals(reply.head() + "\r\n\r\n" + reply.body());
        return reply;
      } catch (SocketTimeoutException stillWaiting) {
        return null;
      } catch (SocketException reset) {
        return new Reply(0, head.toString(StandardCharsets.ISO_8859_1), "");
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Sends {@code head} (request line and headers, without the blank line) and {@code body}; reads the answer. */
  static Reply exchange(URI server, String head, byte[] body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
      socket.setSoTimeout(40_000);
      try {
        socket.getOutputStream().write((head + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
      } catch (SocketException e) {
        // The server may close while the request is still being written: that is its answer.
        return new Reply(0, "", "");
      }
      return read(socket.getInputStream());
    }
  }

  /**
   * Declares a {@code Content-Length} of {@code declared} bytes, sends only {@code body}, then closes
   * its sending side (a client that gave up mid-body); reads the answer.
   */
  static Reply shortBody(URI server, String head, int declared, byte[] body) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
      socket.setSoTimeout(40_000);
      socket.getOutputStream().write((head + "\r\nContent-Length: " + declared + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      return read(socket.getInputStream());
    }
  }

  private static Reply read(InputStream in) throws IOException {
    Reply reply = readUnchecked(in);
    AttackTarget.assertShowsNoInternals(reply.head() + "\r\n\r\n" + reply.body());
    return reply;
  }

  private static Reply readUnchecked(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      in.transferTo(all);
    } catch (SocketException reset) {
      // Connection reset: whatever arrived before it is the answer.
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer and no close within 40 s", e);
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Reply(0, text, "");
    }
    int status = Integer.parseInt(text.substring(9, 12));
    return new Reply(status, text.substring(0, end), text.substring(end + 4));
  }
}
