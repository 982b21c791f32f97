package io.chainmesh.core.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The one way chainmesh reads a duration a person wrote: in the edge's catalogue, on the edge's
 * command line and on chain-cli's. Surrounding white space is ignored; what remains is either
 * <ul>
 *   <li>a whole number of 1 to 9 digits, an optional single space, and a unit: {@code ms},
 *       {@code s}, {@code m} or {@code min} (minutes), {@code h} — {@code 250ms}, {@code 5s},
 *       {@code 5 s}, {@code 2m}, {@code 2 min}, {@code 1h}; units are lower case, so {@code m} is
 *       never a month; or</li>
 *   <li>an ISO-8601 duration as {@link Duration#parse} reads it, without a sign:
 *       {@code PT5S}, {@code PT0.25S}, {@code PT1H30M}, {@code P1D}.</li>
 * </ul>
 * At most {@value #MAX_TEXT} characters and at most {@link #LONGEST}; never negative. Zero is a
 * duration ({@code 0s}); where a duration must be longer, callers use {@link #parsePositive}.
 */
public final class DurationGrammar {
  /** Longest text read, before the strip. */
  public static final int MAX_TEXT = 32;
  /** Longest duration: the largest the integer form can write, 999 999 999 hours. */
  public static final Duration LONGEST = Duration.ofHours(999_999_999);
  /** What to write, for messages and usage texts. */
  public static final String SUMMARY =
      "a whole number and a unit (ms, s, m or min, h), like 250ms, 5s or 5 s, or ISO-8601 like PT5S";

  private static final int MAX_DIGITS = 9;

  private DurationGrammar() {}

  /**
   * Reads {@code text}; zero is allowed.
   *
   * @throws IllegalArgumentException whose message quotes (an excerpt of) the text and says what is accepted
   */
  public static Duration parse(String text) {
    if (text.length() > MAX_TEXT) {
      throw notADuration(text);
    }
    String t = text.strip();
    Duration d = t.startsWith("P") || t.startsWith("p") ? iso(t, text) : numberAndUnit(t, text);
    if (d.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(Excerpt.of(text) + " is longer than 999999999h, the longest duration");
    }
    return d;
  }

  /**
   * Reads {@code text}, which must be longer than zero.
   *
   * @throws IllegalArgumentException as {@link #parse}, or {@code must be longer than 0, was "0s"}
   */
  public static Duration parsePositive(String text) {
    Duration d = parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than 0, was " + Excerpt.of(text));
    }
    return d;
  }

  /** The shortest text of the grammar for {@code d}, in whole milliseconds: {@code 5s}, {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static Duration iso(String t, String text) {
    // Duration.parse takes a sign before P and before each number; the grammar takes none.
    if (t.indexOf('-') >= 0 || t.indexOf('+') >= 0) {
      throw notADuration(text);
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw notADuration(text);
    }
  }

  private static Duration numberAndUnit(String t, String text) {
    int digits = 0;
    while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == 0 || digits > MAX_DIGITS) {
      throw notADuration(text);
    }
    long amount = Long.parseLong(t, 0, digits, 10);
    int unitStart = digits < t.length() && t.charAt(digits) == ' ' ? digits + 1 : digits;
    return switch (t.substring(unitStart)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m", "min" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> throw notADuration(text);
    };
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException(Excerpt.of(text) + " is not a duration; write " + SUMMARY);
  }
}
