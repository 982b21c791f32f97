package io.chainmesh.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as people type them ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO {@code PT5S}) and read them. */
final class DurationText {
  private DurationText() {}

  static Duration parse(String option, String text) throws UsageException {
    String t = text.strip();
    Duration d;
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw bad(option, text);
      }
    } else {
      int digits = 0;
      while (digits < t.length() && Character.isDigit(t.charAt(digits))) {
        digits++;
      }
      if (digits == 0 || digits > 12) {
        throw bad(option, text);
      }
      long amount = Long.parseLong(t.substring(0, digits));
      d = switch (t.substring(digits).strip().toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m", "min" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> throw bad(option, text);
      };
    }
    if (d.isNegative()) {
      throw new UsageException("--" + option + " must not be negative, was " + text);
    }
    return d;
  }

  /** {@code 1.23 ms}, {@code 4.5 s}, {@code 3 min 20 s}, {@code 2 h 5 min}, {@code 400 days}: short and readable. */
  static String format(Duration d) {
    Duration a = d.abs();
    String sign = d.isNegative() ? "-" : "";
    long seconds = a.getSeconds();
    if (seconds < 1) {
      return sign + String.format(Locale.ROOT, "%.2f ms", a.getNano() / 1e6);
    }
    if (seconds < 120) {
      return sign + (a.getNano() == 0 ? seconds + " s" : String.format(Locale.ROOT, "%.1f s", seconds + a.getNano() / 1e9));
    }
    if (seconds < 7200) {
      return sign + seconds / 60 + " min " + seconds % 60 + " s";
    }
    if (seconds < 172_800) {
      return sign + seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
    return sign + seconds / 86_400 + " days";
  }

  private static UsageException bad(String option, String text) {
    return new UsageException("--" + option + " " + Excerpts.quote(text)
        + " is not a duration; write e.g. 500ms, 5s, 2m, 1h or PT5S");
  }
}
