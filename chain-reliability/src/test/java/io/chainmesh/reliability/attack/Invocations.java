package io.chainmesh.reliability.attack;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often each test function ran: the evidence that a refused request ran no handler. */
final class Invocations {
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  void record(String function) {
    counts.computeIfAbsent(function, f -> new AtomicInteger()).incrementAndGet();
  }

  int of(String function) {
    AtomicInteger count = counts.get(function);
    return count == null ? 0 : count.get();
  }

  int total() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  void reset() {
    counts.clear();
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
