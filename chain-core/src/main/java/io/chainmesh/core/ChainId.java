package io.chainmesh.core;

import java.security.SecureRandom;

/**
 * A chain's 128-bit random identifier, chosen by the edge. Shown as 32 lower-case hex digits, the
 * same shape as a W3C trace id, so logs can carry either.
 */
public final class ChainId {
  /** Length of a chain id in bytes. */
  public static final int BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final long high;
  private final long low;

  private ChainId(long high, long low) {
    this.high = high;
    this.low = low;
  }

  /** The id of the two big-endian halves of its 16 bytes. */
  static ChainId of(long high, long low) {
    return new ChainId(high, low);
  }

  /** A fresh id from a cryptographically strong random source. */
  public static ChainId random() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return fromBytes(bytes);
  }

  /**
   * The id held in exactly 16 bytes.
   *
   * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} for any other length
   */
  public static ChainId fromBytes(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "chainId",
          "a chain id is " + BYTES + " bytes, got " + bytes.length);
    }
    long h = 0;
    long l = 0;
    for (int i = 0; i < 8; i++) {
      h = h << 8 | (bytes[i] & 0xff);
      l = l << 8 | (bytes[i + 8] & 0xff);
    }
    return new ChainId(h, l);
  }

  /**
   * Parses 32 hex digits (either case).
   *
   * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} naming the first bad character
   */
  public static ChainId fromHex(String hex) {
    if (hex.length() != 2 * BYTES) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "chainId",
          "a chain id is " + 2 * BYTES + " hex digits, got " + hex.length() + " characters");
    }
    long h = 0;
    long l = 0;
    for (int i = 0; i < 32; i++) {
      char c = hex.charAt(i);
      int d = c < 128 ? Character.digit(c, 16) : -1; // Character.digit also takes non-ASCII digits
      if (d < 0) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "chainId",
            "character " + i + " of the chain id is not a hex digit");
      }
      if (i < 16) {
        h = h << 4 | d;
      } else {
        l = l << 4 | d;
      }
    }
    return new ChainId(h, l);
  }

  /** The 16 bytes, big-endian; a fresh array each call. */
  public byte[] toBytes() {
    byte[] out = new byte[BYTES];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (high >>> (56 - 8 * i));
      out[i + 8] = (byte) (low >>> (56 - 8 * i));
    }
    return out;
  }

  /** 32 lower-case hex digits. */
  public String toHex() {
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      out[i + 16] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainId other && high == other.high && low == other.low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high) * 31 + Long.hashCode(low);
  }

  /** The same as {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }
}
