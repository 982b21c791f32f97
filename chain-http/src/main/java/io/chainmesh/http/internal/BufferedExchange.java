package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request an asynchronous hop has taken on: its body read (within the limit, held in the hop's
 * body memory until {@link #release()}) and the caller already answered {@code 202}, so the
 * pipeline can serve it later on another thread. Its own response goes nowhere: from the 202 on,
 * the outcome goes to reply-to.
 */
final class BufferedExchange implements HopExchange {
  private final String contentType;
  private final BodyMemory.Held body;

  private BufferedExchange(String contentType, BodyMemory.Held body) {
    this.contentType = contentType;
    this.body = body;
  }

  /**
   * Reads {@code exchange}'s body into {@code memory}, refusing one over {@code max} bytes.
   *
   * @throws ChainException {@code limits.body} over the limit, {@code hop.unavailable} when the
   *     memory is exhausted, {@code body.malformed} if unreadable
   */
  static BufferedExchange read(HopExchange exchange, long max, BodyMemory memory) {
    InputStream in;
    try {
      in = exchange.body();
    } catch (IOException e) {
      throw ChainException.caused(Reason.BODY_MALFORMED, "the request body could not be read", e);
    }
    return new BufferedExchange(exchange.header("Content-Type"), readBounded(exchange, in, max, memory));
  }

  /**
   * All of the request body {@code body} in {@code memory}, by {@link BodyMemory}'s rule: a declared
   * length over {@code max} is refused before reading.
   *
   * @throws ChainException {@code limits.body} over the limit, {@code hop.unavailable} when the
   *     memory is exhausted, {@code body.malformed} if unreadable (broken framing) or cut short
   */
  static BodyMemory.Held readBounded(HopExchange exchange, InputStream body, long max, BodyMemory memory) {
    try {
      return memory.read(body, exchange.contentLength(), max);
    } catch (IOException e) {
      throw ChainException.caused(Reason.BODY_MALFORMED, "the request body could not be read", e);
    }
  }

  /** The body, already in memory: binding it needs no second copy. */
  byte[] bytes() {
    return body.bytes();
  }

  /** Gives the body's memory back; the request is done. */
  void release() {
    body.close();
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
    return body.bytes().length;
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(body.bytes());
  }

  @Override
  public void respond(Outgoing response) {
    response.close();
  }
}
