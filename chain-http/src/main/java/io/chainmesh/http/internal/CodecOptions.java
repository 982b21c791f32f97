package io.chainmesh.http.internal;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeySource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The descriptor codec's options every chainmesh node has, hop or edge: their builders' setters
 * delegate here, so an option lands once and both build their codec the same way. Not thread-safe:
 * a builder's state.
 */
public final class CodecOptions {
  private DecodeLimits limits = DecodeLimits.DEFAULTS;
  private Clock clock = Clock.systemUTC();
  private Duration clockSkew = ChainCodec.DEFAULT_CLOCK_SKEW;
  private Duration maxLifetime = ChainCodec.DEFAULT_MAX_LIFETIME;

  /** Descriptor limits; {@link DecodeLimits#DEFAULTS} unless set. */
  public void limits(DecodeLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The clock for validity windows, deadlines and route records; system UTC unless set. */
  public void clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Allowed clock skew between nodes; see {@link ChainCodec.Builder#clockSkew}. */
  public void clockSkew(Duration skew) {
    this.clockSkew = Objects.requireNonNull(skew, "skew");
  }

  /** Longest descriptor lifetime accepted; see {@link ChainCodec.Builder#maxLifetime}. */
  public void maxLifetime(Duration maxLifetime) {
    this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
  }

  /** The limits. */
  public DecodeLimits limits() {
    return limits;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** The clock skew. */
  public Duration clockSkew() {
    return clockSkew;
  }

  /** The longest lifetime. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * A codec with these options and {@code keys}.
   *
   * @throws IllegalArgumentException if the clock skew is out of the codec's range
   */
  public ChainCodec codec(KeySource keys) {
    return ChainCodec.builder(keys).limits(limits).clock(clock).clockSkew(clockSkew).maxLifetime(maxLifetime).build();
  }
}
