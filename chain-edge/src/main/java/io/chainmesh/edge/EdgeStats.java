package io.chainmesh.edge;

/**
 * A snapshot of an edge's counters, from {@link ChainEdge#stats()}. Counts are since the edge
 * started. Immutable.
 */
public final class EdgeStats {
  private final long chainsStarted;
  private final int parkedRequests;
  private final long parkingRefused;
  private final long asyncTimeouts;
  private final long repliesAccepted;
  private final long repliesForged;
  private final long repliesLate;
  private final long repliesUnknown;
  private final long transitUnproven;
  private final long catalogueReloads;
  private final long catalogueReloadsRejected;
  private final long bodyBytesHeld;

  EdgeStats(long chainsStarted, int parkedRequests, long parkingRefused, long asyncTimeouts, long repliesAccepted,
      long repliesForged, long repliesLate, long repliesUnknown, long transitUnproven, long catalogueReloads,
      long catalogueReloadsRejected, long bodyBytesHeld) {
    this.chainsStarted = chainsStarted;
    this.parkedRequests = parkedRequests;
    this.parkingRefused = parkingRefused;
    this.asyncTimeouts = asyncTimeouts;
    this.repliesAccepted = repliesAccepted;
    this.repliesForged = repliesForged;
    this.repliesLate = repliesLate;
    this.repliesUnknown = repliesUnknown;
    this.transitUnproven = transitUnproven;
    this.catalogueReloads = catalogueReloads;
    this.catalogueReloadsRejected = catalogueReloadsRejected;
    this.bodyBytesHeld = bodyBytesHeld;
  }

  /** Chains the edge started (requests that matched a catalogue entry and were sent to a first hop). */
  public long chainsStarted() {
    return chainsStarted;
  }

  /** Client requests of asynchronous chains waiting for their reply now. */
  public int parkedRequests() {
    return parkedRequests;
  }

  /** Asynchronous requests refused with 503 because the parking bound was reached. */
  public long parkingRefused() {
    return parkingRefused;
  }

  /** Parked requests answered 504 because no reply came in time. */
  public long asyncTimeouts() {
    return asyncTimeouts;
  }

  /** Reply deliveries accepted and handed to their waiting client. */
  public long repliesAccepted() {
    return repliesAccepted;
  }

  /** Reply deliveries dropped because their {@code Chain-Route} was missing or did not verify. */
  public long repliesForged() {
    return repliesForged;
  }

  /** Verified reply deliveries dropped because their client had already been answered (timed out). */
  public long repliesLate() {
    return repliesLate;
  }

  /** Verified reply deliveries dropped because no request was waiting for their chain id. */
  public long repliesUnknown() {
    return repliesUnknown;
  }

  /** Every reply delivery dropped: forged, late and unknown. */
  public long repliesDropped() {
    return repliesForged + repliesLate + repliesUnknown;
  }

  /** Answers whose route did not prove transit (refused or flagged, per the {@link TransitPolicy}). */
  public long transitUnproven() {
    return transitUnproven;
  }

  /** Catalogue reloads that took effect. */
  public long catalogueReloads() {
    return catalogueReloads;
  }

  /** Catalogue reloads rejected because the new catalogue did not validate (the old one stayed). */
  public long catalogueReloadsRejected() {
    return catalogueReloadsRejected;
  }

  /**
   * Bytes of bodies held in memory now against the edge's body memory budget — the process-wide one
   * (shared with every edge and hop of the process) unless {@link ChainEdge.Builder#maxBodyMemory} gave
   * the edge its own. 0 when nothing is in flight.
   */
  public long bodyBytesHeld() {
    return bodyBytesHeld;
  }

  @Override
  public String toString() {
    return "EdgeStats{started=" + chainsStarted + ", parked=" + parkedRequests + ", parkingRefused=" + parkingRefused
        + ", asyncTimeouts=" + asyncTimeouts + ", replies{accepted=" + repliesAccepted + ", forged=" + repliesForged
        + ", late=" + repliesLate + ", unknown=" + repliesUnknown + "}, transitUnproven=" + transitUnproven
        + ", reloads=" + catalogueReloads + ", reloadsRejected=" + catalogueReloadsRejected
        + ", bodyBytesHeld=" + bodyBytesHeld + '}';
  }
}
