package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of bodies held in memory — request bodies the edge reads, answers it buffers, bodies
 * hops buffer for binding or for an asynchronous chain — counted against one budget, and the one
 * rule by which a whole body is read into memory:
 * <ol>
 *   <li>a declared length over the limit (or over the whole budget) is refused with
 *       {@code limits.body} before a byte is read;</li>
 *   <li>a declared length is reserved as its bytes arrive — up to {@value #SMALL_BODY} bytes at once,
 *       then doubling — so that a client declaring a large body and sending nothing holds little, and
 *       read exactly (a body that ends early is {@code body.malformed});</li>
 *   <li>a body of unknown length (chunked) reserves as it arrives, and is refused with
 *       {@code limits.body} one byte past the limit (or when it alone would need the whole budget);</li>
 *   <li>when the budget cannot cover a reservation the body is refused with {@code hop.unavailable}
 *       (503): the server is full for now, not the request wrong;</li>
 *   <li>a body over {@value #SMALL_BODY} bytes may use only three quarters of the budget: the rest is
 *       kept for small bodies, so clients that stall large uploads cannot turn every ordinary request
 *       away.</li>
 * </ol>
 * A {@link Held} body gives its bytes back to the budget when closed; every path must close it.
 *
 * <p>Unless a component is given its own, every edge and hop of the process shares
 * {@link #processWide()}: they share one heap, so one budget protects it. Thread-safe; a
 * reservation is one compare-and-set.
 */
public final class BodyMemory {
  /** The process-wide budget is this fraction of the heap ({@code -Xmx}): 1/4. */
  static final int HEAP_DIVISOR = 4;
  /** First allocation for a body of unknown length; each next one doubles, up to {@link #MAX_CHUNK}. */
  static final int FIRST_CHUNK = 8 * 1024;
  static final int MAX_CHUNK = 1 << 20;
  /** Bodies up to this size may use the whole budget; larger ones leave a quarter of it to them. */
  static final int SMALL_BODY = 64 * 1024;

  private static final BodyMemory PROCESS_WIDE = new BodyMemory(Runtime.getRuntime().maxMemory() / HEAP_DIVISOR);

  private final long capacity;
  /** What bodies over {@link #SMALL_BODY} may hold between them: three quarters of the budget. */
  private final long largeCapacity;
  private final AtomicLong held = new AtomicLong();

  private BodyMemory(long capacity) {
    this.capacity = capacity;
    this.largeCapacity = capacity - capacity / 4;
  }

  /** The budget every edge and hop of this process shares unless given its own: a quarter of the heap. */
  public static BodyMemory processWide() {
    return PROCESS_WIDE;
  }

  /** A budget of its own, of {@code capacity} bytes. */
  public static BodyMemory ofCapacity(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("a body memory budget must not be negative, was " + capacity);
    }
    return new BodyMemory(capacity);
  }

  /** The budget, in bytes. */
  public long capacity() {
    return capacity;
  }

  /** Bytes held now. */
  public long held() {
    return held.get();
  }

  /**
   * Reads all of {@code body} into memory, held against this budget until the result is closed.
   *
   * @param declared the length the framing declares, or -1 when unknown
   * @param max the most bytes accepted
   * @throws ChainException {@code limits.body} over {@code max} (before reading when declared);
   *     {@code hop.unavailable} when the budget is exhausted; {@code body.malformed} when the body
   *     ends before its declared length
   * @throws IOException when the body cannot be read (broken framing, the sender went away); the
   *     caller says what that means where it reads
   */
  public Held read(InputStream body, long declared, long max) throws IOException {
    if (declared > max) {
      throw ChainException.of(Reason.LIMITS_BODY, "the body is " + declared + " bytes; at most " + max
          + " are accepted");
    }
    if (declared > limitFor(declared)) {
      throw ChainException.of(Reason.LIMITS_BODY, "the body is " + declared + " bytes, more than this server"
          + " ever holds in memory");
    }
    if (declared < 0) {
      return readUnknown(body, max);
    }
    return readDeclared(body, (int) declared);
  }

  /**
   * Reads a declared body into an array that grows as the bytes arrive — at once to its size up to
   * {@value #SMALL_BODY} bytes, then doubling — each growth reserved before it is allocated: a client
   * that declares a large body and sends little holds little. While an array is copied into the next
   * both are counted.
   */
  private Held readDeclared(InputStream body, int declared) throws IOException {
    byte[] bytes = new byte[0];
    long reserved = 0;
    int read = 0;
    boolean kept = false;
    try {
      while (read < declared) {
        int size = (int) Math.min(declared, Math.max(SMALL_BODY, 2L * bytes.length));
        reserved += grow(reserved, size);
        bytes = Arrays.copyOf(bytes, size);
        release(reserved - size);
        reserved = size;
        int n = body.readNBytes(bytes, read, size - read);
        read += n;
        if (read < size) {
          break;
        }
      }
      if (read != declared) { // the sender stopped early: never use part of a body
        throw ChainException.of(Reason.BODY_MALFORMED,
            "the body ended after " + read + " of the " + declared + " bytes its Content-Length declares");
      }
      kept = true;
      return new Held(this, bytes, declared);
    } finally {
      if (!kept) {
        release(reserved);
      }
    }
  }

  /** Reads in chunks, each reserved before it is allocated, then copies them into one array (reserved too). */
  private Held readUnknown(InputStream body, long max) throws IOException {
    long limit = Math.min(max + 1, Integer.MAX_VALUE - 16L);
    List<byte[]> chunks = new ArrayList<>();
    long reserved = 0;
    long total = 0;
    boolean kept = false;
    try {
      int next = FIRST_CHUNK;
      boolean ended = false;
      while (!ended && total < limit) {
        int size = (int) Math.min(next, limit - total);
        reserved += grow(reserved, size);
        byte[] chunk = new byte[size];
        int read = readFully(body, chunk);
        chunks.add(chunk);
        total += read;
        ended = read < size;
        next = Math.min(next * 2, MAX_CHUNK);
      }
      if (total > max) {
        throw ChainException.of(Reason.LIMITS_BODY, "the body is over " + max + " bytes, the most accepted");
      }
      reserved += grow(reserved, total);
      byte[] bytes = new byte[(int) total];
      int at = 0;
      for (byte[] chunk : chunks) {
        int n = (int) Math.min(chunk.length, total - at);
        System.arraycopy(chunk, 0, bytes, at, n);
        at += n;
      }
      kept = true;
      release(reserved - total);
      return new Held(this, bytes, total);
    } finally {
      if (!kept) {
        release(reserved);
      }
    }
  }

  /** Reserves {@code more} for a body that has {@code reserved} already; one that could never fit is too large. */
  private long grow(long reserved, long more) {
    if (reserved + more > limitFor(reserved + more)) {
      throw ChainException.of(Reason.LIMITS_BODY, "the body is more than this server ever holds in memory");
    }
    reserve(more, reserved + more);
    return more;
  }

  /** The most that bodies of {@code bodySize}'s class may hold between them. */
  private long limitFor(long bodySize) {
    return bodySize <= SMALL_BODY ? capacity : largeCapacity;
  }

  /**
   * As many bytes as {@code into} holds, fewer only at the end of the body. The JDK server's chunked
   * decoder throws {@code IndexOutOfBoundsException} for a chunk size that overflows an int (eight
   * or more hex digits): broken framing like any other, so it is an {@code IOException} here.
   */
  private static int readFully(InputStream body, byte[] into) throws IOException {
    try {
      return body.readNBytes(into, 0, into.length);
    } catch (IndexOutOfBoundsException e) {
      throw new IOException("the body's chunked framing is broken", e);
    }
  }

  /**
   * Counts {@code bytes} of a body that will then hold {@code bodySize} against this budget, all or
   * nothing.
   *
   * @throws ChainException {@code hop.unavailable} when the budget (for a large body: its three
   *     quarters) is exhausted
   */
  void reserve(long bytes, long bodySize) {
    long limit = limitFor(bodySize);
    long now;
    do {
      now = held.get();
      if (now + bytes > limit) {
        throw ChainException.of(Reason.HOP_UNAVAILABLE,
            "this server holds as many bodies in memory as it may; try again shortly");
      }
    } while (!held.compareAndSet(now, now + bytes));
  }

  /** Gives back what {@link #reserve} counted. */
  void release(long bytes) {
    if (bytes != 0) {
      held.addAndGet(-bytes);
    }
  }

  /** A body in memory; {@link #close()} gives its bytes back to the budget (once). */
  public static final class Held implements AutoCloseable {
    private static final Held EMPTY = new Held(null, new byte[0], 0);

    private final BodyMemory budget;
    private final byte[] bytes;
    private final AtomicLong counted;

    private Held(BodyMemory budget, byte[] bytes, long counted) {
      this.budget = budget;
      this.bytes = bytes;
      this.counted = new AtomicLong(counted);
    }

    /** Bytes not counted against any budget: small bodies the server made itself (problem documents). */
    public static Held uncounted(byte[] bytes) {
      return bytes.length == 0 ? EMPTY : new Held(null, bytes, 0);
    }

    /** The body. */
    public byte[] bytes() {
      return bytes;
    }

    @Override
    public void close() {
      long n = counted.getAndSet(0);
      if (budget != null) {
        budget.release(n);
      }
    }
  }
}
