package io.chainmesh.http.internal;

/**
 * The body limits every chainmesh node has, hop or edge: their builders' setters delegate here, so
 * a limit is checked once. Not thread-safe: a builder's state.
 */
public final class BodyOptions {
  /** Largest body held in memory unless set: 16 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;

  private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  private BodyMemory memory = BodyMemory.processWide();

  /**
   * Largest body held in memory.
   *
   * @throws IllegalArgumentException outside [0, 2 GiB)
   */
  public void maxBodyBytes(long maxBodyBytes) {
    if (maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBodyBytes must be in [0, 2 GiB), was " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** A budget of its own of {@code bytes}, instead of the process-wide one. */
  public void maxBodyMemory(long bytes) {
    this.memory = BodyMemory.ofCapacity(bytes);
  }

  /** Largest body held in memory. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The budget bodies are held in. */
  public BodyMemory memory() {
    return memory;
  }
}
