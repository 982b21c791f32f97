package io.chainmesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The load driver's charts: median p50 latency and median throughput against chain length, per body size. */
final class LoadCharts {
  private LoadCharts() {}

  /** Redraws the charts of a finished run from its {@code rounds.csv}: {@code LoadCharts DIR}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: LoadCharts RESULT_DIR (holding rounds.csv)");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    Path dir = Path.of(args[0]);
    draw(LoadReport.fromRounds(dir.resolve("rounds.csv"), LoadSettings.full(dir)), dir);
  }

  static void draw(LoadReport report, Path dir) {
    TreeSet<Integer> sizes = new TreeSet<>();
    report.rows().forEach(r -> sizes.add(r.bodySize));
    for (int size : sizes) {
      String name = LoadReport.sizeName(size);
      save(chart(report, size, "Median latency, one client thread, body " + name, "p50 latency (µs)",
          LoadReport.Row::p50Micros), dir.resolve("latency-" + name + ".png"));
      save(chart(report, size, "Throughput, " + report.settings().threads() + " client threads, body " + name,
          "answers per second", LoadReport.Row::perSecond), dir.resolve("throughput-" + name + ".png"));
    }
  }

  private static XYChart chart(LoadReport report, int size, String title, String yTitle,
      ToDoubleFunction<LoadReport.Row> value) {
    XYChart chart = new XYChartBuilder().width(800).height(560).title(title)
        .xAxisTitle("chain length N (services)").yAxisTitle(yTitle).build();
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    Map<String, List<LoadReport.Row>> byContestant = new LinkedHashMap<>();
    for (LoadReport.Row r : report.rows()) {
      if (r.bodySize == size) {
        byContestant.computeIfAbsent(r.contestant, k -> new ArrayList<>()).add(r);
      }
    }
    byContestant.forEach((contestant, rows) -> {
      rows.sort((a, b) -> Integer.compare(a.length, b.length));
      double[] x = rows.stream().mapToDouble(r -> r.length).toArray();
      double[] y = rows.stream().mapToDouble(value).toArray();
      chart.addSeries(contestant, x, y).setMarker(SeriesMarkers.CIRCLE);
    });
    return chart;
  }

  static void save(XYChart chart, Path file) {
    try {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
