package io.chainmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the load driver in its smoke mode so that CI catches a broken benchmark: every contestant
 * answers every request of N = 1 and 3, correctly (status, body bytes, route), and the results are
 * written. Measures nothing: the figures come from the quick and full modes.
 */
class LoadDriverSmokeTest {
  private static final List<String> CONTESTANTS =
      List.of("hand-written", "chainmesh-sync", "chainmesh-async", "hub");

  @Test
  void everyContestantAnswersEveryRequestCorrectly(@TempDir Path out) throws Exception {
    LoadSettings settings = LoadSettings.smoke(out);

    LoadReport report = LoadDriver.run(settings);

    int perWindow = settings.latencyMaxRequests() + settings.throughputMaxRequests();
    for (int n : settings.lengths()) {
      for (String contestant : CONTESTANTS) {
        AnswerTally tally = report.tallyOf(contestant, LoadSettings.KIB, n).orElseThrow(
            () -> new AssertionError(contestant + " did not run at N=" + n));
        String what = contestant + " at N=" + n + " (" + tally.firstFailure() + ")";
        assertEquals(perWindow, tally.sent(), what + ": answers checked");
        assertEquals(tally.sent(), tally.correct(), what + ": correct answers");
        assertEquals(0, tally.failed(), what + ": failed answers");
      }
    }
    assertTrue(report.allCorrect(), report::table);
    for (String file : List.of("rounds.csv", "summary.csv", "latency-1KiB.png", "throughput-1KiB.png")) {
      assertTrue(Files.size(out.resolve(file)) > 0, file + " written");
    }
    assertEquals(1 + CONTESTANTS.size() * settings.lengths().size(),
        Files.readAllLines(out.resolve("summary.csv")).size(), "one summary line per contestant and N");
  }

  @Test
  void roundsCsvKeepsEveryFigureOfARound(@TempDir Path out) {
    LoadSettings settings = LoadSettings.smoke(out);
    LoadReport written = new LoadReport(settings);
    written.latency("hand-written", LoadSettings.KIB, 5, 1,
        LoadReport.Latency.of(new long[] {700_000, 800_000, 900_000}, 2_400_000));
    written.throughput("hand-written", LoadSettings.KIB, 5, 1, new LoadReport.Throughput(1000, 1_000_000_000L,
        500_000_000L, 200_000_000L));
    written.tally("hand-written", LoadSettings.KIB, 5);

    written.write(out);
    LoadReport.Row read = LoadReport.fromRounds(out.resolve("rounds.csv"), settings)
        .rowOf("hand-written", LoadSettings.KIB, 5).orElseThrow();

    assertEquals(800.0, read.p50Micros(), 0.1);
    assertEquals(800.0, read.latencyCpuMicros(), 0.1, "CPU per request in the latency window");
    assertEquals(1000.0, read.perSecond(), 0.1);
    assertEquals(500.0, read.cpuMicros(), 0.1);
    assertEquals(200.0, read.kilobytes(), 0.1);
  }

  @Test
  void parsesTheCommandLine() {
    LoadSettings quick = LoadDriver.parse(new String[] {"--quick", "--lengths", "1,5", "--out", "x"});

    assertEquals("quick", quick.mode());
    assertEquals(List.of(1, 5), quick.lengths());
    assertEquals(Path.of("x"), quick.out());
  }
}
