package io.chainmesh.core;

/**
 * Where a hop gets its keys, asked once per descriptor so that a rotated {@link KeyRing} takes effect
 * without a restart. A {@link KeyRing} is itself a fixed key source; plug in your own to read keys
 * from a secret store and swap rings as keys rotate.
 *
 * <p>Implementations must be thread-safe and fast: they are called on every request. Return a
 * cached ring; never do I/O here.
 *
 * <p>A source yields {@link KeyRing}s only, and every ring is checked when it is built (secrets of
 * at least 32 bytes, none that chainmesh publishes): build the next ring when a key arrives from the
 * secret store, so that a bad key is refused there, where it can be reported, and the ring in force
 * stays in force.
 */
@FunctionalInterface
public interface KeySource {
  /** The key ring in force now. */
  KeyRing keyRing();
}
