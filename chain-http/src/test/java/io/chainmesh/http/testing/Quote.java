package io.chainmesh.http.testing;

import java.util.Objects;

/** A JSON body as a plain class with a no-argument constructor and accessors, the other common shape. */
public final class Quote {
  private String orderId;
  private long totalCents;

  /** For JSON reading. */
  public Quote() {}

  /** A quote of {@code totalCents} for order {@code orderId}. */
  public Quote(String orderId, long totalCents) {
    this.orderId = orderId;
    this.totalCents = totalCents;
  }

  public String getOrderId() {
    return orderId;
  }

  public void setOrderId(String orderId) {
    this.orderId = orderId;
  }

  public long getTotalCents() {
    return totalCents;
  }

  public void setTotalCents(long totalCents) {
    this.totalCents = totalCents;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quote other && Objects.equals(orderId, other.orderId) && totalCents == other.totalCents;
  }

  @Override
  public int hashCode() {
    return Objects.hash(orderId, totalCents);
  }

  @Override
  public String toString() {
    return "Quote{" + orderId + ", " + totalCents + '}';
  }
}
