package io.chainmesh.cli;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The traceroute view of a record route: one line per segment in visiting order with the hop that
 * served it, when it started relative to the first hop, its own time, and what it did; segments no
 * hop served are shown with {@code *}, as traceroute shows a hop that did not answer.
 */
final class Traceroute {
  private Traceroute() {}

  /**
   * Prints the route of {@code d}.
   *
   * @param provenance how the route is known, e.g. {@code verified Chain-Route}
   */
  static void print(ChainDescriptor d, String provenance, PrintStream out) {
    List<RouteRecord> route = d.route();
    out.println("route of chain " + d.chainId().toHex() + d.chainName().map(n -> " (" + n + ")").orElse("")
        + ": " + route.size() + " of " + d.segments().size() + " segments served, hop limit left " + d.hopLimit()
        + " [" + provenance + "]");
    Map<Integer, RouteRecord> byIndex = new HashMap<>();
    route.forEach(r -> byIndex.put(r.segmentIndex(), r));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", "segment", "node", "start", "own time", "outcome"});
    int lastServed = route.isEmpty() ? -1 : route.get(route.size() - 1).segmentIndex();
    for (int i = 0; i < d.segments().size(); i++) {
      Segment segment = d.segments().get(i);
      RouteRecord r = byIndex.get(i);
      if (r == null) {
        String what = i < lastServed ? "no record" : i == d.pointer() ? "current: not served yet" : "not visited";
        rows.add(new String[] {Integer.toString(i), segment.toString(), "*", "", "", what});
        continue;
      }
      Duration offset = Duration.between(route.get(0).start(), r.start());
      rows.add(new String[] {Integer.toString(i), segment.toString(), r.node(),
          (offset.isNegative() ? "-" : "+") + DurationText.format(offset.abs()), DurationText.format(r.duration()),
          r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')});
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int c = 0; c < row.length; c++) {
        boolean rightAligned = c == 0 || c == 3 || c == 4;
        String cell = row[c];
        String pad = " ".repeat(widths[c] - cell.length());
        line.append(' ').append(rightAligned ? pad + cell : cell + (c == row.length - 1 ? "" : pad)).append(' ');
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
