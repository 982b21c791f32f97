package io.chainmesh.http.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context ({@code traceparent}, version 00) for one hop: the trace id carried over from
 * the caller, the caller's span as parent, and a fresh span id for this hop's work. An absent or
 * malformed {@code traceparent} starts a new trace, as the recommendation says; {@code tracestate}
 * is passed on only with a valid parent.
 */
public final class TraceContext {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String traceId;
  private final String parentSpanId;
  private final String spanId;
  private final String flags;
  private final String traceState;

  private TraceContext(String traceId, String parentSpanId, String spanId, String flags, String traceState) {
    this.traceId = traceId;
    this.parentSpanId = parentSpanId;
    this.spanId = spanId;
    this.flags = flags;
    this.traceState = traceState;
  }

  /** A child of the caller's context, or the root of a new trace if {@code traceparent} is unusable. */
  public static TraceContext childOf(String traceparent, String tracestate) {
    if (traceparent != null && isValid(traceparent)) {
      String state = tracestate != null && tracestate.length() <= 512 && isPrintable(tracestate) ? tracestate : null;
      // Continue as version 00, the only layout this hop writes.
      return new TraceContext(traceparent.substring(3, 35), traceparent.substring(36, 52), randomHex(8),
          traceparent.substring(53, 55), state);
    }
    return new TraceContext(randomHex(16), null, randomHex(8), "01", null);
  }

  /** The trace id, 32 hex digits. */
  public String traceId() {
    return traceId;
  }

  /** This hop's span id, 16 hex digits. */
  public String spanId() {
    return spanId;
  }

  /** The caller's span id, or null at the root. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /** The {@code traceparent} to send downstream: this hop's span as the parent. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** The {@code tracestate} to send downstream, or null. */
  public String tracestate() {
    return traceState;
  }

  /**
   * Whether {@code h} is a traceparent this hop can continue: version 00 exactly, or a later version
   * whose first 55 characters have the version-00 layout (W3C Trace Context §4.3, forward
   * compatibility); version ff is invalid.
   */
  static boolean isValid(String h) {
    if (h.length() < 55 || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
      return false;
    }
    if (!isLowerHex(h, 0, 2) || h.startsWith("ff")) {
      return false;
    }
    if (h.startsWith("00") ? h.length() != 55 : h.length() > 55 && h.charAt(55) != '-') {
      return false;
    }
    return isLowerHex(h, 3, 35) && isLowerHex(h, 36, 52) && isLowerHex(h, 53, 55)
        && !allZero(h, 3, 35) && !allZero(h, 36, 52);
  }

  private static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrintable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String randomHex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[bytes * 2];
    do {
      for (int i = 0; i < out.length; i++) {
        out[i] = HEX[random.nextInt(16)];
      }
    } while (allZero(new String(out), 0, out.length));
    return new String(out);
  }
}
