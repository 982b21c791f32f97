package io.chainmesh.core.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Strict base64url without padding (RFC 4648 §5): the exact alphabet, no '=', no whitespace, and
 * no non-zero bits in the last character's unused low bits, so that every byte string has exactly
 * one encoding. Decodes into an array of the exact size, computed before allocating.
 */
public final class Base64Url {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final byte[] LETTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VALUES = new byte[128];
  private static final byte[] VALUES_256 = new byte[256];
  private static final java.util.Base64.Encoder ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
    java.util.Arrays.fill(VALUES_256, (byte) -1);
    System.arraycopy(VALUES, 0, VALUES_256, 0, 128);
  }

  private Base64Url() {}

  /**
   * Encodes without padding. The JDK's encoder writes exactly this alphabet and form (and is
   * intrinsified on x86), so it is used rather than a loop of our own; decoding adds strict checks.
   */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** Length of the unpadded encoding of {@code n} bytes. */
  public static int encodedLength(int n) {
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
  }

  /**
   * Encodes {@code buf[off, off + n)}, which must end the array, in place towards the start of the
   * array, which must be exactly {@link #encodedLength(int) encodedLength(n)} long, and returns the
   * text. In place is safe: each group of three bytes is read before its four characters are
   * written, and the writing never catches up with the reading, since the input starts a third of
   * its length into the array.
   */
  public static String encodeInPlace(byte[] buf, int off, int n) {
    byte[] letters = LETTERS;
    int groups = n / 3;
    // Indexes linear in the loop counter, so that the compiler can drop the bounds checks.
    for (int k = 0; k < groups; k++) {
      int i = off + 3 * k;
      int v = (buf[i] & 0xff) << 16 | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff);
      int o = 4 * k;
      buf[o] = letters[v >>> 18];
      buf[o + 1] = letters[(v >>> 12) & 0x3f];
      buf[o + 2] = letters[(v >>> 6) & 0x3f];
      buf[o + 3] = letters[v & 0x3f];
    }
    int i = off + 3 * groups;
    int o = 4 * groups;
    int rest = n % 3;
    if (rest == 1) {
      int v = buf[i] & 0xff;
      buf[o] = letters[v >>> 2];
      buf[o + 1] = letters[(v << 4) & 0x3f];
    } else if (rest == 2) {
      int v = (buf[i] & 0xff) << 8 | (buf[i + 1] & 0xff);
      buf[o] = letters[v >>> 10];
      buf[o + 1] = letters[(v >>> 4) & 0x3f];
      buf[o + 2] = letters[(v << 2) & 0x3f];
    }
    return new String(buf, 0, buf.length, StandardCharsets.ISO_8859_1);
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
    int size = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
    if (text instanceof String string) {
      byte[] canonical = decodeCanonical(string, size);
      if (canonical != null) {
        return canonical;
      }
    }
    // The reference decoder: strict, and it names the offset of the first offending character.
    byte[] out = new byte[size];
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

  /**
   * The fast path: canonical input decoded in place, in the one array that holds the text's
   * characters (non-Latin-1 characters become '?', which is outside the alphabet); the decoded
   * bytes are the array's first {@code size}. The validity of a whole group is one sign test: an
   * invalid character maps to -1, which makes the group's combined value negative. Null for anything
   * but canonical input; the reference decoder then runs and explains the refusal.
   */
  private static byte[] decodeCanonical(String text, int size) {
    byte[] buf = decodeInPlace(text);
    return buf == null ? null : java.util.Arrays.copyOf(buf, size);
  }

  /**
   * Decodes canonical base64url {@code text} into the first {@link #decodedLength} bytes of an
   * array of {@code text.length()} bytes, or returns null for anything else (then
   * {@link #decode(CharSequence)} explains the refusal). One array, written in place: each group of
   * four characters is read before its three bytes are written behind it.
   */
  public static byte[] decodeInPlace(String text) {
    int n = text.length();
    if (n % 4 == 1) {
      return null;
    }
    byte[] buf = text.getBytes(StandardCharsets.ISO_8859_1);
    byte[] values = VALUES_256;
    int invalid = 0;
    int groups = n / 4;
    // Indexes linear in the loop counter, so that the compiler can drop the bounds checks.
    for (int k = 0; k < groups; k++) {
      int i = 4 * k;
      int v = values[buf[i] & 0xff] << 18 | values[buf[i + 1] & 0xff] << 12
          | values[buf[i + 2] & 0xff] << 6 | values[buf[i + 3] & 0xff];
      invalid |= v;
      int o = 3 * k;
      buf[o] = (byte) (v >>> 16);
      buf[o + 1] = (byte) (v >>> 8);
      buf[o + 2] = (byte) v;
    }
    int i = 4 * groups;
    int o = 3 * groups;
    int rest = n - i;
    if (rest == 2) {
      int a = values[buf[i] & 0xff];
      int b = values[buf[i + 1] & 0xff];
      invalid |= a | b | -(b & 0x0f); // unused bits set: not canonical
      buf[o] = (byte) (a << 2 | b >>> 4);
    } else if (rest == 3) {
      int a = values[buf[i] & 0xff];
      int b = values[buf[i + 1] & 0xff];
      int c = values[buf[i + 2] & 0xff];
      invalid |= a | b | c | -(c & 0x03);
      int v = a << 10 | b << 4 | c >>> 2;
      buf[o] = (byte) (v >>> 8);
      buf[o + 1] = (byte) v;
    }
    return invalid < 0 ? null : buf;
  }

  /** Number of bytes that {@code n} characters of unpadded base64url decode to ({@code n % 4 != 1}). */
  public static int decodedLength(int n) {
    return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
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
