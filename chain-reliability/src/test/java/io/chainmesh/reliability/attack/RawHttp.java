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
 * headers, header values with control characters, requests trickled a byte at a time.
 */
final class RawHttp {
  private RawHttp() {}

  /** What came back: the status (0 when the server closed the connection without answering) and body. */
  record Reply(int status, String head, String body) {
    boolean dropped() {
      return status == 0;
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
