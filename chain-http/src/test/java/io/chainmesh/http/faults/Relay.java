package io.chainmesh.http.faults;

import io.chainmesh.http.ChainFunction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plainest chain function: appends {@code ">" + mark} to the text body and forwards it, so a
 * chain's answer spells the path it took ({@code "x>a>b>c"}). Counts its calls, so a test can say
 * whether it ran.
 */
public final class Relay {
  private final String mark;
  private final AtomicInteger calls = new AtomicInteger();

  /** A relay writing {@code mark} into the body. */
  public Relay(String mark) {
    this.mark = mark;
  }

  /** Appends the mark. */
  @ChainFunction("relay")
  public String relay(String body) {
    calls.incrementAndGet();
    return body + ">" + mark;
  }

  /** How many requests this function served. */
  public int calls() {
    return calls.get();
  }
}
