package io.chainmesh.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;

/**
 * The macro benchmark: chains of N services on loopback, four contestants measured interleaved in
 * one run (A B C D, A B C D, ...) on the same machine with the same body, every answer checked.
 *
 * <ol>
 *   <li>{@code hand-written}: services that forward along a route header with a shared OkHttp client;
 *   <li>{@code chainmesh-sync}: {@code ChainHop}s on {@code ChainServer}, started by {@code ChainClient};
 *   <li>{@code chainmesh-async}: the same hops in asynchronous mode, timed until the reply-to
 *       receiver has the answer;
 *   <li>{@code hub}: a central orchestrator calling the hand-written services in turn.
 * </ol>
 *
 * <p>Latency: one client thread, p50 and p99 per round. Throughput: {@code threads} client threads,
 * answers per second per round. The summary is the median over rounds and its ratio to
 * hand-written. Writes {@code rounds.csv}, {@code summary.csv} and PNG charts to the output directory.
 *
 * <pre>
 * java -Xmx4g -cp chain-bench/target/benchmarks.jar io.chainmesh.bench.LoadDriver --quick
 * java -Xmx4g -cp chain-bench/target/benchmarks.jar io.chainmesh.bench.LoadDriver --full
 * </pre>
 * Options: {@code --out DIR}, {@code --repeats K}, {@code --lengths 1,3,5,8}, {@code --bodies 1024,1048576},
 * {@code --only chainmesh-sync} (one contestant, for profiling).
 * Exit status 0 when every answer was correct, 1 otherwise, 2 for bad arguments.
 */
public final class LoadDriver {
  private final LoadSettings settings;
  private final LoadReport report;

  private LoadDriver(LoadSettings settings) {
    this.settings = settings;
    this.report = new LoadReport(settings);
  }

  /** Runs {@code settings} and returns the report (also written to {@link LoadSettings#out()} if set). */
  static LoadReport run(LoadSettings settings) {
    LoopbackServers.configureJdkServer();
    System.setProperty("java.awt.headless", "true");
    LoadDriver driver = new LoadDriver(settings);
    driver.measure();
    if (settings.out() != null) {
      driver.report.write(settings.out());
    }
    return driver.report;
  }

  /** Command line entry; see the class documentation. */
  public static void main(String[] args) {
    LoadSettings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load driver: " + e.getMessage());
      System.err.println("usage: LoadDriver [--quick | --full | --smoke] [--out DIR] [--repeats K]"
          + " [--lengths 1,3,5,8] [--bodies 1024,1048576] [--only NAME,...]");
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    LoadReport report = run(settings);
    System.out.println(report.table());
    System.out.printf("%nrun took %.1f s; results in %s%n", (System.nanoTime() - start) / 1e9, settings.out());
    System.exit(report.allCorrect() ? 0 : 1);
  }

  static LoadSettings parse(String[] args) {
    Path defaultOut = Files.isDirectory(Path.of("chain-bench")) ? Path.of("chain-bench", "target", "load-driver")
        : Path.of("target", "load-driver");
    LoadSettings settings = LoadSettings.full(defaultOut);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> settings = LoadSettings.quick(settings.out());
        case "--full" -> settings = LoadSettings.full(settings.out());
        case "--smoke" -> settings = LoadSettings.smoke(settings.out());
        case "--out" -> settings = settings.withOut(Path.of(value(args, ++i, arg)));
        case "--repeats" -> settings = settings.withRepeats(positive(value(args, ++i, arg), arg));
        case "--lengths" -> settings = settings.withLengths(list(value(args, ++i, arg), arg));
        case "--bodies" -> settings = settings.withBodySizes(list(value(args, ++i, arg), arg));
        case "--only" -> settings = settings.withOnly(List.of(value(args, ++i, arg).split(",")));
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    return settings;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String text, String option) {
    try {
      int value = Integer.parseInt(text.strip());
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes positive integers, got " + text);
    }
  }

  private static List<Integer> list(String text, String option) {
    List<Integer> values = new ArrayList<>();
    for (String part : text.split(",")) {
      values.add(positive(part, option));
    }
    return values;
  }

