package io.chainmesh.reliability.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.reliability.faults.LoopbackDomain;
import io.chainmesh.reliability.faults.ResourceProbe;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20 000 accounted requests (200 000 with {@code -Dreliability.long=true}) at concurrency 64 through
 * an edge and a chain of five hops, synchronous and asynchronous: none lost, none corrupted, none
 * answered twice, no error; latency percentiles and throughput reported to
 * {@code ${reliability.reportDir}/load-<mode>.csv}.
 */
@Tag("reliability")
class AccountedLoadTest {
  private static final List<String> HOPS = List.of("h1", "h2", "h3", "h4", "h5");
  private static final int CONCURRENCY = 64;
  private static final int PAYLOAD_CHARS = 1024;
  private static final int WARM_UP = 2_000;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sync", "async"})
  void everyRequestIsAnsweredOnceAndCorrectly(String mode) throws Exception {
    int requests = LoadReport.longRun() ? 200_000 : 20_000;
    ResourceProbe probe = ResourceProbe.afterWarmUp();
    try (LoopbackDomain domain = new LoopbackDomain()) {
      HOPS.forEach(name -> domain.hop(name, new Mixer(0)));
      ChainEdge edge = domain.edge("""
          services: [h1, h2, h3, h4, h5]
          chains:
            - name: parcel
              match: POST /parcel
              segments: [h1/mix, h2/mix, h3/mix, h4/mix, h5/mix]
              returnMode: %s
              deadline: 30s
          """.formatted(mode), e -> e.maxParkedRequests(4 * CONCURRENCY));
      OkHttpClient client = domain.outside().newBuilder()
          .connectionPool(new ConnectionPool(2 * CONCURRENCY, 1, TimeUnit.MINUTES))
          .callTimeout(Duration.ofSeconds(60)).readTimeout(Duration.ofSeconds(60)).build();
      AccountedLoad warmUp = new AccountedLoad(WARM_UP, CONCURRENCY, PAYLOAD_CHARS, HOPS);
      AccountedLoad load = new AccountedLoad(requests, CONCURRENCY, PAYLOAD_CHARS, HOPS);

      assertAllCorrect(warmUp.run(client, edge.uri().resolve("/parcel"), n -> { }));
      long cpuBefore = processCpuNanos();
      long started = System.nanoTime();
      Ledger ledger = load.run(client, edge.uri().resolve("/parcel"), n -> { });
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;

      new LoadReport().put("mode", mode).put("hops", HOPS.size()).put("concurrency", CONCURRENCY)
          .put("payload_chars", PAYLOAD_CHARS).ledger(ledger).put("seconds", seconds)
          .put("requests_per_s", requests / seconds).put("cpu_s", cpuSeconds)
          .put("cores", Runtime.getRuntime().availableProcessors()).put("java", Runtime.version().toString())
          .write("load-" + mode);
      assertAllCorrect(ledger);
      assertEquals(requests, edge.stats().chainsStarted() - WARM_UP, "the edge started one chain per request");
      if (mode.equals("async")) {
        assertEquals(requests + WARM_UP, edge.stats().repliesAccepted(), edge.stats()::toString);
        assertEquals(0, edge.stats().repliesDropped(), edge.stats()::toString);
      }
      client.connectionPool().evictAll();
      domain.awaitConnectionsIdle();
    }
    probe.assertReleased();
  }

  private static void assertAllCorrect(Ledger ledger) {
    assertEquals(0, ledger.lost(), ledger::toString);
    assertEquals(0, ledger.count(Ledger.Outcome.CORRUPTED), ledger::toString);
    assertEquals(0, ledger.answeredTwice(), ledger::toString);
    assertEquals(0, ledger.errors(), () -> ledger + " e.g. " + ledger.examples());
    assertEquals(Map.of(), ledger.failures());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
