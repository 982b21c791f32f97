package io.chainmesh.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the answers one contestant gave for one chain length and body size, each checked: status
 * 200, the body byte for byte, and the route the contestant reports. Thread-safe.
 */
final class AnswerTally {
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong correct = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile String firstFailure;

  /**
   * Checks one answer ({@code answer} null when {@code error} is set) and counts it.
   *
   * @return whether it was correct
   */
  boolean check(Contestant contestant, int length, byte[] body, Contestant.Answer answer, Exception error) {
    sent.incrementAndGet();
    String problem;
    if (error != null) {
      problem = "failed: " + error;
    } else if (answer.status() != 200) {
      problem = "status " + answer.status() + " (route " + answer.route() + ")";
    } else if (!Arrays.equals(answer.body(), body)) {
      problem = "body of " + answer.body().length + " bytes differs from the " + body.length + " sent";
    } else if (!answer.route().equals(contestant.expectedRoute(length))) {
      problem = "route " + answer.route() + ", expected " + contestant.expectedRoute(length);
    } else {
      correct.incrementAndGet();
      return true;
    }
    failed.incrementAndGet();
    if (firstFailure == null) {
      firstFailure = contestant.name() + " N=" + length + " body=" + body.length + ": " + problem;
    }
    return false;
  }

  /** Answers received or failed. */
  long sent() {
    return sent.get();
  }

  /** Answers that were checked and correct. */
  long correct() {
    return correct.get();
  }

  /** Answers that failed or were wrong. */
  long failed() {
    return failed.get();
  }

  /** The first failure, or null. */
  String firstFailure() {
    return firstFailure;
  }
}
