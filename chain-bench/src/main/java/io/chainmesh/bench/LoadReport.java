package io.chainmesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a load driver run measured: every round of every contestant, the answer tallies, and the
 * summary (median over rounds, ratio to hand-written) as a table, CSV files and charts.
 */
final class LoadReport {
  static final String BASELINE = "hand-written";
  static final String HUB = "hub";
  static final String SYNC = "chainmesh-sync";

  private final LoadSettings settings;
  private final Map<String, AnswerTally> tallies = new LinkedHashMap<>();
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  LoadReport(LoadSettings settings) {
    this.settings = settings;
  }

  /**
   * Latency of one round: nearest-rank percentiles of the per-request times, and the CPU time the
   * whole process spent during the round. With one request in flight, that CPU per request is
   * nearly all work on the request's critical path, so set beside the latency it tells work apart
   * from waiting (wake-ups, scheduling).
   */
  record Latency(int count, long p50Nanos, long p99Nanos, long meanNanos, long cpuNanos) {
    static Latency of(long[] samples, long cpuNanos) {
      if (samples.length == 0) {
        return new Latency(0, 0, 0, 0, cpuNanos);
      }
      long[] sorted = samples.clone();
      Arrays.sort(sorted);
      long sum = 0;
      for (long s : sorted) {
        sum += s;
      }
      return new Latency(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sum / sorted.length, cpuNanos);
    }

    double cpuMicrosPerRequest() {
      return count == 0 ? 0 : cpuNanos / 1e3 / count;
    }

