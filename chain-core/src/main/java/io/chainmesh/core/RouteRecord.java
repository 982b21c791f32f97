package io.chainmesh.core;

import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.Syntax;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one hop recorded about serving its segment: which segment, which node, when it started, how
 * long it worked and what it did. Appended by {@link ChainDescriptor#advance(RouteRecord)}; the
 * list of records is the chain's record route, the basis for a traceroute view and proof of transit.
 *
 * <p>Times have millisecond (start) and microsecond (duration) resolution on the wire; the
 * builder truncates to those.
 */
public final class RouteRecord {
  private final int segmentIndex;
  private final String node;
  private final Instant start;
  private final Duration duration;
  private final Outcome outcome;
  final UnknownFieldSet unknownFields;

  private RouteRecord(Builder b) {
    this.segmentIndex = b.segmentIndex;
    this.node = b.node;
    this.start = b.start;
    this.duration = b.duration;
    this.outcome = b.outcome;
    this.unknownFields = b.unknownFields;
  }

  private RouteRecord(int segmentIndex, String node, Instant start, Duration duration, Outcome outcome) {
    this.segmentIndex = segmentIndex;
    this.node = node;
    this.start = start;
    this.duration = duration;
    this.outcome = outcome;
    this.unknownFields = UnknownFieldSet.getDefaultInstance();
  }

  /** A record read from bytes that were already validated: no checks. */
  static RouteRecord trusted(int segmentIndex, String node, Instant start, Duration duration, Outcome outcome) {
    return new RouteRecord(segmentIndex, node, start, duration, outcome);
  }

  /** A builder; every field but {@code outcome} must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Index of the segment that was served. */
  public int segmentIndex() {
    return segmentIndex;
  }

  /** The node (hop instance) that served it. */
  public String node() {
    return node;
  }

  /** When the hop started serving, at millisecond resolution. */
  public Instant start() {
    return start;
  }

  /** How long the hop worked before forwarding or answering, at microsecond resolution. */
  public Duration duration() {
    return duration;
  }

  /** What the hop did. */
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteRecord other
        && segmentIndex == other.segmentIndex
        && node.equals(other.node)
        && start.equals(other.start)
        && duration.equals(other.duration)
        && outcome == other.outcome
        && unknownFields.equals(other.unknownFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(segmentIndex, node, start, duration, outcome);
  }

  @Override
  public String toString() {
    return "#" + segmentIndex + "@" + node + " " + outcome.name().toLowerCase(java.util.Locale.ROOT)
        + " +" + duration.toNanos() / 1000 + "us";
  }

  /** Builds a {@link RouteRecord}. */
  public static final class Builder {
    private int segmentIndex = -1;
    private String node;
    private Instant start;
    private Duration duration = Duration.ZERO;
    private Outcome outcome = Outcome.FORWARDED;
    private UnknownFieldSet unknownFields = UnknownFieldSet.getDefaultInstance();

    private Builder() {}

    /** Index of the segment that was served. */
    public Builder segmentIndex(int segmentIndex) {
      this.segmentIndex = segmentIndex;
      return this;
    }

    /** The node id: letters, digits, '.', '_', '-', at most 253 characters. */
    public Builder node(String node) {
      this.node = Objects.requireNonNull(node, "node");
      return this;
    }

    /** When the hop started serving; truncated to milliseconds. */
    public Builder start(Instant start) {
      this.start = ChainDescriptor.truncatedToMillis(start, "start");
      return this;
    }

    /** How long the hop worked; truncated to microseconds. */
    public Builder duration(Duration duration) {
      if (duration.isNegative()) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "duration", "a duration cannot be negative");
      }
      this.duration = Duration.ofNanos(duration.toNanos() / 1000 * 1000);
      return this;
    }

    /** What the hop did; {@link Outcome#FORWARDED} unless set. */
    public Builder outcome(Outcome outcome) {
      this.outcome = Objects.requireNonNull(outcome, "outcome");
      return this;
    }

    Builder unknownFields(UnknownFieldSet unknownFields) {
      this.unknownFields = unknownFields;
      return this;
    }

    /**
     * The record.
     *
     * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} for a missing field or negative
     *     index, {@link Reason#SEGMENT_INVALID_NAME} for a bad node id
     */
    public RouteRecord build() {
      if (segmentIndex < 0) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "segmentIndex",
            "a route record needs a segment index >= 0");
      }
      if (node == null || start == null) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, node == null ? "node" : "start",
            "a route record needs a node and a start time");
      }
      String problem = Syntax.tokenProblem(node, Syntax.MAX_DNS_NAME);
      if (problem != null) {
        throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "node",
            "node id " + ChainException.quote(node) + " " + problem);
      }
      return new RouteRecord(this);
    }
  }
}
