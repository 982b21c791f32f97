package io.chainmesh.http;

import io.chainmesh.core.Segment;
import java.util.List;
import java.util.Map;

/**
 * The forwarding helper a {@link ChainFunction} may declare to take control of what happens after
 * it: add context for downstream hops, insert a sub-chain, and forward explicitly.
 *
 * <p>A function that does not declare a {@code Forwarder} is forwarded implicitly: its return value
 * becomes the body sent to the next hop. A function that does must follow OkHttp's "proceed exactly
 * once" discipline: call {@link #forward(Object)} at most once, and if it does, return the
 * {@link ChainReply} it got (or nothing). Calling it twice, or returning a different body after
 * forwarding, fails the request with {@code handler.failed} and a message saying which rule broke.
 *
 * <p>At the last segment, forwarding makes the body the chain's answer, so a function never needs
 * to know where in a chain it stands. Not thread-safe: use it on the function's own thread.
 */
public interface Forwarder {
  /**
   * Adds or replaces a context entry that downstream hops can read.
   *
   * @return this forwarder
   * @throws io.chainmesh.core.ChainException {@code metadata.read_only} for a key the edge set,
   *     {@code metadata.invalid_key} for a bad key
   * @throws IllegalStateException after {@link #forward(Object)}
   */
  Forwarder context(String key, String value);

  /**
   * Inserts segments to visit right after the current one (a sub-chain), then the rest of the chain.
   *
   * @return this forwarder
   * @throws io.chainmesh.core.ChainException {@code limits.inserted_segments},
   *     {@code limits.segments} or {@code hop_limit.exceeded} past the bounds
   * @throws IllegalStateException after {@link #forward(Object)}
   */
  Forwarder insertAfterCurrent(List<Segment> segments);

  /**
   * Sends {@code body} to the next segment (or, at the last segment, makes it the chain's answer)
   * and returns what comes back: in synchronous mode the downstream answer, to return unchanged; in
   * asynchronous mode a {@code 202 Accepted}.
   *
   * @throws IllegalStateException when called a second time
   */
  ChainReply forward(Object body);

  /** Adds every entry of {@code context} as {@link #context(String, String)}, then forwards {@code body}. */
  default ChainReply forward(Object body, Map<String, String> context) {
    context.forEach(this::context);
    return forward(body);
  }
}
