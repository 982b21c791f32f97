package io.chainmesh.reliability.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run's figures as a two-line CSV file (header, values) in {@code reliability.reportDir}, also
 * printed: what the documentation quotes.
 */
public final class LoadReport {
  private final Map<String, String> figures = new LinkedHashMap<>();

  /** Adds a figure. */
  public LoadReport put(String name, Object value) {
    figures.put(name, value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value));
    return this;
  }

  /** Adds the ledger's counts and latency percentiles. */
  public LoadReport ledger(Ledger ledger) {
    return put("requests", ledger.requests())
        .put("correct", ledger.count(Ledger.Outcome.CORRECT))
        .put("lost", ledger.lost())
        .put("corrupted", ledger.count(Ledger.Outcome.CORRUPTED))
        .put("answered_twice", ledger.answeredTwice())
        .put("coded_failures", ledger.count(Ledger.Outcome.CODED_FAILURE))
        .put("uncoded_failures", ledger.count(Ledger.Outcome.UNCODED_FAILURE))
        .put("errors", ledger.errors())
        .put("p50_ms", ledger.percentileMillis(50))
        .put("p90_ms", ledger.percentileMillis(90))
        .put("p99_ms", ledger.percentileMillis(99))
        .put("max_ms", ledger.percentileMillis(100));
  }

  /** Writes {@code name}.csv to the report directory (system property {@code reliability.reportDir}) and prints it. */
  public Path write(String name) {
    String csv = String.join(",", figures.keySet()) + "\n" + String.join(",", figures.values()) + "\n";
    System.out.println("[reliability] " + name + ": " + figures.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    Path dir = Path.of(System.getProperty("reliability.reportDir", "target/reliability"));
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".csv");
      Files.writeString(file, csv);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the long variants run ({@code -Dreliability.long=true}). */
  public static boolean longRun() {
    return Boolean.getBoolean("reliability.long");
  }
}