    private static long rank(long[] sorted, double p) {
      int index = (int) Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  /**
   * Throughput of one round, and the CPU time the whole process (clients, every service, GC, JIT)
   * spent per answer during it: the efficiency figure, which other load on the machine hardly moves;
   * and the heap bytes its threads allocated per answer, which it does not move at all.
   */
  record Throughput(long answers, long nanos, long cpuNanos, long allocatedBytes) {
    double perSecond() {
      return nanos == 0 ? 0 : answers * 1e9 / nanos;
    }

    double cpuMicrosPerAnswer() {
      return answers == 0 ? 0 : cpuNanos / 1e3 / answers;
    }

    double kilobytesPerAnswer() {
      return answers == 0 ? 0 : allocatedBytes / 1e3 / answers;
    }
  }

  /** Every round of one contestant at one N and body size. */
  static final class Row {
    final String contestant;
    final int bodySize;
    final int length;
    final Map<Integer, Latency> latency = new LinkedHashMap<>();
    final Map<Integer, Throughput> throughput = new LinkedHashMap<>();

    Row(String contestant, int bodySize, int length) {
      this.contestant = contestant;
      this.bodySize = bodySize;
      this.length = length;
    }

    double p50Micros() {
      return median(latency.values().stream().filter(l -> l.count() > 0).mapToDouble(l -> l.p50Nanos() / 1e3).toArray());
    }

    double p99Micros() {
      return median(latency.values().stream().filter(l -> l.count() > 0).mapToDouble(l -> l.p99Nanos() / 1e3).toArray());
    }

    double latencyCpuMicros() {
      return median(latency.values().stream().filter(l -> l.count() > 0).mapToDouble(Latency::cpuMicrosPerRequest)
          .toArray());
    }

    double perSecond() {
      return median(throughput.values().stream().mapToDouble(Throughput::perSecond).toArray());
    }

    double cpuMicros() {
      return median(throughput.values().stream().mapToDouble(Throughput::cpuMicrosPerAnswer).toArray());
    }

    double kilobytes() {
      return median(throughput.values().stream().mapToDouble(Throughput::kilobytesPerAnswer).toArray());
    }
  }

  synchronized AnswerTally tally(String contestant, int bodySize, int length) {
    return tallies.computeIfAbsent(key(contestant, bodySize, length), k -> new AnswerTally());
  }

  synchronized void latency(String contestant, int bodySize, int length, int round, Latency latency) {
    row(contestant, bodySize, length).latency.put(round, latency);
  }

  synchronized void throughput(String contestant, int bodySize, int length, int round, Throughput throughput) {
    row(contestant, bodySize, length).throughput.put(round, throughput);
  }

  synchronized void note(String note) {
    notes.add(note);
  }

  private Row row(String contestant, int bodySize, int length) {
    return rows.computeIfAbsent(key(contestant, bodySize, length), k -> new Row(contestant, bodySize, length));
  }

  private static String key(String contestant, int bodySize, int length) {
    return contestant + "/" + bodySize + "/" + length;
  }

  /** The settings measured. */
  LoadSettings settings() {
    return settings;
  }

  /** The tally of one contestant at one N and body size, if it ran. */
  synchronized Optional<AnswerTally> tallyOf(String contestant, int bodySize, int length) {
    return Optional.ofNullable(tallies.get(key(contestant, bodySize, length)));
  }

  /** The rows, in measurement order. */
  synchronized List<Row> rows() {
    return List.copyOf(rows.values());
  }

  synchronized Optional<Row> rowOf(String contestant, int bodySize, int length) {
    return Optional.ofNullable(rows.get(key(contestant, bodySize, length)));
  }

  /** Whether every answer of the run was checked and correct. */
  synchronized boolean allCorrect() {
    return !tallies.isEmpty() && tallies.values().stream().allMatch(t -> t.failed() == 0 && t.sent() > 0);
  }

  /** The summary table, the answer counts and the targets at N = 5, 1 KiB. */
  synchronized String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nchainmesh load driver, %s mode: %d rounds, latency with 1 client thread,"
            + " throughput with %d; medians over rounds; ratios to %s%n", settings.mode(), settings.repeats(),
        settings.threads(), BASELINE));
    sb.append(String.format(Locale.ROOT, "%-6s %2s  %-16s %10s %10s %10s %10s %10s  %9s %9s %9s %10s %9s%n",
        "body", "N", "contestant", "p50 us", "p99 us", "req/s", "cpu us/req", "KB/req", "p50 ratio", "rps ratio",
        "cpu ratio", "cpu@1 us", "cpu@1 rt"));
    for (Row r : rows.values()) {
      Row base = rows.get(key(BASELINE, r.bodySize, r.length));
      sb.append(String.format(Locale.ROOT, "%-6s %2d  %-16s %10.0f %10.0f %10.0f %10.0f %10.1f  %9s %9s %9s %10.0f %9s%n",
          sizeName(r.bodySize), r.length, r.contestant, r.p50Micros(), r.p99Micros(), r.perSecond(), r.cpuMicros(),
          r.kilobytes(), ratio(r.p50Micros(), base == null ? 0 : base.p50Micros()),
          ratio(r.perSecond(), base == null ? 0 : base.perSecond()),
          ratio(r.cpuMicros(), base == null ? 0 : base.cpuMicros()), r.latencyCpuMicros(),
          ratio(r.latencyCpuMicros(), base == null ? 0 : base.latencyCpuMicros())));
    }
    sb.append(String.format("%nanswers checked (status, body bytes, route):%n"));
    for (Map.Entry<String, AnswerTally> e : tallies.entrySet()) {
      AnswerTally t = e.getValue();
      sb.append(String.format(Locale.ROOT, "  %-32s %8d checked, %8d correct, %d failed%s%n", e.getKey(), t.sent(),
          t.correct(), t.failed(), t.firstFailure() == null ? "" : " (first: " + t.firstFailure() + ")"));
    }
    targets().ifPresent(sb::append);
    for (String note : notes) {
      sb.append(note).append('\n');
    }
    return sb.toString();
  }

  /** The brief's targets at N = 5 and 1 KiB, when those rows were measured. */
  synchronized Optional<String> targets() {
    Row sync = rows.get(key(SYNC, LoadSettings.KIB, 5));
    Row base = rows.get(key(BASELINE, LoadSettings.KIB, 5));
    Row hub = rows.get(key(HUB, LoadSettings.KIB, 5));
    if (sync == null || base == null || hub == null) {
      return Optional.empty();
    }
    double latency = sync.p50Micros() / base.p50Micros();
    double throughput = sync.perSecond() / base.perSecond();
    double versusHub = sync.perSecond() / hub.perSecond();
    return Optional.of(String.format(Locale.ROOT, "%ntargets at N = 5, 1 KiB (chainmesh-sync):%n"
            + "  median latency %.3fx hand-written (target <= 1.10): %s%n"
            + "  throughput     %.3fx hand-written (target >= 0.90): %s%n"
            + "  throughput     %.3fx hub          (target >= 1.00): %s%n",
        latency, latency <= 1.10 ? "met" : "MISSED",
        throughput, throughput >= 0.90 ? "met" : "MISSED",
        versusHub, versusHub >= 1.0 ? "met" : "MISSED"));
  }

  /** Writes rounds.csv, summary.csv, the table and the charts into {@code dir}. */
  synchronized void write(Path dir) {
    LoadDriver.ensureDirectory(dir);
    StringBuilder rounds = new StringBuilder(
        "mode,body_bytes,n,contestant,round,latency_requests,p50_us,p99_us,mean_us,throughput_answers,throughput_seconds,"
            + "requests_per_second,cpu_us_per_request,kb_allocated_per_request,latency_cpu_us_per_request\n");
    for (Row r : rows.values()) {
      for (Map.Entry<Integer, Latency> e : r.latency.entrySet()) {
        Latency l = e.getValue();
        Throughput t = r.throughput.get(e.getKey());
        rounds.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%d,%d,%.1f,%.1f,%.1f,%d,%.3f,%.1f,%.1f,%.2f,%.1f%n",
            settings.mode(), r.bodySize, r.length, r.contestant, e.getKey(), l.count(), l.p50Nanos() / 1e3,
            l.p99Nanos() / 1e3, l.meanNanos() / 1e3, t == null ? 0 : t.answers(), t == null ? 0 : t.nanos() / 1e9,
            t == null ? 0 : t.perSecond(), t == null ? 0 : t.cpuMicrosPerAnswer(),
            t == null ? 0 : t.kilobytesPerAnswer(), l.cpuMicrosPerRequest()));
      }
    }
    StringBuilder summary = new StringBuilder(
        "mode,body_bytes,n,contestant,rounds,p50_us,p99_us,requests_per_second,cpu_us_per_request,p50_ratio,rps_ratio,"
            + "cpu_ratio,checked,failed,kb_allocated_per_request,latency_cpu_us_per_request,latency_cpu_ratio\n");
    for (Row r : rows.values()) {
      Row base = rows.get(key(BASELINE, r.bodySize, r.length));
      AnswerTally t = tallies.get(key(r.contestant, r.bodySize, r.length));
      summary.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%d,%.1f,%.1f,%.1f,%.1f,%s,%s,%s,%d,%d,%.2f,%.1f,%s%n",
          settings.mode(), r.bodySize, r.length, r.contestant, r.latency.size(), r.p50Micros(), r.p99Micros(),
          r.perSecond(), r.cpuMicros(), ratio(r.p50Micros(), base == null ? 0 : base.p50Micros()),
          ratio(r.perSecond(), base == null ? 0 : base.perSecond()),
          ratio(r.cpuMicros(), base == null ? 0 : base.cpuMicros()), t.sent(), t.failed(), r.kilobytes(),
          r.latencyCpuMicros(), ratio(r.latencyCpuMicros(), base == null ? 0 : base.latencyCpuMicros())));
    }
    try {
      Files.writeString(dir.resolve("rounds.csv"), rounds, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("summary.csv"), summary, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("summary.txt"), table(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + dir, e);
    }
    LoadCharts.draw(this, dir);
  }

  /**
   * A report rebuilt from a run's {@code rounds.csv} (tallies are not in it), to redraw its charts
   * or reprint its table.
   */
  static LoadReport fromRounds(Path roundsCsv, LoadSettings settings) {
    LoadReport report = new LoadReport(settings);
    List<String> lines;
    try {
      lines = Files.readAllLines(roundsCsv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + roundsCsv, e);
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String contestant = f[3];
      int size = Integer.parseInt(f[1]);
      int length = Integer.parseInt(f[2]);
      int round = Integer.parseInt(f[4]);
      int requests = Integer.parseInt(f[5]);
      long latencyCpu = f.length > 14 ? Math.round(Double.parseDouble(f[14]) * 1e3 * requests) : 0;
      report.latency(contestant, size, length, round, new Latency(requests,
          Math.round(Double.parseDouble(f[6]) * 1e3), Math.round(Double.parseDouble(f[7]) * 1e3),
          Math.round(Double.parseDouble(f[8]) * 1e3), latencyCpu));
      long answers = Long.parseLong(f[9]);
      long allocated = f.length > 13 ? Math.round(Double.parseDouble(f[13]) * 1e3 * answers) : 0;
      report.throughput(contestant, size, length, round, new Throughput(answers,
          Math.round(Double.parseDouble(f[10]) * 1e9), Math.round(Double.parseDouble(f[12]) * 1e3 * answers), allocated));
    }
    return report;
  }

  static String sizeName(int bytes) {
    if (bytes >= LoadSettings.MIB && bytes % LoadSettings.MIB == 0) {
      return bytes / LoadSettings.MIB + "MiB";
    }
    if (bytes >= LoadSettings.KIB && bytes % LoadSettings.KIB == 0) {
      return bytes / LoadSettings.KIB + "KiB";
    }
    return bytes + "B";
  }

  private static String ratio(double value, double base) {
    return base == 0 ? "-" : String.format(Locale.ROOT, "%.3f", value / base);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
