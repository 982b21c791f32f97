package io.chainmesh.http;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.Segment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The chain as the current hop sees it: which chain, which segment, its arguments, the metadata,
 * the deadline and the trace. A read-only view of a verified descriptor; declare it as a parameter
 * of a {@link ChainFunction} to receive it.
 */
public final class ChainContext {
  private final ChainDescriptor descriptor;
  private final String function;
  private final String traceId;
  private final String spanId;
  private final Clock clock;

  ChainContext(ChainDescriptor descriptor, String function, String traceId, String spanId, Clock clock) {
    this.descriptor = descriptor;
    this.function = function;
    this.traceId = traceId;
    this.spanId = spanId;
    this.clock = clock;
  }

  /** The chain's id. */
  public ChainId chainId() {
    return descriptor.chainId();
  }

  /** The catalogue entry that built the chain, if named. */
  public Optional<String> chainName() {
    return descriptor.chainName();
  }

  /** The segment being served. */
  public Segment segment() {
    return descriptor.currentSegment();
  }

  /** The name of the function being run. */
  public String function() {
    return function;
  }

  /** Index of the segment being served. */
  public int segmentIndex() {
    return descriptor.pointer();
  }

  /** Whether the current segment is the chain's last. */
  public boolean isLastSegment() {
    return descriptor.isLastSegment();
  }

  /** An argument of the current segment. */
  public Optional<String> argument(String key) {
    return descriptor.currentSegment().argument(key);
  }

  /** A metadata entry, set by the edge or added by an earlier hop. */
  public Optional<String> metadata(String key) {
    return descriptor.metadata(key);
  }

  /** The chain's deadline, if the edge set one. */
  public Optional<Instant> deadline() {
    return descriptor.deadline();
  }

  /** Time left until the deadline (zero once passed), if there is one. */
  public Optional<Duration> remaining() {
    return descriptor.deadline().map(d -> {
      Duration left = Duration.between(clock.instant(), d);
      return left.isNegative() ? Duration.ZERO : left;
    });
  }

  /** The W3C trace id (32 hex digits) this request belongs to. */
  public String traceId() {
    return traceId;
  }

  /** The W3C span id (16 hex digits) of this hop's work. */
  public String spanId() {
    return spanId;
  }

  /** The whole verified descriptor, for advanced use. */
  public ChainDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public String toString() {
    return "ChainContext{chain=" + descriptor.chainId() + ", segment#" + descriptor.pointer() + "="
        + descriptor.currentSegment() + ", trace=" + traceId + '}';
  }
}
