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
  void parsesTheCommandLine() {
    LoadSettings quick = LoadDriver.parse(new String[] {"--quick", "--lengths", "1,5", "--out", "x"});

    assertEquals("quick", quick.mode());
    assertEquals(List.of(1, 5), quick.lengths());
    assertEquals(Path.of("x"), quick.out());
  }
}
