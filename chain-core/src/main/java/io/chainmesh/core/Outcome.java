package io.chainmesh.core;

/** What a hop did with its segment, as recorded in its {@link RouteRecord}. */
public enum Outcome {
  /** Served the segment and forwarded the request to the next one. */
  FORWARDED,
  /** Was the last segment and produced the chain's answer. */
  ANSWERED,
  /** Ended the chain early with a reply of its own. */
  ENDED_EARLY,
  /** Failed; the chain's answer is a problem document naming this hop. */
  FAILED
}
