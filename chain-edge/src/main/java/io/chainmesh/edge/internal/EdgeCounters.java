package io.chainmesh.edge.internal;

import java.util.concurrent.atomic.AtomicLong;

/** The edge's live counters; {@code ChainEdge.stats()} takes snapshots. */
public final class EdgeCounters {
  /** Chains started. */
  public final AtomicLong chainsStarted = new AtomicLong();
  /** Async requests refused at the parking bound. */
  public final AtomicLong parkingRefused = new AtomicLong();
  /** Parked requests timed out. */
  public final AtomicLong asyncTimeouts = new AtomicLong();
  /** Replies accepted. */
  public final AtomicLong repliesAccepted = new AtomicLong();
  /** Replies without a verifiable route. */
  public final AtomicLong repliesForged = new AtomicLong();
  /** Verified replies for requests already answered. */
  public final AtomicLong repliesLate = new AtomicLong();
  /** Verified replies for no known request. */
  public final AtomicLong repliesUnknown = new AtomicLong();
  /** Answers without proof of transit. */
  public final AtomicLong transitUnproven = new AtomicLong();
  /** Reloads that took effect. */
  public final AtomicLong catalogueReloads = new AtomicLong();
  /** Reloads rejected. */
  public final AtomicLong catalogueReloadsRejected = new AtomicLong();
}
