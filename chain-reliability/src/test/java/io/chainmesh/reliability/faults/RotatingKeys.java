package io.chainmesh.reliability.faults;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.KeySource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** One node's keys, swapped while it serves, as a secret store would rotate them. */
final class RotatingKeys implements KeySource {
  private final AtomicReference<KeyRing> ring;

  RotatingKeys(KeyRing initial) {
    this.ring = new AtomicReference<>(initial);
  }

  @Override
  public KeyRing keyRing() {
    return ring.get();
  }

  void rotate(UnaryOperator<KeyRing> step) {
    ring.updateAndGet(step);
  }
}
