package io.chainmesh.reliability.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** What one kind of client got during the soak: how many requests, how many as expected, and what else came back. */
final class Tally {
  private final String role;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong expected = new AtomicLong();
  private final Map<String, Long> outcomes = new TreeMap<>();
  private final List<String> samples = Collections.synchronizedList(new ArrayList<>());

  Tally(String role) {
    this.role = role;
  }

  String role() {
    return role;
  }

  /** Counts one request whose outcome is {@code outcome} (a status and reason code, or what went wrong). */
  void count(String outcome, boolean asExpected, String detail) {
    sent.incrementAndGet();
    if (asExpected) {
      expected.incrementAndGet();
    } else if (samples.size() < 5) {
      samples.add(outcome + ": " + detail);
    }
    synchronized (outcomes) {
      outcomes.merge(outcome, 1L, Long::sum);
    }
  }

  long sent() {
    return sent.get();
  }

  long asExpected() {
    return expected.get();
  }

  double share() {
    return sent.get() == 0 ? 0 : (double) expected.get() / sent.get();
  }

  @Override
  public String toString() {
    synchronized (outcomes) {
      return String.format("%-22s %8d sent %8d as expected (%6.2f %%)  %s%s", role, sent.get(), expected.get(),
          100 * share(), outcomes, samples.isEmpty() ? "" : "  e.g. " + samples);
    }
  }
}
