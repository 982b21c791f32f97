package io.chainmesh.http.faults;

import io.chainmesh.http.ChainFunction;
import java.util.concurrent.atomic.AtomicInteger;

/** A function that throws what it was given: a message the caller must never see. */
public final class Throwing {
  private final RuntimeException failure;
  private final AtomicInteger calls = new AtomicInteger();

  /** A function throwing {@code failure}. */
  public Throwing(RuntimeException failure) {
    this.failure = failure;
  }

  /** Throws. */
  @ChainFunction("explode")
  public String explode(String body) {
    calls.incrementAndGet();
    throw failure;
  }

  /** How many requests reached this function. */
  public int calls() {
    return calls.get();
  }
}
