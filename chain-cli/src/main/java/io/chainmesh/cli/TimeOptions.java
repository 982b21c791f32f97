package io.chainmesh.cli;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/** Reading the time-related options: instants and bounded durations. */
final class TimeOptions {
  static final Option NOW = Option.value("now", "instant",
      "the time to check against, ISO-8601 like 2026-01-31T12:00:00Z; the system clock unless given");
  static final Option SKEW = Option.value("skew", "duration",
      "clock skew to allow, like a hop does; 5s unless given, at most 5m");
  static final Option MAX_LIFETIME = Option.value("max-lifetime", "duration",
      "longest validity window to accept, like a hop does; 10m unless given");

  private TimeOptions() {}

  /** {@code --now}, or the system clock, truncated to milliseconds like descriptor times. */
  static Instant now(CommandLine args) throws UsageException {
    if (args.value(NOW.name()).isEmpty()) {
      return Instant.ofEpochMilli(System.currentTimeMillis());
    }
    String text = args.value(NOW.name()).get();
    try {
      return Instant.ofEpochMilli(Instant.parse(text.strip()).toEpochMilli());
    } catch (DateTimeException | ArithmeticException e) {
      throw new UsageException("--now " + Excerpts.quote(text) + " is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  static Duration skew(CommandLine args) throws UsageException {
    Duration skew = duration(args, SKEW, ChainCodec.DEFAULT_CLOCK_SKEW);
    if (skew.compareTo(ChainCodec.MAX_CLOCK_SKEW) > 0) {
      throw new UsageException("--skew may be at most " + DurationText.format(ChainCodec.MAX_CLOCK_SKEW)
          + ", as on a hop; was " + DurationText.format(skew));
    }
    return skew;
  }

  static Duration maxLifetime(CommandLine args) throws UsageException {
    return positive(args, MAX_LIFETIME, ChainCodec.DEFAULT_MAX_LIFETIME);
  }

  static Duration duration(CommandLine args, Option option, Duration absent) throws UsageException {
    return args.duration(option.name()).orElse(absent);
  }

  static Duration positive(CommandLine args, Option option, Duration absent) throws UsageException {
    return args.positiveDuration(option.name()).orElse(absent);
  }
}
