package io.chainmesh.core;

/** How the chain's answer travels back to the edge. */
public enum ReturnMode {
  /**
   * Nested calls: each hop waits for the next one's answer and relays it, so the final answer
   * unwinds back through every hop to the caller.
   */
  SYNC,
  /**
   * Each hop answers {@code 202 Accepted} once it has handed the request on; the last hop delivers
   * the result to the descriptor's {@link ChainDescriptor#replyTo() reply-to} segment.
   */
  ASYNC
}
