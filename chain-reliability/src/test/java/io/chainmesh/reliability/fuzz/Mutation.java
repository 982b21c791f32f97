package io.chainmesh.reliability.fuzz;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One change to a header value, as a fuzzer makes it: on the envelope bytes under the base64url
 * (flip, cut, insert) or on the characters themselves (alphabet noise, cut, insert, repeat,
 * splice). Positions are fractions of the length, so one mutation fits any header.
 */
record Mutation(Kind kind, double at, int size, int mask, String text) {
  enum Kind { FLIP_BYTE, TRUNCATE_BYTES, INSERT_BYTES, NOISE_CHAR, TRUNCATE_CHARS, INSERT_CHARS, REPEAT_SLICE, DROP_CHAR }

  /** Characters a sloppy or hostile sender puts in a header: the alphabet, its look-alikes and worse. */
  private static final String NOISE = "AZaz09-_=+/ \t,;:\"\\%.\u00e9\u00ff\u0000\u007f\u0100\u2028\ufeff\ud800\uffff";

  static Arbitrary<Mutation> any() {
    Arbitrary<String> text = Arbitraries.strings().withChars(NOISE).ofMinLength(1).ofMaxLength(16);
    return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.doubles().between(0, 1),
        Arbitraries.integers().between(1, 64), Arbitraries.integers().between(1, 255), text).as(Mutation::new);
  }

  static Arbitrary<List<Mutation>> several() {
    return any().list().ofMinSize(1).ofMaxSize(4);
  }

  String applyTo(String header) {
    int n = header.length();
    int pos = Math.min(n, (int) (at * n));
    switch (kind) {
      case NOISE_CHAR -> {
        return n == 0 ? text : header.substring(0, Math.min(pos, n - 1)) + text.charAt(0)
            + header.substring(Math.min(pos, n - 1) + 1);
      }
      case TRUNCATE_CHARS -> {
        return header.substring(0, pos);
      }
      case INSERT_CHARS -> {
        return header.substring(0, pos) + text + header.substring(pos);
      }
      case REPEAT_SLICE -> {
        int end = Math.min(n, pos + size);
        return header.substring(0, end) + header.substring(pos, end) + header.substring(end);
      }
      case DROP_CHAR -> {
        return n == 0 ? header : header.substring(0, Math.min(pos, n - 1)) + header.substring(Math.min(pos, n - 1) + 1);
      }
      default -> {
        return onBytes(header);
      }
    }
  }

  private String onBytes(String header) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(header);
    } catch (IllegalArgumentException notBase64) {
      return header; // an earlier mutation broke the base64: nothing to do underneath
    }
    int n = bytes.length;
    int pos = Math.min(n, (int) (at * n));
    byte[] out = switch (kind) {
      case FLIP_BYTE -> {
        byte[] b = bytes.clone();
        if (n > 0) {
          b[Math.min(pos, n - 1)] ^= (byte) mask;
        }
        yield b;
      }
      case TRUNCATE_BYTES -> Arrays.copyOf(bytes, pos);
      case INSERT_BYTES -> {
        byte[] b = new byte[n + size];
        System.arraycopy(bytes, 0, b, 0, pos);
        for (int i = 0; i < size; i++) {
          b[pos + i] = (byte) (mask * (i + 1));
        }
        System.arraycopy(bytes, pos, b, pos + size, n - pos);
        yield b;
      }
      default -> throw new IllegalStateException(kind.toString());
    };
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }
}