  private void measure() {
    OkHttpClient client = HandWrittenServices.plainClient();
    ExecutorService workers = Executors.newFixedThreadPool(settings.threads(), daemon("load-client"));
    report.note("JVM: " + jvm());
    report.note("load average at start: " + loadAverage());
    try (HandWrittenServices plain = new HandWrittenServices(settings.maxLength(), client);
        ChainmeshServices chainmesh = new ChainmeshServices(settings.maxLength(), client)) {
      List<Contestant> contestants = new ArrayList<>(
          List.of(plain.forwarding(), chainmesh.sync(), chainmesh.async(), plain.hub()));
      if (!settings.only().isEmpty()) {
        contestants.removeIf(c -> !settings.only().contains(c.name()));
      }
      if (!settings.firstWarmup().isZero()) {
        byte[] body = body(LoadSettings.KIB);
        for (Contestant c : contestants) {
          warm(c, settings.maxLength(), body, settings.firstWarmup(), workers);
        }
      }
      for (int size : settings.bodySizes()) {
        byte[] body = body(size);
        for (int n : settings.lengths()) {
          long start = System.nanoTime();
          if (!settings.warmup().isZero()) {
            for (Contestant c : contestants) {
              warm(c, n, body, settings.warmup(), workers);
            }
          }
          for (int round = 1; round <= settings.repeats(); round++) {
            for (Contestant c : contestants) {
              report.latency(c.name(), size, n, round, latency(c, n, body));
            }
            for (Contestant c : contestants) {
              report.throughput(c.name(), size, n, round, throughput(c, n, body, workers));
            }
          }
          System.err.printf("load driver: body %s, N=%d done in %.1f s%n", LoadReport.sizeName(size), n,
              (System.nanoTime() - start) / 1e9);
        }
      }
      report.note("replies matching no waiting request: " + chainmesh.unmatchedReplies());
    } finally {
      report.note("load average at end: " + loadAverage());
      workers.shutdownNow();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private void warm(Contestant c, int n, byte[] body, Duration time, ExecutorService workers) {
    AnswerTally tally = report.tally(c.name(), body.length, n);
    long end = System.nanoTime() + time.toNanos() / 2;
    while (System.nanoTime() < end) {
      call(c, n, body, tally);
    }
    runThreads(c, n, body, workers, time.dividedBy(2), Integer.MAX_VALUE, tally);
  }

  private LoadReport.Latency latency(Contestant c, int n, byte[] body) {
    AnswerTally tally = report.tally(c.name(), body.length, n);
    int max = settings.latencyMaxRequests();
    long[] samples = new long[max];
    int count = 0;
    long cpu = processCpuNanos();
    long end = System.nanoTime() + settings.latencyWindow().toNanos();
    for (int attempt = 0; attempt < max && System.nanoTime() < end; attempt++) {
      long t0 = System.nanoTime();
      if (call(c, n, body, tally)) {
        samples[count++] = System.nanoTime() - t0;
      }
    }
    return LoadReport.Latency.of(Arrays.copyOf(samples, count), processCpuNanos() - cpu);
  }

  private LoadReport.Throughput throughput(Contestant c, int n, byte[] body, ExecutorService workers) {
    AnswerTally tally = report.tally(c.name(), body.length, n);
    return runThreads(c, n, body, workers, settings.throughputWindow(), settings.throughputMaxRequests(), tally);
  }

  /** Closed loop on every worker thread until the window or the request budget is spent. */
  private LoadReport.Throughput runThreads(Contestant c, int n, byte[] body, ExecutorService workers,
      Duration window, int budget, AnswerTally tally) {
    AtomicInteger left = new AtomicInteger(budget);
    AtomicLong ok = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    long[] bounds = new long[2];
    for (int t = 0; t < settings.threads(); t++) {
      running.add(workers.submit(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        while (System.nanoTime() < bounds[1] && left.getAndDecrement() > 0) {
          if (call(c, n, body, tally)) {
            ok.incrementAndGet();
          }
        }
      }));
    }
    long cpu = processCpuNanos();
    Map<Long, Long> allocated = allocatedBytesByThread();
    bounds[0] = System.nanoTime();
    bounds[1] = bounds[0] + window.toNanos();
    go.countDown();
    for (Future<?> f : running) {
      try {
        f.get(window.toMillis() + 120_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("a load thread did not finish: " + e, e);
      }
    }
    long elapsed = System.nanoTime() - bounds[0];
    return new LoadReport.Throughput(ok.get(), elapsed, processCpuNanos() - cpu, allocatedSince(allocated));
  }

  private static boolean call(Contestant c, int n, byte[] body, AnswerTally tally) {
    Contestant.Answer answer = null;
    Exception error = null;
    try {
      answer = c.call(n, body);
    } catch (Exception e) {
      error = e;
    }
    return tally.check(c, n, body, answer, error);
  }

  /** The same pseudo-random body for every contestant. */
  static byte[] body(int size) {
    byte[] body = new byte[size];
    new Random(size).nextBytes(body);
    return body;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static Map<Long, Long> allocatedBytesByThread() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      byThread.put(ids[i], Math.max(0, bytes[i]));
    }
    return byThread;
  }

  /**
   * Bytes allocated on the heap since {@code before} by the threads alive now (a thread that ended
   * in between takes its share with it: a slight undercount; the pools' threads live through a run).
   */
  private static long allocatedSince(Map<Long, Long> before) {
    long total = 0;
    for (Map.Entry<Long, Long> now : allocatedBytesByThread().entrySet()) {
      total += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
    }
    return total;
  }

  /**
   * The JVM the run measured, and the request threads every contestant's servers run on: a bounded
   * pool of virtual threads on Java 21+, of platform threads before ({@link LoopbackServers#requestExecutor},
   * as {@code ChainServer} sets them up), which changes the figures a lot.
   */
  private static String jvm() {
    boolean virtual = io.chainmesh.http.internal.HopThreads.virtualThreads();
    return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + "; request threads: "
        + (virtual ? "virtual pool" : "platform pool");
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format("%.2f (1 min, %d cores)", load, Runtime.getRuntime().availableProcessors());
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static void ensureDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
