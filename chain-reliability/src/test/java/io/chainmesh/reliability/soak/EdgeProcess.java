package io.chainmesh.reliability.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone edge ({@code chain-edge.jar}) in its own JVM, started as {@code deploy/kubernetes/edge.yaml}
 * starts it: the manifest's heap (75 % of its 512 MiB limit: 384 MiB) and {@code -XX:+ExitOnOutOfMemoryError},
 * so running out of memory ends the process as it would end the pod. Its GC log gives the heap in use before
 * every collection, the figure that must stay under the limit.
 */
final class EdgeProcess implements AutoCloseable {
  /** The manifest's heap: {@code -XX:MaxRAMPercentage=75} of a 512 MiB memory limit. */
  static final int HEAP_MIB = 384;
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");
  private static final Pattern GC_BEFORE = Pattern.compile(" (\\d+)M->\\d+M\\(\\d+M\\)");

  private final Process process;
  private final URI uri;
  private final Path gcLog;
  private final Path output;

  private EdgeProcess(Process process, URI uri, Path gcLog, Path output) {
    this.process = process;
    this.uri = uri;
    this.gcLog = gcLog;
    this.output = output;
  }

  /** Starts {@code jar} with {@code javaHome}'s {@code java}, waiting (up to 60 s) until it listens. */
  static EdgeProcess start(Path javaHome, Path jar, Path catalogue, String keys, Path dir) throws Exception {
    Path gcLog = dir.resolve("edge-gc.log");
    Path output = dir.resolve("edge-output.log");
    List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
        "-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
        "-jar", jar.toString(), "--catalogue", catalogue.toString(), "--bind", "127.0.0.1", "--port", "0",
        "--node-id", "soak-edge", "--expose-route", "--watch", "off"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = pb.environment();
    env.put("CHAIN_KEYS", keys);
    env.remove("JAVA_TOOL_OPTIONS");
    Process process = pb.start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      Matcher m = LISTENING.matcher(Files.readString(output, StandardCharsets.UTF_8));
      if (m.find()) {
        return new EdgeProcess(process, URI.create(m.group(1)), gcLog, output);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the edge exited with " + process.exitValue() + ":\n" + Files.readString(output));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the edge did not start listening within 60 s:\n" + Files.readString(output));
  }

  URI uri() {
    return uri;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The largest heap in use (MiB) that the GC log reported before a collection; 0 before the first. */
  int peakHeapMib() {
    try {
      if (!Files.exists(gcLog)) {
        return 0;
      }
      Matcher m = GC_BEFORE.matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
      int peak = 0;
      while (m.find()) {
        peak = Math.max(peak, Integer.parseInt(m.group(1)));
      }
      return peak;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the edge wrote (its log) so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
