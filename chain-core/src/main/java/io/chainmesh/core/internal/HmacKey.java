package io.chainmesh.core.internal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC-SHA256 key and the envelope MAC computed with it. {@link Mac} instances are expensive
 * to create and not thread-safe, so each key keeps a pool of initialised instances that grows to
 * the peak concurrency and is reused from then on (a thread-local would allocate per virtual thread);
 * one idle instance waits in a single slot beside the queue, which serves the usual case without it.
 *
 * <p>The MAC input, normative in docs/wire-format.md:
 * <pre>
 *   "chainmesh.v1.envelope" || 0x00 || u8(envelope version) || u8(len(key id)) || key id || descriptor
 * </pre>
 */
public final class HmacKey {
  /** Domain-separation label at the start of every MAC input. */
  public static final byte[] LABEL = "chainmesh.v1.envelope".getBytes(StandardCharsets.US_ASCII);
  /** Length of an HMAC-SHA256 tag. */
  public static final int MAC_BYTES = 32;
  /** Shortest accepted key. */
  public static final int MIN_KEY_BYTES = 32;

  private final String id;
  private final byte[] idBytes;
  private final SecretKeySpec key;
  private final ConcurrentLinkedQueue<Mac> pool = new ConcurrentLinkedQueue<>();
  /** One idle Mac outside the queue: taken and given back without allocating a queue node. */
  private final AtomicReference<Mac> spare = new AtomicReference<>();
  /** The MAC input up to the descriptor for envelope version 1, fed to the Mac in one call. */
  private final byte[] prefixV1;

  /** A key; {@code secret} is copied. The caller has checked id syntax and key length. */
  public HmacKey(String id, byte[] secret) {
    this.id = id;
    this.idBytes = id.getBytes(StandardCharsets.US_ASCII);
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.prefixV1 = prefix(1);
    pool.offer(newMac()); // fail at construction, not at the first request, if the JCA lacks HmacSHA256
  }

  /** The key id. */
  public String id() {
    return id;
  }

  /** The MAC of an envelope with this key's id, {@code version} and {@code descriptor}. */
  public byte[] mac(int version, byte[] descriptor) {
    Mac mac = borrow(version);
    try {
      mac.update(descriptor);
      return mac.doFinal();
    } catch (RuntimeException e) {
      mac.reset(); // a bad range threw mid-update: the Mac must not go back holding part of an input
      throw e;
    } finally {
      giveBack(mac);
    }
  }

  /** Whether this key's id is the ASCII bytes {@code buf[off, off + len)}. */
  public boolean hasId(byte[] buf, int off, int len) {
    return java.util.Arrays.equals(idBytes, 0, idBytes.length, buf, off, off + len);
  }

  /**
   * The MAC of an envelope with this key's id, {@code version} and the descriptor
   * {@code buf[off, off + len)}, written to {@code out[outOff, outOff + MAC_BYTES)}.
   */
  public void mac(int version, byte[] buf, int off, int len, byte[] out, int outOff) {
    Mac mac = borrow(version);
    try {
      mac.update(buf, off, len);
      mac.doFinal(out, outOff);
    } catch (javax.crypto.ShortBufferException e) {
      mac.reset(); // nothing was computed; the Mac goes back clean
      throw new IllegalArgumentException("no room for the MAC at " + outOff, e);
    } catch (RuntimeException e) {
      mac.reset(); // a bad range threw mid-update: the Mac must not go back holding part of an input
      throw e;
    } finally {
      giveBack(mac);
    }
  }

  /**
   * Whether {@code buf[tagOff, tagOff + MAC_BYTES)} is the MAC of the envelope with the descriptor
   * {@code buf[off, off + len)}, compared in constant time.
   */
  public boolean verify(int version, byte[] buf, int off, int len, int tagOff) {
    Mac mac = borrow(version);
    byte[] expected;
    try {
      mac.update(buf, off, len);
      expected = mac.doFinal();
    } catch (RuntimeException e) {
      mac.reset(); // a bad range threw mid-update: the Mac must not go back holding part of an input
      throw e;
    } finally {
      giveBack(mac);
    }
    int diff = 0;
    for (int i = 0; i < MAC_BYTES; i++) {
      diff |= expected[i] ^ buf[tagOff + i];
    }
    return diff == 0;
  }

  /** Whether {@code tag} is the MAC of the envelope, compared in constant time. */
  public boolean verify(int version, byte[] descriptor, byte[] tag) {
    return MessageDigest.isEqual(mac(version, descriptor), tag);
  }

  /**
   * {@link #verify(int, byte[], byte[])} over descriptor bytes held in a {@link ByteString}, read
   * where they lie (a parsed envelope's field aliases the decoded header) rather than copied out.
   */
  public boolean verify(int version, ByteString descriptor, byte[] tag) {
    Mac mac = borrow(version);
    try {
      UnsafeByteOperations.unsafeWriteTo(descriptor, new ByteOutput() {
        @Override
        public void write(byte value) {
          mac.update(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) {
          mac.update(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
          mac.update(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) {
          mac.update(value);
        }

        @Override
        public void writeLazy(ByteBuffer value) {
          mac.update(value);
        }
      });
      return MessageDigest.isEqual(mac.doFinal(), tag);
    } catch (IOException e) { // ByteOutput's signature; updating a Mac does not do I/O
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      mac.reset(); // a bad range threw mid-update: the Mac must not go back holding part of an input
      throw e;
    } finally {
      giveBack(mac);
    }
  }

  /** A pooled (or new) Mac with the MAC input's prefix, up to the descriptor bytes, already fed. */
  private Mac borrow(int version) {
    Mac mac = spare.getAndSet(null);
    if (mac == null) {
      mac = pool.poll();
      if (mac == null) {
        mac = newMac();
      }
    }
    mac.update(version == 1 ? prefixV1 : prefix(version));
    return mac;
  }

  /** Returns a Mac to the pool (doFinal has reset it). */
  private void giveBack(Mac mac) {
    if (!spare.compareAndSet(null, mac)) {
      pool.offer(mac);
    }
  }

  /** {@code LABEL || 0x00 || u8(version) || u8(len(key id)) || key id}. */
  private byte[] prefix(int version) {
    byte[] p = new byte[LABEL.length + 3 + idBytes.length];
    System.arraycopy(LABEL, 0, p, 0, LABEL.length);
    p[LABEL.length] = 0;
    p[LABEL.length + 1] = (byte) version;
    p[LABEL.length + 2] = (byte) idBytes.length;
    System.arraycopy(idBytes, 0, p, LABEL.length + 3, idBytes.length);
    return p;
  }

  /** Whether {@code secret} is this key's secret, compared in constant time. */
  public boolean hasSecret(byte[] secret) {
    return MessageDigest.isEqual(key.getEncoded(), secret);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "HmacKey{" + id + "}";
  }
}
