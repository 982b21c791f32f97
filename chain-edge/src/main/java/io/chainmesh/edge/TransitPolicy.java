package io.chainmesh.edge;

/**
 * What the edge does with an answer whose route does not prove the chain's transit (see
 * {@link ProofOfTransit}): a skipped or reordered segment, a route that does not verify, or a
 * non-problem answer without a route.
 */
public enum TransitPolicy {
  /**
   * The client gets a {@code 502} problem ({@code transit.unproven}) saying what the route fails
   * to prove instead of the answer. The default.
   */
  REFUSE,
  /**
   * The client gets the answer with the response header {@code Chain-Transit: unproven} (and
   * {@code Chain-Transit: verified} on proven answers); the edge logs a warning. For rolling out
   * proof of transit over hops not yet upgraded.
   */
  FLAG
}
