package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainId;
import io.chainmesh.http.internal.TraceContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client requests of asynchronous chains waiting for their reply, by chain id: bounded in number,
 * each with a timeout. Whoever removes an entry first — the reply, the timeout, the first hop's own
 * answer, or shutdown — answers its client; everyone else finds it gone. So a client is answered
 * exactly once, and only with what carries its chain id. Thread-safe.
 */
public final class ParkedChains {
  /** How many timed-out chain ids are remembered to tell a late reply from an unknown one. */
  static final int REMEMBERED_EXPIRED = 4096;

  /** One waiting client. */
  public static final class Parked {
    private final ChainDescriptor issued;
    private final EdgeExchange client;
    private final TraceContext trace;
    private final long startNanos;
    private volatile ScheduledFuture<?> timeout;

    /** A waiting client of the chain {@code issued}. */
    public Parked(ChainDescriptor issued, EdgeExchange client, TraceContext trace, long startNanos) {
      this.issued = issued;
      this.client = client;
      this.trace = trace;
      this.startNanos = startNanos;
    }

    /** The descriptor the edge sent into the chain. */
    public ChainDescriptor issued() {
      return issued;
    }

    /** The client's request. */
    public EdgeExchange client() {
      return client;
    }

    /** The edge's trace context for the chain. */
    public TraceContext trace() {
      return trace;
    }

    /** {@link System#nanoTime()} when the edge received the request. */
    public long startNanos() {
      return startNanos;
    }
  }

  private final ConcurrentHashMap<ChainId, Parked> parked = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final ScheduledExecutorService timer;
  private final Executor responder;
  private final Map<ChainId, Boolean> expired = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ChainId, Boolean> eldest) {
      return size() > REMEMBERED_EXPIRED;
    }
  };
  private volatile boolean closed;

  /**
   * A table of at most {@code max} waiting clients; timeouts fire on {@code timer} and are answered on
   * {@code responder}.
   */
  public ParkedChains(int max, ScheduledExecutorService timer, Executor responder) {
    this.slots = new Semaphore(max);
    this.timer = timer;
    this.responder = responder;
  }

  /**
   * Parks {@code p} until claimed or {@code timeout} passes, when {@code onTimeout} answers it.
   *
   * @return false, parking nothing, when the bound is reached or the table is closed
   */
  public boolean park(Parked p, Duration timeout, Consumer<Parked> onTimeout) {
    if (closed || !slots.tryAcquire()) {
      return false;
    }
    ChainId id = p.issued().chainId();
    parked.put(id, p);
    p.timeout = timer.schedule(() -> {
      if (parked.remove(id, p)) {
        slots.release();
        synchronized (expired) {
          expired.put(id, Boolean.TRUE);
        }
        responder.execute(() -> onTimeout.accept(p));
      }
    }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    return true;
  }

  /** The waiting client of chain {@code id}, left parked; null if none. */
  public Parked peek(ChainId id) {
    return parked.get(id);
  }

  /**
   * Takes {@code p} out of the table so that the caller answers it.
   *
   * @return false if someone else took it first (reply, timeout or shutdown)
   */
  public boolean claim(Parked p) {
    if (!parked.remove(p.issued().chainId(), p)) {
      return false;
    }
    slots.release();
    ScheduledFuture<?> t = p.timeout;
    if (t != null) {
      t.cancel(false);
    }
    return true;
  }

  /** Whether chain {@code id} timed out recently (so a reply for it is late rather than unknown). */
  public boolean expiredRecently(ChainId id) {
    synchronized (expired) {
      return expired.containsKey(id);
    }
  }

  /** How many clients are waiting. */
  public int size() {
    return parked.size();
  }

  /** Refuses further parking and takes every waiting client out, for the caller to answer. */
  public List<Parked> close() {
    closed = true;
    List<Parked> taken = new ArrayList<>();
    for (Parked p : List.copyOf(parked.values())) {
      if (claim(p)) {
        taken.add(p);
      }
    }
    return taken;
  }
}
