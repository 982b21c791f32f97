package io.chainmesh.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * When a hop sends a forward or a reply-to delivery again. Only when the request provably did not
 * reach its target (the connection could not be made), or when the target's service is declared
 * idempotent here; a delivery to reply-to also after a {@code 503} (a chainmesh server answers it
 * before reading anything of the request; its {@code Retry-After} is honoured up to 10 s), and after
 * any other {@code 5xx} when reply-to's service is idempotent. A forward's {@code 5xx} is the
 * chain's answer and is never retried. Always with a bounded number of attempts, with exponential
 * backoff and jitter (each pause between half and all of its backoff), and only if the longest
 * pause still ends before the chain's deadline. A streamed body is never sent twice. Immutable.
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

  /** Longest wait before the second attempt; doubled for each further one, each wait jittered down to half. */
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

    /**
     * Services safe to call twice: their forwards are retried on any transport failure, their
     * reply-to deliveries also on any {@code 5xx}.
     */
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
