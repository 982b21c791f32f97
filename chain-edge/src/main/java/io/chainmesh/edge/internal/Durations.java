package io.chainmesh.edge.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Durations as people write them in a catalogue or on a command line: {@code 250ms}, {@code 5s},
 * {@code 2m}, {@code 1h}, or ISO-8601 {@code PT5S}.
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  public static Duration parse(String text) {
    String t = text.strip();
    if (t.startsWith("PT") || t.startsWith("pt")) {
      try {
        return positive(Duration.parse(t), text);
      } catch (DateTimeParseException e) {
        throw bad(text);
      }
    }
    int digits = 0;
    while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == 0 || digits > 9) {
      throw bad(text);
    }
    long amount = Long.parseLong(t.substring(0, digits));
    Duration d = switch (t.substring(digits)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> throw bad(text);
    };
    return positive(d, text);
  }

  private static Duration positive(Duration d, String text) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("duration \"" + text + "\" must be positive");
    }
    return d;
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("\"" + text + "\" is not a duration; write e.g. 250ms, 5s, 2m, 1h or PT5S");
  }

  /** Short text for logs and messages: {@code 5s}, {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
