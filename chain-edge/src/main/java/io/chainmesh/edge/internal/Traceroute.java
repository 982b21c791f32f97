package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.RouteRecord;
import java.time.Duration;
import java.util.Locale;

/**
 * The edge's log view of a chain, like traceroute: one line for the chain (id, name, status, time,
 * verdict), then one per hop with the segment, the node that served it, when it started relative to
 * the edge issuing the chain, how long it worked, and what it did.
 * <pre>
 * chain 5c0f...e1 checkout: 200 in 14.20 ms, transit verified (trace 4bf9...)
 *   #0  validate                 on validate-1f2e3       start +0 ms   work     0.52 ms  forwarded
 *   #1  price{currency=EUR}      on price-0a1b2          start +1 ms   work     0.31 ms  answered
 * </pre>
 */
public final class Traceroute {
  private Traceroute() {}

  /** The log text; {@code route} may be null when the answer carried no verified route. */
  public static String format(ChainDescriptor issued, ChainDescriptor route, int status, long elapsedNanos,
      String traceId, String verdict) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("chain ").append(issued.chainId()).append(' ').append(issued.chainName().orElse("(unnamed)"))
        .append(": ").append(status).append(" in ").append(millis(elapsedNanos)).append(" ms, ").append(verdict)
        .append(" (trace ").append(traceId).append(')');
    if (route == null) {
      return sb.toString();
    }
    for (RouteRecord r : route.route()) {
      String segment = r.segmentIndex() < route.segments().size()
          ? route.segments().get(r.segmentIndex()).toString() : "?";
      long offset = Duration.between(issued.issuedAt(), r.start()).toMillis();
      sb.append(String.format(Locale.ROOT, "%n  #%-2d %-24s on %-20s start +%-6s work %8s ms  %s", r.segmentIndex(),
          segment, r.node(), offset + " ms", millis(r.duration().toNanos()),
          r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
    }
    return sb.toString();
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }
}
