package io.chainmesh.bench;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The library work one hop does per request (brief §6): decode the header (size check, base64url,
 * envelope, MAC verification, descriptor parse, limits, model), build this hop's route record,
 * advance (pointer + 1, hop limit - 1, record appended), encode (model to protobuf, limits,
 * serialise, MAC, base64url). Also decode and encode alone.
 *
 * <p>The descriptor is {@link SampleChains#descriptor} with 8 metadata entries and the pointer after
 * 4 route records (8 and 64 segments); with 1 segment the pointer is at 0 with no records, and the
 * hop is the last one, so it records its final answer instead of advancing (what the last hop does).
 *
 * <p>Ten one-second warm-up iterations: on a loaded 2-core machine C2 needs several seconds of CPU
 * before the score settles (five were not enough while other builds ran).
 *
 * <pre>java -jar chain-bench/target/benchmarks.jar HopBenchmark -prof gc -prof io.chainmesh.bench.CpuTimeProfiler</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HopBenchmark {
  /** Segments in the descriptor. */
  @Param({"1", "8", "64"})
  public int segments;

  private static final int METADATA = 8;
  private static final int ROUTE_RECORDS = 4;
  private static final String NODE = "node-bench-0a1b2c";

  private final Clock clock = Clock.systemUTC();
  private ChainCodec codec;
  private ChainDescriptor descriptor;
  private String header;

  /** A fresh descriptor per iteration, so its validity window holds however long the run takes. */
  @Setup(Level.Iteration)
  public void setUp() {
    codec = ChainCodec.builder(SampleChains.keys()).clock(clock).build();
    descriptor = SampleChains.descriptor(segments, METADATA, Math.min(ROUTE_RECORDS, segments - 1), clock.instant());
    header = codec.encode(descriptor);
  }

  /** The whole per-hop work: decode + verify, record, advance, encode + MAC. */
  @Benchmark
  public String hop() {
    long startNanos = System.nanoTime();
    Instant start = clock.instant();
    ChainDescriptor received = codec.decode(header);
    boolean last = received.isLastSegment();
    RouteRecord record = RouteRecord.builder()
        .segmentIndex(received.pointer())
        .node(NODE)
        .start(start)
        .duration(Duration.ofNanos(System.nanoTime() - startNanos))
        .outcome(last ? Outcome.ANSWERED : Outcome.FORWARDED)
        .build();
    ChainDescriptor next = last ? received.recordFinal(record) : received.advance(record);
    return codec.encode(next);
  }

  /** Decode and verify only. */
  @Benchmark
  public ChainDescriptor decode() {
    return codec.decode(header);
  }

  /** Encode and MAC only. */
  @Benchmark
  public String encode() {
    return codec.encode(descriptor);
  }
}
