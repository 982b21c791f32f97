package io.chainmesh.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one run of the load driver measures and for how long. Every window is bounded both in time
 * and in request count, so a run always ends.
 *
 * @param mode name of the preset, for the output
 * @param lengths chain lengths N
 * @param bodySizes request body sizes in bytes
 * @param repeats interleaved rounds (A B C D, A B C D, ...) per N and body size
 * @param warmup per contestant, before the rounds of each N and body size (half with one thread, half with all)
 * @param firstWarmup per contestant, once at the start, for the JIT
 * @param latencyWindow one client thread, per contestant per round
 * @param latencyMaxRequests request cap of a latency window
 * @param throughputWindow {@code threads} client threads, per contestant per round
 * @param throughputMaxRequests request cap of a throughput window (all threads together)
 * @param threads client threads of the throughput windows
 * @param out directory for the CSV files and charts; null writes nothing
 * @param only contestants to run (for profiling one of them); empty runs all
 */
record LoadSettings(String mode, List<Integer> lengths, List<Integer> bodySizes, int repeats, Duration warmup,
    Duration firstWarmup, Duration latencyWindow, int latencyMaxRequests, Duration throughputWindow,
    int throughputMaxRequests, int threads, Path out, List<String> only) {

  static final int KIB = 1024;
  static final int MIB = 1024 * 1024;

  /** About 14 minutes: 5 rounds of 2 s latency + 3 s throughput per contestant, N and body. */
  static LoadSettings full(Path out) {
    return new LoadSettings("full", List.of(1, 3, 5, 8), List.of(KIB, MIB), 5, Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(2), 50_000, Duration.ofSeconds(3), 1_000_000, 16, out, List.of());
  }

  /** Under 2 minutes: 3 short rounds; the ratios are indicative, the full mode is the reference. */
  static LoadSettings quick(Path out) {
    return new LoadSettings("quick", List.of(1, 3, 5, 8), List.of(KIB, MIB), 3, Duration.ofMillis(400),
        Duration.ofSeconds(2), Duration.ofMillis(300), 20_000, Duration.ofMillis(400), 1_000_000, 16, out, List.of());
  }

  /** A few seconds, for CI: every contestant, N = 1 and 3, 20 requests per window, answers checked. */
  static LoadSettings smoke(Path out) {
    return new LoadSettings("smoke", List.of(1, 3), List.of(KIB), 1, Duration.ZERO, Duration.ZERO,
        Duration.ofSeconds(10), 20, Duration.ofSeconds(10), 20, 4, out, List.of());
  }

  LoadSettings withOut(Path directory) {
    return new LoadSettings(mode, lengths, bodySizes, repeats, warmup, firstWarmup, latencyWindow,
        latencyMaxRequests, throughputWindow, throughputMaxRequests, threads, directory, only);
  }

  LoadSettings withRepeats(int count) {
    return new LoadSettings(mode, lengths, bodySizes, count, warmup, firstWarmup, latencyWindow,
        latencyMaxRequests, throughputWindow, throughputMaxRequests, threads, out, only);
  }

  LoadSettings withLengths(List<Integer> values) {
    return new LoadSettings(mode, List.copyOf(values), bodySizes, repeats, warmup, firstWarmup, latencyWindow,
        latencyMaxRequests, throughputWindow, throughputMaxRequests, threads, out, only);
  }

  LoadSettings withBodySizes(List<Integer> values) {
    return new LoadSettings(mode, lengths, List.copyOf(values), repeats, warmup, firstWarmup, latencyWindow,
        latencyMaxRequests, throughputWindow, throughputMaxRequests, threads, out, only);
  }

  LoadSettings withOnly(List<String> names) {
    return new LoadSettings(mode, lengths, bodySizes, repeats, warmup, firstWarmup, latencyWindow,
        latencyMaxRequests, throughputWindow, throughputMaxRequests, threads, out, List.copyOf(names));
  }

  int maxLength() {
    return lengths.stream().mapToInt(Integer::intValue).max().orElse(1);
  }
}
