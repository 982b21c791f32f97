package io.chainmesh.cli;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations for people to read ({@code 1.23 ms}, {@code 3 min 20 s}). Durations people type are read
 * by the one grammar, {@code io.chainmesh.core.internal.DurationGrammar}, through {@link TimeOptions}.
 */
final class DurationText {
  private DurationText() {}

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
}
