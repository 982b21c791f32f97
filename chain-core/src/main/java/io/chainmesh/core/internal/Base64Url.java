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
  /** Two characters (high and low byte) for each 12-bit value. */
  private static final short[] PAIRS = new short[4096];
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle INT_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final byte[] VALUES_256 = new byte[256];
  private static final java.util.Base64.Encoder ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
  private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
    for (int v = 0; v < PAIRS.length; v++) {
      PAIRS[v] = (short) (LETTERS[v >>> 6] << 8 | LETTERS[v & 0x3f]);
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
    short[] pairs = PAIRS;
    int groups = n / 3;
    // Two groups at a time: eight bytes read at once (the last two belong to the next group and are
    // ignored), eight characters written at once from four lookups of twelve bits each. Then one
    // group at a time the same way, four bytes read (the last group byte by byte, as its fourth byte
    // would lie past the array). The writes stay behind the reads: see above.
    int k = 0;
    for (; k + 3 < groups; k += 2) {
      long v = (long) LONG_BE.get(buf, off + 3 * k) >>> 16;
      LONG_BE.set(buf, 4 * k, (long) (pairs[(int) (v >>> 36)] & 0xffff) << 48
          | (long) (pairs[(int) (v >>> 24) & 0xfff] & 0xffff) << 32
          | (long) (pairs[(int) (v >>> 12) & 0xfff] & 0xffff) << 16
          | pairs[(int) v & 0xfff] & 0xffff);
    }
    for (; k < groups - 1; k++) {
      int v = (int) INT_BE.get(buf, off + 3 * k) >>> 8;
      INT_BE.set(buf, 4 * k, pairs[v >>> 12] << 16 | pairs[v & 0xfff] & 0xffff);
    }
    if (k < groups) {
      int i = off + 3 * k;
      int v = (buf[i] & 0xff) << 16 | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff);
      INT_BE.set(buf, 4 * k, pairs[v >>> 12] << 16 | pairs[v & 0xfff] & 0xffff);
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
   * The fast path: the JDK's decoder (intrinsified on x86, several times faster than the loop
   * below) when its lenient result is also the strict one, else null and the reference decoder
   * runs and explains the refusal. The JDK refuses every character outside the base64url alphabet
   * except '=' padding, which we refuse: padded input decodes shorter than {@code size}. It does not
   * check the unused trailing bits; they are checked here.
   */
  private static byte[] decodeCanonical(String text, int size) {
    byte[] out;
    try {
      out = DECODER.decode(text);
    } catch (IllegalArgumentException e) { // malformed input only: a valid header never gets here
      return null;
    }
    if (out.length != size) {
      return null;
    }
    int n = text.length();
    int rest = n % 4;
    if (rest == 2 && (VALUES[text.charAt(n - 1)] & 0x0f) != 0
        || rest == 3 && (VALUES[text.charAt(n - 1)] & 0x03) != 0) {
      return null;
    }
    return out;
  }

  /**
   * Decodes canonical base64url {@code text} into the first {@link #decodedLength} bytes of an
   * array of {@code text.length()} bytes, or returns null for anything else (then
   * {@link #decode(CharSequence)} explains the refusal).
   *
   * <p>One array: the text's characters (non-Latin-1 ones become '?', outside the alphabet), decoded
   * in place by the JDK's decoder, whose vectorised loop is several times faster than ours. In place
   * works with any decoder that reads its input front to back before writing each chunk's output,
   * which lands behind it; the JDK does not promise it, so callers that must not be fooled check
   * what they got: the codec verifies the MAC of the result, and on a mismatch decides on the
   * reference path, which decodes the text again with {@link #decode(CharSequence)}.
   */
  public static byte[] decodeInPlace(String text) {
    int n = text.length();
    if (n % 4 == 1) {
      return null;
    }
    byte[] buf = text.getBytes(StandardCharsets.ISO_8859_1);
    if (buf.length != n) {
      return null; // a surrogate pair became one '?': not base64url, and the lengths below would not hold
    }
    int rest = n % 4;
    if (rest == 2 && (value256(buf[n - 1]) & 0x0f) != 0 || rest == 3 && (value256(buf[n - 1]) & 0x03) != 0) {
      return null; // unused trailing bits set (the JDK ignores them): not canonical
    }
    int written;
    try {
      written = DECODER.decode(buf, buf);
    } catch (IllegalArgumentException e) { // a character outside the alphabet: never in a valid header
      return null;
    }
    return written == decodedLength(n) ? buf : null; // shorter: '=' padding, which we refuse
  }

  private static int value256(byte c) {
    return VALUES_256[c & 0xff];
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
