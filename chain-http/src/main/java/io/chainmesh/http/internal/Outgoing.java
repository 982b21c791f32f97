package io.chainmesh.http.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A response or a forwarded request body as the pipeline produced it: status, content type,
 * optional {@code Chain-Route}, and a body held either as bytes or as a stream to copy (with the
 * resource to close once copied, such as the downstream response being relayed).
 */
public final class Outgoing {
  private final int status;
  private final String contentType;
  private final String route;
  private final byte[] bytes;
  private final InputStream stream;
  private final long length;
  private final Closeable resource;

  private Outgoing(int status, String contentType, String route, byte[] bytes, InputStream stream, long length,
      Closeable resource) {
    this.status = status;
    this.contentType = contentType;
    this.route = route;
    this.bytes = bytes;
    this.stream = stream;
    this.length = length;
    this.resource = resource;
  }

  /** A buffered body. */
  public static Outgoing bytes(int status, String contentType, String route, byte[] bytes) {
    return new Outgoing(status, contentType, route, bytes, null, bytes.length, null);
  }

  /** A streamed body of {@code length} bytes (-1: unknown), closing {@code resource} afterwards. */
  public static Outgoing stream(int status, String contentType, String route, InputStream stream, long length,
      Closeable resource) {
    return new Outgoing(status, contentType, route, null, stream, length, resource);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The content type, or null. */
  public String contentType() {
    return contentType;
  }

  /** The {@code Chain-Route} header value, or null. */
  public String route() {
    return route;
  }

  /** The body length in bytes, or -1 when unknown. */
  public long length() {
    return length;
  }

  /** Whether the body is copied from a stream (so writing it can fail midway), not held as bytes. */
  public boolean streamed() {
    return stream != null;
  }

  /** The same body with another status and route (a final answer delivered elsewhere). */
  public Outgoing withStatus(int newStatus, String newRoute) {
    return new Outgoing(newStatus, contentType, newRoute, bytes, stream, length, resource);
  }

  /** Copies the body to {@code out}, then releases the body's resource. */
  public void writeTo(OutputStream out) throws IOException {
    try {
      if (bytes != null) {
        writeInSlices(out, bytes);
      } else if (stream != null) {
        stream.transferTo(out);
      }
    } finally {
      close();
    }
  }

  /** Releases the body's resource without writing it (the client went away, or an error). */
  public void close() {
    try {
      if (stream != null) {
        stream.close();
      }
      if (resource != null) {
        resource.close();
      }
    } catch (IOException ignored) {
      // Nothing to recover: the body is abandoned.
    }
  }

  /** Largest single write of {@link #writeInSlices}. */
  static final int WRITE_SLICE = 16 * 1024;

  /**
   * Writes {@code bytes} to {@code out} {@value #WRITE_SLICE} bytes at a time. The JDK server copies
   * each write into a buffer of its own, sized to that write and kept for the connection: one write
   * of a 16 MiB answer to a client that does not read would hold another 16 MiB, uncounted, for as
   * long as the client stalls.
   */
  public static void writeInSlices(OutputStream out, byte[] bytes) throws IOException {
    for (int at = 0; at < bytes.length; at += WRITE_SLICE) {
      out.write(bytes, at, Math.min(WRITE_SLICE, bytes.length - at));
    }
  }
}
