package io.chainmesh.reliability.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.RetryPolicy;
import io.chainmesh.reliability.faults.LoopbackDomain;
import io.chainmesh.reliability.load.AccountedLoad;
import io.chainmesh.reliability.load.Ledger;
import io.chainmesh.reliability.load.LoadReport;
import io.chainmesh.reliability.load.Mixer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real nginx between two hops: edge → a → nginx → {b1, b2} → c, under accounted load, and one
 * replica of b killed (its ChainServer stopped abruptly) a third of the way through.
 *
 * <p>nginx is configured with {@code proxy_next_upstream error timeout}: a request whose connection
 * to a replica fails (the killed one refuses connections) is passed to the other replica, which is
 * safe because it never reached the first; a POST that was already sent is not passed on, because
 * nginx cannot know whether b ran it. When b is declared idempotent ({@link Idempotency#IDEMPOTENT}),
 * nginx also gets {@code non_idempotent} and passes those on too, and hop a's {@link RetryPolicy}
 * names b. The accounting must be exact either way: every request answered correctly or failed with
 * a coded problem, none lost without an answer, none answered twice; and every failure a request that
 * nginx had sent to the killed replica before it died.
 */
@Tag("reliability")
class NginxLoadBalancerTest {
  private static final int CONCURRENCY = 32;
  private static final int PAYLOAD_CHARS = 1024;
  private static final List<String> SERVICES = List.of("a", "b", "c");
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: balanced
          match: POST /balanced
          segments: [a/mix, b/mix, c/mix]
          deadline: 30s
      """;

  private static Path nginx;

  /** Whether b may run a request twice. */
  enum Idempotency {
    NOT_IDEMPOTENT("error timeout"),
    IDEMPOTENT("error timeout non_idempotent");

    final String nextUpstream;

    Idempotency(String nextUpstream) {
      this.nextUpstream = nextUpstream;
    }
  }

  @BeforeAll
  static void nginxIsAvailable() {
    StringBuilder why = new StringBuilder();
    Optional<Path> binary = Nginx.installIfMissing(Path.of(System.getProperty("reliability.scriptsDir",
        "chain-reliability/scripts")), why);
    if (binary.isEmpty()) {
      Assumptions.abort("SKIPPED: the load-balancer test needs nginx, which is unavailable: " + why);
    }
    nginx = binary.get();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Idempotency.class)
  void killingAReplicaMidLoadLosesAtMostWhatWasInFlightThereAndEveryRequestIsAccounted(Idempotency b)
      throws Exception {
    int requests = LoadReport.longRun() ? 60_000 : 6_000;
    try (LoopbackDomain domain = new LoopbackDomain()) {
      Mixer b1 = new Mixer(2_000);
      Mixer b2 = new Mixer(2_000);
      Mixer c = new Mixer(0);
      RetryPolicy retries = b == Idempotency.IDEMPOTENT
          ? RetryPolicy.builder().idempotentServices(Set.of("b")).build() : RetryPolicy.DEFAULT;
      domain.hop("a", new Mixer(0), h -> h.retryPolicy(retries));
      ChainServer replica1 = domain.replica("b", "b1-node", b1, h -> h);
      ChainServer replica2 = domain.replica("b", "b2-node", b2, h -> h);
      domain.hop("c", c);
      int port = LoopbackDomain.unusedAddress().getPort();
      try (Nginx lb = Nginx.start(nginx, port, config(port, replica1.port(), replica2.port(), b))) {
        domain.route("b", lb.uri());
        ChainEdge edge = domain.edge(CATALOGUE, e -> e);
        OkHttpClient client = domain.outside().newBuilder()
            .connectionPool(new ConnectionPool(2 * CONCURRENCY, 1, TimeUnit.MINUTES))
            .callTimeout(Duration.ofSeconds(60)).build();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong killDoneAt = new AtomicLong();
        long[] inFunctionAtKill = new long[1];
        AtomicReference<CompletableFuture<Void>> kill = new AtomicReference<>();

        Ledger ledger = new AccountedLoad(requests, CONCURRENCY, PAYLOAD_CHARS, SERVICES)
            .run(client, edge.uri().resolve("/balanced"), answered -> {
              if (answered == requests / 3) {
                // On its own thread, not the common pool (one thread on 2 cores, maybe busy).
                CompletableFuture<Void> killing = new CompletableFuture<>();
                Thread killer = new Thread(() -> {
                  try {
                    inFunctionAtKill[0] = b1.entered() - b1.finished();
                    killedAt.set(System.currentTimeMillis());
                    replica1.close();
                    killDoneAt.set(System.currentTimeMillis());
                    killing.complete(null);
                  } catch (RuntimeException | Error e) {
                    killing.completeExceptionally(e);
                  }
                }, "replica-killer");
                killer.setDaemon(true);
                killer.start();
                kill.set(killing);
              }
            });
        kill.get().get(30, TimeUnit.SECONDS);

        NginxAccessLog log = NginxAccessLog.parse(lb.lines("access.log"), replica1.port());
        List<Integer> failed = IntStream.range(0, requests)
            .filter(id -> ledger.outcome(id) != Ledger.Outcome.CORRECT).boxed().toList();
        long diedAtKilled = log.diedAtKilledReplica().size();
        new LoadReport().put("variant", b.name().toLowerCase()).put("requests", requests)
            .put("concurrency", CONCURRENCY).put("correct", ledger.count(Ledger.Outcome.CORRECT))
            .put("coded_failures", ledger.count(Ledger.Outcome.CODED_FAILURE)).put("lost", ledger.lost())
            .put("corrupted", ledger.count(Ledger.Outcome.CORRUPTED)).put("answered_twice", ledger.answeredTwice())
            .put("in_b1_function_at_kill", inFunctionAtKill[0])
            .put("nginx_sent_to_b1_and_b1_died", diedAtKilled)
            .put("b1_died_mid_answer", log.cutOffMidAnswer().size())
            .put("nginx_passed_to_b2_after_connect_failure", log.passedOnAfterConnectFailure())
            .put("nginx_passed_to_b2_after_send", log.passedOnAfterSend())
            .put("b_runs", b1.entered() + b2.entered()).put("c_runs", c.entered())
            .put("failures", ledger.failures().toString().replace(',', ';'))
            .put("p50_ms", ledger.percentileMillis(50)).put("p99_ms", ledger.percentileMillis(99))
            .put("max_ms", ledger.percentileMillis(100))
            .write("lb-" + b.name().toLowerCase());

        assertEquals(0, ledger.lost(), () -> "requests without an answer: " + ledger);
        assertEquals(0, ledger.count(Ledger.Outcome.CORRUPTED), ledger::toString);
        assertEquals(0, ledger.count(Ledger.Outcome.UNCODED_FAILURE), ledger::toString);
        assertEquals(0, ledger.answeredTwice(), ledger::toString);
        assertEquals(requests, ledger.count(Ledger.Outcome.CORRECT) + ledger.count(Ledger.Outcome.CODED_FAILURE));
        assertEquals(requests, log.requests(), "nginx saw every request once");
        for (int id : failed) {
          assertTrue(log.diedAtKilledReplica().contains((long) id),
              () -> "request " + id + " failed but nginx did not lose it at the killed replica: " + log.entry(id)
                  + "; b1 was port " + replica1.port() + "; failures: " + ledger.examples());
        }
        for (long id : log.diedAtKilledReplica()) {
          NginxAccessLog.Entry entry = log.entry(id);
          assertTrue(entry.startMillis() <= killDoneAt.get() && entry.endMillis() >= killedAt.get(),
              () -> "request " + id + " lost at b1 was in flight when it was killed: " + entry);
        }
        assertTrue(failed.size() <= CONCURRENCY, "no more lost than can be in flight");
        ledger.failures().keySet().forEach(kind -> assertTrue(
            kind.equals("502 next_hop.bad_response") || kind.equals("502 next_hop.unreachable"), kind));
        Set<Long> failedIds = failed.stream().map(Integer::longValue).collect(Collectors.toSet());
        if (b == Idempotency.IDEMPOTENT) {
          assertEquals(log.cutOffMidAnswer(), failedIds,
              "nginx passed on every request b1 died with, except those b1 had begun to answer");
        } else {
          assertEquals(log.diedAtKilledReplica(), failedIds, "every request b1 died with failed with a coded problem");
        }
        domain.awaitConnectionsIdle();
      }
    }
  }

  private static String config(int port, int replica1, int replica2, Idempotency b) {
    return """
        log_format chain '$msec|$request_time|$http_traceparent|$upstream_addr|$upstream_status|$upstream_bytes_sent|$status|$request_completion|$sent_http_content_length|$body_bytes_sent';
        access_log %5$s chain;
        upstream b_replicas {
          # One failed attempt takes a replica out for 30 s: the killed one stops costing connects.
          server 127.0.0.1:%2$d max_fails=1 fail_timeout=30s;
          server 127.0.0.1:%3$d max_fails=1 fail_timeout=30s;
          # No keepalive to replicas: a request sent on an idle connection the replica closed as it
          # died would count as sent, and nginx would not pass a POST on.
        }
        server {
          listen 127.0.0.1:%1$d;
          client_max_body_size 16m;
          client_body_buffer_size 64k;
          location / {
            proxy_pass http://b_replicas;
            proxy_next_upstream %4$s;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_send_timeout 30s;
            proxy_read_timeout 30s;
            # Chain-Route answers carry a signed descriptor: room for it in the header buffer.
            proxy_buffer_size 16k;
            proxy_buffers 8 16k;
            proxy_max_temp_file_size 0;
          }
        }
        """.formatted(port, replica1, replica2, b.nextUpstream, "access.log");
  }
}
