package io.chainmesh.http.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;

/**
 * The (chain id, segment index) pairs a hop has taken on, each kept until its descriptor can no
 * longer be accepted anywhere (expiry plus clock skew): a second request for a pair still held is
 * refused with {@code segment.already_served} (409). The descriptor's own expiry bounds what must
 * be kept; {@code capacity} bounds it hard. When full of pairs that have not expired, a new
 * request is refused with {@code hop.unavailable} (503): the guard never serves what it could not
 * remember, and never forgets a pair before its descriptor has expired.
 *
 * <p>Thread-safe without a global lock: the pairs are spread over up to 64 stripes by hash, each
 * an open-addressing table of primitive arrays under its own lock, held for one probe sequence.
 * A stripe is allocated when first used, at its full size (about 42 bytes a pair); expired pairs
 * are dropped when a full stripe needs room, at most once per expiry instant passed.
 * Chain ids are chosen at random by the edge, so stripes fill evenly.
 */
public final class ReplayGuard {
  /** Most pairs a guard may be configured to hold. */
  public static final int MAX_CAPACITY = 1 << 24;
  private static final int MAX_STRIPES = 64;
  /** A stripe holds at least this many pairs, so small guards are not cut into uselessly small stripes. */
  private static final int MIN_STRIPE_CAPACITY = 16;
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final Stripe[] stripes;
  private final int capacity;
  private final Clock clock;
  private final long skewMillis;

  /**
   * A guard holding at most {@code capacity} pairs, expiring them on {@code clock} once their
   * descriptor's expiry plus {@code clockSkew} (the longest any hop accepts it) has passed.
   *
   * @throws IllegalArgumentException if {@code capacity} is not in [1, {@link #MAX_CAPACITY}]
   */
  public ReplayGuard(int capacity, Clock clock, Duration clockSkew) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("replay guard capacity must be in [1, " + MAX_CAPACITY + "], was " + capacity);
    }
    this.capacity = capacity;
    this.clock = clock;
    this.skewMillis = clockSkew.toMillis();
    int count = Integer.highestOneBit(Math.max(1, Math.min(MAX_STRIPES, capacity / MIN_STRIPE_CAPACITY)));
    stripes = new Stripe[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new Stripe(capacity / count + (i < capacity % count ? 1 : 0));
    }
  }

  /** Most pairs this guard holds. */
  public int capacity() {
    return capacity;
  }

  /** Pairs held now, expired ones not yet dropped included. */
  public int size() {
    int size = 0;
    for (Stripe s : stripes) {
      synchronized (s) {
        size += s.count;
      }
    }
    return size;
  }

  /**
   * Takes the current segment of {@code descriptor} on: remembers its pair, or refuses.
   *
   * @throws ChainException {@link Reason#SEGMENT_ALREADY_SERVED} when this hop already took the pair
   *     on; {@link Reason#HOP_UNAVAILABLE} when the guard is full of pairs that have not expired
   */
  public void admit(ChainDescriptor descriptor) {
    byte[] id = descriptor.chainId().toBytes();
    long high = (long) LONG_BE.get(id, 0);
    long low = (long) LONG_BE.get(id, 8);
    int segment = descriptor.pointer();
    long expires = descriptor.expiresAt().toEpochMilli();
    long keepUntil = expires > Long.MAX_VALUE - skewMillis ? Long.MAX_VALUE : expires + skewMillis;
    long hash = hash(high, low, segment);
    Stripe stripe = stripes[(int) (hash >>> 32) & (stripes.length - 1)];
    switch (stripe.admit(high, low, segment, keepUntil, (int) hash, clock.millis())) {
      case ADMITTED -> { }
      case SEEN -> throw ChainException.of(Reason.SEGMENT_ALREADY_SERVED, "this hop has already taken segment "
          + segment + " of this chain on; a descriptor is served once (replay guard)");
      case FULL -> throw ChainException.of(Reason.HOP_UNAVAILABLE, "this hop's replay guard is full ("
          + capacity + " chains taken on within their lifetime); it refuses what it could not remember");
    }
  }

  /** The pair's hash: its high 32 bits pick the stripe, its low 32 bits the slot. */
  private static long hash(long high, long low, int segment) {
    return mix(high * 0x9E3779B97F4A7C15L ^ low ^ (long) segment * 0xC2B2AE3D27D4EB4FL);
  }

  /** A 64-bit finaliser (murmur3's): every input bit affects the stripe and the slot. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb3f53fe1a87L;
    return h ^ h >>> 33;
  }

  private enum Verdict { ADMITTED, SEEN, FULL }

  /** One stripe: linear probing over parallel arrays, load at most 2/3, never deleted from in place. */
  private static final class Stripe {
    private final int capacity;
    private int count;
    /** Earliest keep-until of the pairs held: nothing can be dropped before it. */
    private long earliest = Long.MAX_VALUE;
    private long[] high;
    private long[] low;
    /** Segment index + 1; 0 marks a free slot. */
    private int[] segment;
    private long[] keepUntil;

    Stripe(int capacity) {
      this.capacity = capacity;
    }

    synchronized Verdict admit(long h, long l, int seg, long until, int hash, long now) {
      if (segment == null) {
        allocate();
      }
      int slot = find(h, l, seg, hash);
      if (segment[slot] != 0) {
        // Still held: its descriptor may still be accepted (a pair is dropped only once it cannot be).
        return Verdict.SEEN;
      }
      if (count == capacity) {
        if (now <= earliest) {
          return Verdict.FULL;
        }
        dropExpired(now);
        if (count == capacity) {
          return Verdict.FULL;
        }
        slot = find(h, l, seg, hash);
      }
      high[slot] = h;
      low[slot] = l;
      segment[slot] = seg + 1;
      keepUntil[slot] = until;
      count++;
      earliest = Math.min(earliest, until);
      return Verdict.ADMITTED;
    }

    private void allocate() {
      int slots = capacity + capacity / 2 + 1;
      high = new long[slots];
      low = new long[slots];
      segment = new int[slots];
      keepUntil = new long[slots];
    }

    /** The slot holding the pair, or the free slot where it belongs. */
    private int find(long h, long l, int seg, int hash) {
      int slots = segment.length;
      int i = (int) (((hash & 0xffffffffL) * slots) >>> 32);
      while (segment[i] != 0 && (segment[i] != seg + 1 || high[i] != h || low[i] != l)) {
        i = i + 1 == slots ? 0 : i + 1;
      }
      return i;
    }

    /** Rebuilds the table with the pairs kept past {@code now}. */
    private void dropExpired(long now) {
      long[] oldHigh = high;
      long[] oldLow = low;
      int[] oldSegment = segment;
      long[] oldUntil = keepUntil;
      allocate();
      count = 0;
      earliest = Long.MAX_VALUE;
      for (int i = 0; i < oldSegment.length; i++) {
        if (oldSegment[i] != 0 && oldUntil[i] >= now) {
          int seg = oldSegment[i] - 1;
          int slot = find(oldHigh[i], oldLow[i], seg, (int) hash(oldHigh[i], oldLow[i], seg));
          high[slot] = oldHigh[i];
          low[slot] = oldLow[i];
          segment[slot] = oldSegment[i];
          keepUntil[slot] = oldUntil[i];
          count++;
          earliest = Math.min(earliest, oldUntil[i]);
        }
      }
    }
  }
}
