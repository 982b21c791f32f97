package io.chainmesh.reliability.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The account of one load run: for every request id, what became of it — answered correctly,
 * answered with a coded problem, answered wrongly (corrupted or with another request's parcel), or
 * not answered at all — and for every parcel id, how many answers carried it. Thread-safe; each
 * request is recorded once, by the thread that sent it.
 */
public final class Ledger {
  /** What became of one request. */
  public enum Outcome {
    /** Nothing recorded: the driver lost track of it (must never happen). */
    UNACCOUNTED,
    /** 200 with exactly the parcel the driver computed. */
    CORRECT,
    /** An RFC 9457 problem document with a reason code. */
    CODED_FAILURE,
    /** An answer with a wrong payload, a bad CRC, another request's parcel, or a hop's 422. */
    CORRUPTED,
    /** Any other answer: a status without a problem document. */
    UNCODED_FAILURE,
    /** No answer: the connection broke or the call timed out. */
    NO_ANSWER
  }

  private final int requests;
  private final AtomicIntegerArray outcomes;
  private final AtomicIntegerArray answersCarrying;
  private final long[] latencyNanos;
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final List<String> examples = Collections.synchronizedList(new ArrayList<>());

  /** A ledger for request ids {@code 0 .. requests - 1}. */
  public Ledger(int requests) {
    this.requests = requests;
    this.outcomes = new AtomicIntegerArray(requests);
    this.answersCarrying = new AtomicIntegerArray(requests);
    this.latencyNanos = new long[requests];
    Arrays.fill(latencyNanos, -1);
  }

  /** Number of requests this ledger accounts for. */
  public int requests() {
    return requests;
  }

  void record(int id, Outcome outcome, long nanos, String failure) {
    record(id, outcome, nanos, failure, failure);
  }

  /** Records what became of request {@code id}; {@code detail} describes a failure in the examples. */
  void record(int id, Outcome outcome, long nanos, String failure, String detail) {
    if (!outcomes.compareAndSet(id, Outcome.UNACCOUNTED.ordinal(), outcome.ordinal())) {
      throw new IllegalStateException("request " + id + " recorded twice");
    }
    latencyNanos[id] = nanos;
    if (failure != null) {
      failures.computeIfAbsent(failure, k -> new LongAdder()).increment();
      if (examples.size() < 20) {
        examples.add("request " + id + ": " + detail);
      }
    }
  }

  /** Notes that an answer carried the parcel of request {@code parcelId}. */
  void carried(long parcelId) {
    if (parcelId >= 0 && parcelId < requests) {
      answersCarrying.incrementAndGet((int) parcelId);
    }
  }

  /** What became of request {@code id}. */
  public Outcome outcome(int id) {
    return Outcome.values()[outcomes.get(id)];
  }

  /** How many requests had {@code outcome}. */
  public long count(Outcome outcome) {
    long n = 0;
    for (int i = 0; i < requests; i++) {
      if (outcomes.get(i) == outcome.ordinal()) {
        n++;
      }
    }
    return n;
  }

  /** Parcels that more than one answer carried. */
  public long answeredTwice() {
    long n = 0;
    for (int i = 0; i < requests; i++) {
      if (answersCarrying.get(i) > 1) {
        n++;
      }
    }
    return n;
  }

  /** Requests not answered correctly, for whatever reason. */
  public long errors() {
    return requests - count(Outcome.CORRECT);
  }

  /** Requests that got no answer or were never accounted: lost. */
  public long lost() {
    return count(Outcome.NO_ANSWER) + count(Outcome.UNACCOUNTED);
  }

  /** Failures by kind ({@code 502 next_hop.bad_response}, {@code no answer: ...}), sorted. */
  public Map<String, Long> failures() {
    Map<String, Long> sorted = new TreeMap<>();
    failures.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }

  /** Up to 20 failed requests, described. */
  public List<String> examples() {
    return List.copyOf(examples);
  }

  /** Latency percentile {@code p} (0..100) in milliseconds over every request that got an answer. */
  public double percentileMillis(double p) {
    long[] answered = Arrays.stream(latencyNanos).filter(n -> n >= 0).sorted().toArray();
    if (answered.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * answered.length) - 1;
    return answered[Math.max(0, Math.min(answered.length - 1, index))] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "requests=%d correct=%d coded=%d corrupted=%d uncoded=%d noAnswer=%d unaccounted=%d answeredTwice=%d"
            + " failures=%s", requests, count(Outcome.CORRECT), count(Outcome.CODED_FAILURE),
        count(Outcome.CORRUPTED), count(Outcome.UNCODED_FAILURE), count(Outcome.NO_ANSWER),
        count(Outcome.UNACCOUNTED), answeredTwice(), failures());
  }
}
