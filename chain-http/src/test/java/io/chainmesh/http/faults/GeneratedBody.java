package io.chainmesh.http.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A large request body made up while it is written, never held in memory: {@code size}
 * pseudo-random bytes from a fixed seed, with the CRC-32 of what was written last.
 */
public final class GeneratedBody extends RequestBody {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final int CHUNK = 64 * 1024;

  private final long size;
  private final boolean declareLength;
  private volatile long crc = -1;

  /**
   * A body of {@code size} bytes, sent with {@code Content-Length} if {@code declareLength},
   * otherwise chunked.
   */
  public GeneratedBody(long size, boolean declareLength) {
    this.size = size;
    this.declareLength = declareLength;
  }

  /** The CRC-32 of the bytes the last {@link #writeTo} wrote in full, or -1 before that. */
  public long crc() {
    return crc;
  }

  @Override
  public MediaType contentType() {
    return OCTETS;
  }

  @Override
  public long contentLength() {
    return declareLength ? size : -1;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    CRC32 checksum = new CRC32();
    byte[] chunk = new byte[CHUNK];
    long state = 0x9E3779B97F4A7C15L;
    OutputStream out = sink.outputStream();
    for (long written = 0; written < size; ) {
      int n = (int) Math.min(CHUNK, size - written);
      for (int i = 0; i < n; i += 8) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        for (int j = 0; j < 8 && i + j < n; j++) {
          chunk[i + j] = (byte) (state >>> (8 * j));
        }
      }
      checksum.update(chunk, 0, n);
      out.write(chunk, 0, n);
      written += n;
    }
    out.flush();
    crc = checksum.getValue();
  }
}
