package io.chainmesh.edge;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a chain's final descriptor proves that every segment the edge issued was visited, in
 * order, by a holder of a valid key (the proof of transit). Immutable.
 *
 * <p>{@link #verify} checks the <em>structure</em> of a returned descriptor whose MAC has already been
 * verified (by {@link io.chainmesh.core.ChainCodec#decode}): the MAC says a key holder wrote it, this
 * class says what it wrote is a complete, in-order visit of the issued chain:
 * <ul>
 *   <li>the same chain id, and unchanged what hops may not change: name, edge metadata, times,
 *       return mode and reply-to;</li>
 *   <li>the issued segments appear in order within the returned list, and the extra segments are
 *       exactly the {@link ChainDescriptor#insertedSegments() inserted} ones;</li>
 *   <li>the route records are for segments 0, 1, 2, ... with none skipped, one per visited segment,
 *       {@link Outcome#FORWARDED} for all but the last; the last {@link Outcome#ANSWERED} at the last
 *       segment, or {@link Outcome#ENDED_EARLY} / {@link Outcome#FAILED} where the chain stopped, and
 *       the pointer there;</li>
 *   <li>the hop limit is lower by exactly the number of forwards.</li>
 * </ul>
 * See docs/proof-of-transit.md for what this does and does not prove.
 */
public final class ProofOfTransit {
  private final String violation;
  private final int stoppedAt;
  private final Outcome outcome;

  private ProofOfTransit(String violation, int stoppedAt, Outcome outcome) {
    this.violation = violation;
    this.stoppedAt = stoppedAt;
    this.outcome = outcome;
  }

  /**
   * Checks {@code returned}, a MAC-verified final descriptor, against {@code issued}, the descriptor
   * the edge sent into the chain.
   */
  public static ProofOfTransit verify(ChainDescriptor issued, ChainDescriptor returned) {
    Objects.requireNonNull(issued, "issued");
    Objects.requireNonNull(returned, "returned");
    List<RouteRecord> route = returned.route();
    RouteRecord last = route.isEmpty() ? null : route.get(route.size() - 1);
    int stopped = last == null ? -1 : last.segmentIndex();
    Outcome outcome = last == null ? null : last.outcome();
    return new ProofOfTransit(violation(issued, returned), stopped, outcome);
  }

  private static String violation(ChainDescriptor issued, ChainDescriptor returned) {
    if (!returned.chainId().equals(issued.chainId())) {
      return "the route belongs to chain " + returned.chainId() + ", not to chain " + issued.chainId();
    }
    String changed = changedField(issued, returned);
    if (changed != null) {
      return "the returned descriptor's " + changed + " differs from what the edge issued";
    }
    List<Segment> sent = issued.segments();
    List<Segment> back = returned.segments();
    int extra = back.size() - sent.size();
    if (extra < 0 || extra != returned.insertedSegments()) {
      return back.size() + " segments came back for the " + sent.size() + " issued, but the descriptor counts "
          + returned.insertedSegments() + " inserted";
    }
    if (!back.get(0).equals(sent.get(0))) {
      return "the returned list does not start with the issued first segment " + sent.get(0);
    }
    int j = 0;
    for (int i = 0; i < sent.size(); i++) {
      while (j < back.size() && !back.get(j).equals(sent.get(i))) {
        j++;
      }
      if (j == back.size()) {
        return "issued segment " + i + " (" + sent.get(i) + ") is missing from the returned list or out of order";
      }
      j++;
    }
    List<RouteRecord> route = returned.route();
    if (route.isEmpty()) {
      return "no hop recorded serving the chain";
    }
    int forwards = 0;
    for (int i = 0; i < route.size(); i++) {
      RouteRecord r = route.get(i);
      if (r.segmentIndex() != i) {
        return i < back.size()
            ? "segment " + i + " (" + back.get(i) + ") was skipped: the route goes from "
                + (i == 0 ? "the edge" : "segment " + (i - 1)) + " to segment " + r.segmentIndex()
            : "route record " + i + " is for segment " + r.segmentIndex() + " of " + back.size();
      }
      boolean isLast = i == route.size() - 1;
      if (!isLast && r.outcome() != Outcome.FORWARDED) {
        return "segment " + i + " (" + back.get(i) + ") recorded " + name(r.outcome())
            + " but the route goes on to segment " + (i + 1);
      }
      if (r.outcome() == Outcome.FORWARDED) {
        forwards++;
      }
    }
    RouteRecord last = route.get(route.size() - 1);
    int stop = last.segmentIndex();
    if (last.outcome() == Outcome.FORWARDED) {
      return "segment " + stop + " (" + back.get(stop) + ") forwarded but segment " + (stop + 1)
          + (stop + 1 < back.size() ? " (" + back.get(stop + 1) + ")" : "") + " never answered";
    }
    if (last.outcome() == Outcome.ANSWERED && stop != back.size() - 1) {
      return "segment " + stop + " (" + back.get(stop) + ") answered as if it were the last, but segments "
          + (stop + 1) + ".." + (back.size() - 1) + " were never visited";
    }
    if (returned.pointer() != stop) {
      return "the pointer (" + returned.pointer() + ") is not at the segment that answered (" + stop + ")";
    }
    if (returned.hopLimit() != issued.hopLimit() - forwards) {
      return "the hop limit went from " + issued.hopLimit() + " to " + returned.hopLimit() + " over " + forwards
          + " forwards";
    }
    return null;
  }

  private static String changedField(ChainDescriptor issued, ChainDescriptor returned) {
    if (!returned.chainName().equals(issued.chainName())) {
      return "chain name";
    }
    if (!returned.edgeMetadata().equals(issued.edgeMetadata())) {
      return "edge metadata";
    }
    if (!returned.issuedAt().equals(issued.issuedAt()) || !returned.expiresAt().equals(issued.expiresAt())) {
      return "validity window";
    }
    if (!returned.deadline().equals(issued.deadline())) {
      return "deadline";
    }
    if (returned.returnMode() != issued.returnMode() || !returned.replyTo().equals(issued.replyTo())) {
      return "return mode";
    }
    return null;
  }

  private static String name(Outcome outcome) {
    return outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  /** Whether the route proves a complete, in-order visit (up to where the chain stopped). */
  public boolean isVerified() {
    return violation == null;
  }

  /** What the route fails to prove, for logs and problem details; empty when verified. */
  public Optional<String> violation() {
    return Optional.ofNullable(violation);
  }

  /** Index of the segment whose record is last: where the chain answered, ended early or failed. */
  public OptionalInt stoppedAt() {
    return stoppedAt < 0 ? OptionalInt.empty() : OptionalInt.of(stoppedAt);
  }

  /** The last record's outcome, if there is a record. */
  public Optional<Outcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  @Override
  public String toString() {
    return violation == null
        ? "ProofOfTransit{verified, " + (outcome == null ? "" : name(outcome)) + " at segment " + stoppedAt + '}'
        : "ProofOfTransit{unproven: " + violation + '}';
  }
}
