package io.chainmesh.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The replay guard admits each (chain id, segment index) once until its descriptor has expired
 * (plus clock skew), holds at most its capacity, and refuses rather than forgets when full.
 */
class ReplayGuardTest {
  private static final Instant ISSUED = Instant.parse("2026-01-31T12:00:00Z");
  private static final Duration SKEW = Duration.ofSeconds(5);

  /** A clock tests move by hand. */
  private static final class ManualClock extends Clock {
    private volatile Instant now = ISSUED;

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();

  private static ChainDescriptor at(ChainId id, int pointer, Duration lifetime) {
    return ChainDescriptor.builder().chainId(id).segment(Segment.of("a")).segment(Segment.of("b"))
        .segment(Segment.of("c")).pointer(pointer).issuedAt(ISSUED).expiresAt(ISSUED.plus(lifetime)).build();
  }

  private static ChainDescriptor fresh(int pointer) {
    return at(ChainId.random(), pointer, Duration.ofSeconds(60));
  }

  private static ChainException refused(Reason reason, ReplayGuard guard, ChainDescriptor d) {
    ChainException e = assertThrows(ChainException.class, () -> guard.admit(d));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void admitsAPairOnceAndRefusesItAgainAsAlreadyServed() {
    ReplayGuard guard = new ReplayGuard(100, clock, SKEW);
    ChainDescriptor d = fresh(1);

    guard.admit(d);

    ChainException e = refused(Reason.SEGMENT_ALREADY_SERVED, guard, d);
    assertEquals(409, e.reason().httpStatus());
    assertEquals(1, guard.size());
  }

  @Test
  void sameChainAtAnotherSegmentAndAnotherChainAtTheSameSegmentAreNotReplays() {
    ReplayGuard guard = new ReplayGuard(100, clock, SKEW);
    ChainId id = ChainId.random();

    guard.admit(at(id, 0, Duration.ofSeconds(60)));
    guard.admit(at(id, 1, Duration.ofSeconds(60)));
    guard.admit(fresh(0));

    assertEquals(3, guard.size());
  }

  @Test
  void keepsAPairUntilItsDescriptorExpiresPlusTheClockSkew() {
    ReplayGuard guard = new ReplayGuard(16, clock, SKEW);
    ChainDescriptor d = fresh(0);
    guard.admit(d);
    for (int i = 1; i < 16; i++) {
      guard.admit(at(ChainId.random(), 0, Duration.ofSeconds(600)));
    }

    // Full; d's descriptor is still accepted by hops (expiry + skew), so its pair is not dropped.
    clock.set(d.expiresAt().plus(SKEW));
    refused(Reason.HOP_UNAVAILABLE, guard, fresh(0));
    refused(Reason.SEGMENT_ALREADY_SERVED, guard, d);

    // One millisecond later no hop accepts d: its place is free for a new pair.
    clock.set(d.expiresAt().plus(SKEW).plusMillis(1));
    guard.admit(fresh(0));
    assertEquals(16, guard.size());
  }

  @Test
  void whenFullOfUnexpiredPairsItRefusesNewOnesAndStillKnowsTheOldOnes() {
    int capacity = 1000;
    ReplayGuard guard = new ReplayGuard(capacity, clock, SKEW);
    List<ChainDescriptor> admitted = new ArrayList<>();
    int full = 0;
    for (int i = 0; i < 2 * capacity; i++) {
      ChainDescriptor d = fresh(0);
      try {
        guard.admit(d);
        admitted.add(d);
      } catch (ChainException e) {
        assertEquals(Reason.HOP_UNAVAILABLE, e.reason(), e.getMessage());
        assertEquals(503, e.reason().httpStatus());
        full++;
      }
    }

    assertTrue(guard.size() <= capacity, "at most the capacity: " + guard.size());
    assertEquals(guard.size(), admitted.size());
    assertEquals(2 * capacity - admitted.size(), full);
    // Stripes fill evenly with random chain ids: almost all of the capacity is usable.
    assertTrue(admitted.size() >= capacity * 9 / 10, "admitted " + admitted.size() + " of " + capacity);
    for (ChainDescriptor d : admitted) {
      refused(Reason.SEGMENT_ALREADY_SERVED, guard, d);
    }
  }

  @Test
  void concurrentCopiesOfOneRequestAreAdmittedExactlyOnce() throws Exception {
    ReplayGuard guard = new ReplayGuard(10_000, clock, SKEW);
    int threads = 8;
    List<ChainDescriptor> requests = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      requests.add(fresh(i % 3));
    }
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (ChainDescriptor d : requests) {
            try {
              guard.admit(d);
              admitted.incrementAndGet();
            } catch (ChainException e) {
              assertEquals(Reason.SEGMENT_ALREADY_SERVED, e.reason());
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(requests.size(), admitted.get(), "each request admitted by exactly one of the threads");
    assertEquals(requests.size(), guard.size());
  }

  @Test
  void capacityOutsideItsRangeIsRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayGuard(0, clock, SKEW));
    assertThrows(IllegalArgumentException.class, () -> new ReplayGuard(ReplayGuard.MAX_CAPACITY + 1, clock, SKEW));
  }
}
