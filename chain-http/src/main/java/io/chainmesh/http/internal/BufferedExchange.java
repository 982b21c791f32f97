package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request an asynchronous hop has taken on: its body read (within the limit) and the caller
 * already answered {@code 202}, so the pipeline can serve it later on another thread. Its own
 * response goes nowhere: from the 202 on, the outcome goes to reply-to.
 */
final class BufferedExchange implements HopExchange {
  private final String contentType;
  private final byte[] body;

  private BufferedExchange(String contentType, byte[] body) {
    this.contentType = contentType;
    this.body = body;
  }

  /**
   * Reads {@code exchange}'s body, refusing one over {@code max} bytes.
   *
   * @throws ChainException {@code limits.body} over the limit, {@code body.malformed} if unreadable
   */
  static BufferedExchange read(HopExchange exchange, long max) {
    try {
      return new BufferedExchange(exchange.header("Content-Type"), readBounded(exchange, exchange.body(), max));
    } catch (IOException e) {
      throw ChainException.caused(Reason.BODY_MALFORMED, "the request body could not be read", e);
    }
  }

  /**
   * All of {@code body}, refusing (before reading, when the declared length says so) more than
   * {@code max} bytes.
   *
   * @throws ChainException {@code limits.body} over the limit, {@code body.malformed} if unreadable
   */
  static byte[] readBounded(HopExchange exchange, InputStream body, long max) {
    long declared = exchange.contentLength();
    if (declared > max) {
      throw ChainException.of(Reason.LIMITS_BODY, "the body is " + declared + " bytes; this hop buffers at most " + max);
    }
    try {
      if (declared >= 0) {
        // The framing says how long the body is: read exactly that.
        byte[] bytes = body.readNBytes((int) declared);
        if (bytes.length != declared) { // the sender stopped early: never run a function on part of a body
          throw ChainException.of(Reason.BODY_MALFORMED,
              "the body ended after " + bytes.length + " of the " + declared + " bytes its Content-Length declares");
        }
        return bytes;
      }
      byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw ChainException.of(Reason.LIMITS_BODY, "the body is over " + max + " bytes, the most this hop buffers");
      }
      return bytes;
    } catch (IOException e) {
      throw ChainException.caused(Reason.BODY_MALFORMED, "the request body could not be read", e);
    }
  }

  @Override
  public String header(String name) {
    return name.equalsIgnoreCase("Content-Type") ? contentType : null;
  }

  @Override
  public int headerCount(String name) {
    return header(name) == null ? 0 : 1;
  }

  @Override
  public long contentLength() {
    return body.length;
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public void respond(Outgoing response) {
    response.close();
  }
}
