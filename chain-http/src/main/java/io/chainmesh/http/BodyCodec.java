package io.chainmesh.http;

import io.chainmesh.http.internal.JacksonBodyCodec;
import java.lang.reflect.Type;

/**
 * Reads and writes typed bodies: the plug-in point for bodies that are neither bytes, text nor a
 * stream. The default, {@link #json()}, is Jackson 3 with limits suited to untrusted input.
 *
 * <p>Implementations must be thread-safe.
 */
public interface BodyCodec {
  /** The media type written, e.g. {@code application/json}. */
  String mediaType();

  /** Whether a request with {@code contentType} (possibly null: none given) can be read. */
  boolean canRead(String contentType);

  /**
   * Reads a value of {@code type}.
   *
   * @throws io.chainmesh.core.ChainException {@code body.malformed} when the bytes are not a
   *     valid value, naming the position but never echoing the body
   */
  Object read(byte[] body, Type type);

  /** Writes {@code value}. */
  byte[] write(Object value);

  /** JSON through Jackson 3, with nesting depth and sizes bounded for untrusted input. */
  static BodyCodec json() {
    return JacksonBodyCodec.INSTANCE;
  }
}
