package io.chainmesh.reliability.soak;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.reliability.faults.LoopbackDomain;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A standalone edge started as {@code deploy/kubernetes/edge.yaml} starts it (384 MiB heap, exit on
 * out-of-memory), three hops behind it, and for {@value #DEFAULT_SECONDS} s 200 connections that mix
 * honest sync and async clients with hostile ones: uploads that declare 20 MB and stop at 15 MB, and
 * requests that declare 100 MB and send nothing (issue 13, item 1); uploads of 8 MB (within the limit)
 * that stall half-way, more than the body budget holds; Content-Types OkHttp cannot carry
 * (item 2); chunked framing the HTTP grammar forbids (item 7); the exposed {@code Chain-Route} replayed
 * at the last hop (item 3); bodies trickled a few bytes at a time. Run on the JVM running the tests and
 * on one of the other thread model (Java 17: platform threads; 21+: virtual threads) when the machine has it.
 *
 * <p>Required: the edge never dies, its heap stays under its limit, at least 99 % of honest requests
 * succeed, every hostile one gets the coded refusal it deserves (trickled bodies: an answer; stalled
 * uploads the budget admitted: dropped at the request-time limit, as nothing can answer them), the replayed
 * segment never runs, and afterwards 20 of 20 honest requests succeed. The figures are printed and written
 * to {@code ${reliability.reportDir}/soak-java<N>.txt}.
 */
@Tag("reliability")
class HostileSoakTest {
  static final int DEFAULT_SECONDS = 60;
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String CATALOGUE = """
      services:
        a: %s
        b: %s
        c: %s
      chains:
        - name: order
          match: POST /order
          segments: [a/append, b/append, c/append]
          deadline: 10s
        - name: order-async
          match: POST /order/async
          segments: [a/append, b/append, c/append]
          returnMode: async
          deadline: 10s
      """;

  /** Appends {@code >service}; counts the bodies a replay tried to smuggle in. */
  public static final class Append {
    final AtomicInteger replayed = new AtomicInteger();

    @ChainFunction("append")
    public String append(String body, ChainContext chain) {
      if (body.startsWith("REPLAY")) {
        replayed.incrementAndGet();
      }
      return body + ">" + chain.segment().service();
    }
  }

  static Stream<Path> jdks() throws IOException {
    Path own = Path.of(System.getProperty("java.home"));
    int ownMajor = Runtime.version().feature();
    List<Path> jdks = new ArrayList<>(List.of(own));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> all = Files.list(jvms)) {
        all.filter(j -> Files.isExecutable(j.resolve("bin/java")))
            .filter(j -> (major(j) >= 21) != (ownMajor >= 21) && major(j) >= 17)
            .sorted().findFirst().ifPresent(jdks::add);
      }
    }
    return jdks.stream();
  }

  /** The feature release of the JDK at {@code jdk}, from its {@code release} file; -1 if unreadable. */
  private static int major(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String digits = line.substring(14).replaceFirst("[^0-9].*", "");
          return digits.isEmpty() ? -1 : Integer.parseInt(digits);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  @ParameterizedTest(name = "edge on {0}")
  @MethodSource("jdks")
  void anEdgeSizedLikeTheManifestOutlivesHostileClientsAndKeepsServingHonestOnes(Path javaHome) throws Exception {
    int seconds = Integer.getInteger("reliability.soakSeconds", DEFAULT_SECONDS);
    Path reportDir = Path.of(System.getProperty("reliability.reportDir", "target/reliability"));
    Files.createDirectories(reportDir);
    Path jar = Path.of(System.getProperty("reliability.edgeJar", "../chain-edge/target/chain-edge.jar"));
    assertTrue(Files.isRegularFile(jar), "the standalone edge jar is built first: " + jar.toAbsolutePath());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    KeyRing keys = KeyRing.builder().addKey("soak-1", secret).build();
    String keysText = "soak-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);

    Append a = new Append();
    Append b = new Append();
    Append c = new Append();
    Path dir = Files.createTempDirectory("chain-soak");
    try (LoopbackDomain domain = new LoopbackDomain()) {
      URI hopA = domain.hop("a", a, h -> h.keys(keys)).uri();
      URI hopB = domain.hop("b", b, h -> h.keys(keys)).uri();
      URI hopC = domain.hop("c", c, h -> h.keys(keys)).uri();
      Path catalogue = dir.resolve("chains.yaml");
      Files.writeString(catalogue, CATALOGUE.formatted(hopA, hopB, hopC));
      try (EdgeProcess edge = EdgeProcess.start(javaHome, jar, catalogue, keysText, dir)) {
        domain.route("edge", edge.uri());
        OkHttpClient honest = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(256, 1, TimeUnit.MINUTES))
            .callTimeout(Duration.ofSeconds(30)).readTimeout(Duration.ofSeconds(30))
            .retryOnConnectionFailure(false).build();
        honest.dispatcher().setMaxRequests(512);
        honest.dispatcher().setMaxRequestsPerHost(512);
        Soak soak = new Soak(edge.uri(), hopC, honest);
        assertEquals("warm-up>a>b>c", soak.honest("/order", "warm-up"), "the chain works before the soak");

        int peakDuring = soak.run(seconds, edge);
        boolean aliveAfterSoak = edge.isAlive();
        int after = aliveAfterSoak ? soak.honestInARow(20) : 0;
        int peakHeap = Math.max(peakDuring, edge.peakHeapMib());
        String log = edge.output();
        long stackLines = log.lines().filter(l -> l.startsWith("\tat ")).count();
        long errorLines = log.lines().filter(l -> l.contains("ERROR")).count();
        String report = soak.report(javaHome, seconds, aliveAfterSoak, peakHeap, after, stackLines, errorLines);
        System.out.println(report);
        Files.writeString(reportDir.resolve("soak-java" + major(javaHome) + ".txt"), report);

        assertAll(
            () -> assertTrue(aliveAfterSoak, "the edge died:\n" + tail(log)),
            () -> assertTrue(peakHeap < EdgeProcess.HEAP_MIB, "heap in use reached " + peakHeap + " MiB"),
            () -> assertTrue(soak.honestShare() >= 0.99, "honest requests that succeeded: " + soak.honestShare()
                + "\n" + report),
            () -> soak.hostile().forEach(t -> assertEquals(t.sent(), t.asExpected(), t.toString())),
            () -> assertEquals(0, a.replayed.get() + b.replayed.get() + c.replayed.get(),
                "a replayed route ran a function again"),
            () -> assertEquals(20, after, "honest requests that succeeded after the soak"),
            () -> assertEquals(0, stackLines, "stack trace lines in the edge's log:\n" + tail(log)),
            () -> assertEquals(0, errorLines, "ERROR lines in the edge's log:\n" + tail(log)));
        soak.shutdown();
      }
    }
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }

  /** The 200 connections: who sends what, and what each kind got. */
  private static final class Soak {
    private static final int UPLOAD_DECLARED = 20_000_000;
    private static final int UPLOAD_SENT = 15_000_000;

    private final URI edge;
    private final URI lastHop;
    private final OkHttpClient honest;
    private final AtomicReference<String> exposedRoute = new AtomicReference<>();
    private final Tally honestSync = new Tally("honest sync");
    private final Tally honestAsync = new Tally("honest async");
    private final Tally uploads = new Tally("oversize uploads");
    private final Tally stalls = new Tally("stalled 8 MB uploads");
    private final Tally contentTypes = new Tally("bad Content-Type");
    private final Tally framing = new Tally("bad chunked framing");
    private final Tally replays = new Tally("replayed Chain-Route");
    private final Tally trickles = new Tally("trickled bodies");
    private final ExecutorService clients = Executors.newFixedThreadPool(200);

    Soak(URI edge, URI lastHop, OkHttpClient honest) {
      this.edge = edge;
      this.lastHop = lastHop;
      this.honest = honest;
    }

    List<Tally> hostile() {
      return List.of(uploads, stalls, contentTypes, framing, replays, trickles);
    }

    double honestShare() {
      long sent = honestSync.sent() + honestAsync.sent();
      return sent == 0 ? 0 : (double) (honestSync.asExpected() + honestAsync.asExpected()) / sent;
    }

    /** Runs the mix for {@code seconds}; the peak heap the edge's GC log showed meanwhile. */
    int run(int seconds, EdgeProcess process) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      AtomicInteger n = new AtomicInteger();
      startAll(44, end, () -> honestCall(honestSync, "/order", "sync-" + n.incrementAndGet()));
      startAll(40, end, () -> honestCall(honestAsync, "/order/async", "async-" + n.incrementAndGet()));
      startAll(24, end, () -> upload(n.incrementAndGet() % 4 == 0));
      startAll(20, end, () -> badContentType(n.incrementAndGet()));
      startAll(12, end, () -> badFraming(n.incrementAndGet()));
      startAll(24, end, this::replay);
      startAll(24, end, () -> trickle("trickle-" + n.incrementAndGet()));
      startAll(12, end, this::stall);
      int peak = 0;
      while (System.nanoTime() < end && process.isAlive()) {
        Thread.sleep(1000);
        peak = Math.max(peak, process.peakHeapMib());
      }
      clients.shutdown();
      clients.awaitTermination(90, TimeUnit.SECONDS);
      return peak;
    }

    void shutdown() {
      clients.shutdownNow();
      honest.dispatcher().executorService().shutdown();
      honest.connectionPool().evictAll();
    }

    private interface Attempt {
      void run() throws Exception;
    }

    private void startAll(int count, long end, Attempt attempt) {
      for (int i = 0; i < count; i++) {
        clients.execute(() -> {
          while (System.nanoTime() < end) {
            try {
              attempt.run();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
      }
    }

    String honest(String path, String body) throws IOException {
      Request request = new Request.Builder().url(edge.resolve(path).toString())
          .post(RequestBody.create(body, MediaType.get(TEXT))).build();
      try (Response r = honest.newCall(request).execute()) {
        String answer = r.body().string();
        if (r.header(ChainHeaders.ROUTE) != null && path.equals("/order")) {
          exposedRoute.set(r.header(ChainHeaders.ROUTE));
        }
        return r.code() == 200 ? answer : r.code() + " " + answer;
      }
    }

    /** Sends {@code count} honest requests one after another, sync and async in turn; how many succeeded. */
    int honestInARow(int count) {
      int ok = 0;
      for (int i = 0; i < count; i++) {
        try {
          if (("after-" + i + ">a>b>c").equals(honest(i % 2 == 0 ? "/order" : "/order/async", "after-" + i))) {
            ok++;
          }
        } catch (IOException e) {
          // not a success
        }
      }
      return ok;
    }

    private void honestCall(Tally tally, String path, String body) {
      String padded = body + "-" + "x".repeat(1000);
      try {
        String answer = honest(path, padded);
        boolean ok = answer.equals(padded + ">a>b>c");
        tally.count(ok ? "200" : answer.substring(0, Math.min(3, answer.length())), ok,
            answer.substring(0, Math.min(200, answer.length())));
      } catch (IOException e) {
        tally.count("no answer", false, e.toString());
      }
    }

    /** Item 1: declares 20 MB and sends 15 MB, or declares 100 MB and sends nothing. */
    private void upload(boolean headOnly) throws IOException {
      int declared = headOnly ? 100_000_000 : UPLOAD_DECLARED;
      String head = "POST /order HTTP/1.1\r\nHost: edge\r\nContent-Type: " + TEXT + "\r\nContent-Length: " + declared;
      try (RawExchange x = RawExchange.open(edge, head, 20_000)) {
        if (!headOnly) {
          byte[] chunk = new byte[64 * 1024];
          for (int sent = 0; sent < UPLOAD_SENT && !x.answeredEarly(); sent += chunk.length) {
            if (!x.write(chunk)) {
              break;
            }
          }
        }
        RawExchange.Outcome o = headOnly ? x.read() : x.finish();
        uploads.count(o.name(), o.coded() && o.status() == 413, o.body());
      } catch (IOException e) {
        uploads.count("no answer", false, e.toString());
      }
    }

    /**
     * Declares 8 MB (within the edge's 16 MiB limit) and sends half, then stalls: each one the body
     * budget admits holds 8 MB until the edge's request-time limit (30 s) drops it; the others are
     * refused at once with 503. Neither may turn honest requests away.
     */
    private void stall() throws IOException {
      String head = "POST /order HTTP/1.1\r\nHost: edge\r\nContent-Type: " + TEXT + "\r\nContent-Length: 8000000";
      long started = System.nanoTime();
      try (RawExchange x = RawExchange.open(edge, head, 45_000)) {
        byte[] chunk = new byte[64 * 1024];
        for (int sent = 0; sent < 4_000_000 && !x.answeredEarly(); sent += chunk.length) {
          if (!x.write(chunk)) {
            break;
          }
        }
        RawExchange.Outcome o = x.read();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        boolean refused = o.coded() && o.status() == 503 && o.reason().equals("hop.unavailable");
        boolean timedOut = o.status() == 0 && seconds >= 20;
        stalls.count(timedOut ? "dropped after " + (seconds / 5 * 5) + "+ s" : o.name(), refused || timedOut, o.body());
      } catch (IOException e) {
        stalls.count("no answer", false, e.toString());
      }
    }

    /** Item 2: a quoted Content-Type parameter with a non-ASCII or a control byte, sync and async. */
    private void badContentType(int i) throws IOException {
      String type = i % 2 == 0 ? "application/json; charset=\"\u00e9\"" : "text/plain; x=\"\u0001\"";
      String path = i % 4 < 2 ? "/order/async" : "/order";
      String head = "POST " + path + " HTTP/1.1\r\nHost: edge\r\nContent-Type: " + type + "\r\nContent-Length: 2";
      exchange(contentTypes, head, "{}".getBytes(StandardCharsets.US_ASCII), o -> o.coded() && o.status() < 500);
    }

    /** Item 7: chunk sizes the grammar forbids. */
    private void badFraming(int i) throws IOException {
      String size = i % 2 == 0 ? "zz" : "-5";
      String head = "POST /order HTTP/1.1\r\nHost: edge\r\nContent-Type: " + TEXT + "\r\nTransfer-Encoding: chunked";
      exchange(framing, head, (size + "\r\nhello\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
          o -> o.coded() && o.status() == 400);
    }

    /** Item 3: the exposed, signed final route sent to the last hop as a request, with the attacker's body. */
    private void replay() throws IOException, InterruptedException {
      String route = exposedRoute.get();
      if (route == null) {
        Thread.sleep(20);
        return;
      }
      String head = "POST / HTTP/1.1\r\nHost: c\r\nContent-Type: " + TEXT + "\r\n" + ChainHeaders.DESCRIPTOR + ": "
          + route + "\r\nContent-Length: 6";
      try (RawExchange x = RawExchange.open(lastHop, head, 20_000)) {
        x.write("REPLAY".getBytes(StandardCharsets.US_ASCII));
        RawExchange.Outcome o = x.read();
        replays.count(o.name(), o.coded() && o.status() >= 400 && o.status() < 500, o.body());
      } catch (IOException e) {
        replays.count("no answer", false, e.toString());
      }
    }

    /** A valid request whose body arrives 10 bytes every 250 ms: it ties up a connection for ~5 s. */
    private void trickle(String text) throws IOException, InterruptedException {
      byte[] body = (text + "-" + "t".repeat(200)).getBytes(StandardCharsets.US_ASCII);
      String head = "POST /order HTTP/1.1\r\nHost: edge\r\nContent-Type: " + TEXT + "\r\nContent-Length: " + body.length;
      try (RawExchange x = RawExchange.open(edge, head, 40_000)) {
        for (int off = 0; off < body.length; off += 10) {
          if (!x.write(java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 10)))) {
            break;
          }
          Thread.sleep(250);
        }
        RawExchange.Outcome o = x.read();
        trickles.count(o.name(), o.status() == 200 || o.coded(), o.body());
      } catch (IOException e) {
        trickles.count("no answer", false, e.toString());
      }
    }

    private void exchange(Tally tally, String head, byte[] body, java.util.function.Predicate<RawExchange.Outcome> ok)
        throws IOException {
      try (RawExchange x = RawExchange.open(edge, head + "\r\nConnection: close", 20_000)) {
        x.write(body);
        RawExchange.Outcome o = x.read();
        tally.count(o.name(), ok.test(o), o.body());
      } catch (IOException e) {
        tally.count("no answer", false, e.toString());
      }
    }

    String report(Path javaHome, int seconds, boolean alive, int peakHeap, int after, long stackLines, long errorLines) {
      StringBuilder sb = new StringBuilder();
      sb.append("Hostile soak: edge on ").append(javaHome).append(" (java ").append(major(javaHome)).append("), -Xmx")
          .append(EdgeProcess.HEAP_MIB).append("m, ").append(seconds).append(" s, 200 connections\n");
      for (Tally t : List.of(honestSync, honestAsync, uploads, stalls, contentTypes, framing, replays, trickles)) {
        sb.append("  ").append(t).append('\n');
      }
      sb.append(String.format("  honest success: %.3f %%; edge alive: %s; peak heap before GC: %d MiB of %d;"
          + " after the soak: %d/20 honest succeeded; edge log: %d stack-trace lines, %d ERROR lines%n",
          100 * honestShare(), alive, peakHeap, EdgeProcess.HEAP_MIB, after, stackLines, errorLines));
      return sb.toString();
    }
  }
}
