package io.chainmesh.core.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;

/**
 * Strict base64url without padding (RFC 4648 §5): the exact alphabet, no '=', no whitespace, and
 * no non-zero bits in the last character's unused low bits, so that every byte string has exactly
 * one encoding. Decodes into an array of the exact size, computed before allocating.
 */
public final class Base64Url {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private Base64Url() {}

  /** Encodes without padding. */
  public static String encode(byte[] bytes) {
    int n = bytes.length;
    char[] out = new char[(n * 4 + 2) / 3];
    int o = 0;
    int i = 0;
    for (; i + 2 < n; i += 3) {
      int v = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff);
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      out[o++] = ALPHABET[(v >>> 6) & 63];
      out[o++] = ALPHABET[v & 63];
    }
    if (n - i == 1) {
      int v = (bytes[i] & 0xff) << 16;
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
    } else if (n - i == 2) {
      int v = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8;
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      out[o++] = ALPHABET[(v >>> 6) & 63];
    }
    return new String(out);
  }

  /**
   * Decodes {@code text}, refusing anything but canonical unpadded base64url.
   *
   * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} naming the offending offset
   */
  public static byte[] decode(CharSequence text) {
    int n = text.length();
    if (n % 4 == 1) {
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, n - 1,
          "base64url length " + n + " is impossible (a length of 4k+1 cannot encode whole bytes)");
    }
    byte[] out = new byte[n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)];
    int o = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      int v = value(text, i) << 18 | value(text, i + 1) << 12 | value(text, i + 2) << 6 | value(text, i + 3);
      out[o++] = (byte) (v >>> 16);
      out[o++] = (byte) (v >>> 8);
      out[o++] = (byte) v;
    }
    int rest = n - i;
    if (rest == 2) {
      int last = value(text, i + 1);
      if ((last & 0x0f) != 0) {
        throw nonCanonical(i + 1);
      }
      out[o] = (byte) (value(text, i) << 2 | last >>> 4);
    } else if (rest == 3) {
      int last = value(text, i + 2);
      if ((last & 0x03) != 0) {
        throw nonCanonical(i + 2);
      }
      int v = value(text, i) << 10 | value(text, i + 1) << 4 | last >>> 2;
      out[o++] = (byte) (v >>> 8);
      out[o] = (byte) v;
    }
    return out;
  }

  private static int value(CharSequence text, int i) {
    char c = text.charAt(i);
    int v = c < 128 ? VALUES[c] : -1;
    if (v < 0) {
      String why = c == '='
          ? "padding '=' is not allowed (base64url without padding)"
          : (c == '+' || c == '/')
              ? "character " + Syntax.describe(c) + " belongs to standard base64; base64url uses '-' and '_'"
              : "character " + Syntax.describe(c) + " is not in the base64url alphabet";
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, i, why);
    }
    return v;
  }

  private static ChainException nonCanonical(int offset) {
    return ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, offset,
        "non-canonical base64url: unused trailing bits are not zero");
  }
}
