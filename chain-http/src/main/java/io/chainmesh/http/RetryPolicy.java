package io.chainmesh.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * When a hop retries a forward. Only when the request provably did not reach the next hop (the
 * connection could not be made), or when the next segment's service is declared idempotent here;
 * always with a bounded number of attempts, with exponential backoff, and never past the deadline.
 * Immutable.
 */
public final class RetryPolicy {
  /** Three attempts, 20 ms initial backoff, no idempotent services. */
  public static final RetryPolicy DEFAULT = builder().build();
  /** A single attempt. */
  public static final RetryPolicy NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Set<String> idempotentServices;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.idempotentServices = Set.copyOf(b.idempotentServices);
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Most attempts per forward, the first included. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Wait before the second attempt; doubled for each further one. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Services whose segments may be retried after the request may have reached them. */
  public Set<String> idempotentServices() {
    return idempotentServices;
  }

  @Override
  public String toString() {
    return "RetryPolicy{attempts=" + maxAttempts + ", backoff=" + initialBackoff.toMillis() + "ms, idempotent="
        + idempotentServices + '}';
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(20);
    private Set<String> idempotentServices = Set.of();

    private Builder() {}

    /** @throws IllegalArgumentException outside [1, 10] */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException("maxAttempts must be in [1, 10], was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** @throws IllegalArgumentException if negative or above 10 s */
    public Builder initialBackoff(Duration backoff) {
      if (backoff.isNegative() || backoff.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("initialBackoff must be in [0, 10s], was " + backoff);
      }
      this.initialBackoff = backoff;
      return this;
    }

    /** Services safe to call twice: their forwards are retried on any transport failure. */
    public Builder idempotentServices(Set<String> services) {
      this.idempotentServices = Objects.requireNonNull(services, "services");
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
