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
  private static final java.util.Base64.Encoder ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
  private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private Base64Url() {}

  /**
   * Encodes without padding. The JDK's encoder writes exactly this alphabet and form (and is
   * intrinsified on x86), so it is used rather than a loop of our own; decoding adds strict checks.
   */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
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
