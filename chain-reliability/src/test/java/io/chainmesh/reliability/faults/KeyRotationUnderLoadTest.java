package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.KeyRing;
import io.chainmesh.edge.ChainEdge;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotating the MAC key of a running domain (edge and hops {@code a → b → c}) while clients keep
 * sending: add the new key everywhere, switch every signer to it, wait until no chain signed with
 * the old key is in flight, retire the old key. Done in that order, no request fails. Done too
 * early — a hop retiring the old key while another still signs with it — a chain is refused with
 * 401 {@code integrity.unknown_key} at the hop that no longer knows the key.
 */
class KeyRotationUnderLoadTest {
  private static final byte[] OLD_SECRET = "rotation-old-secret-0123456789abcdefgh".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEW_SECRET = "rotation-new-secret-0123456789abcdefgh".getBytes(StandardCharsets.US_ASCII);
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: abc
          match: POST /abc
          segments: [a/append, b/append, c/append]
          deadline: 5s
      """;
  private static final int CLIENTS = 6;

  private ResourceProbe probe;
  private LoopbackDomain domain;
  private final RotatingKeys edgeKeys = new RotatingKeys(oldRing());
  private final List<RotatingKeys> hopKeys = List.of(new RotatingKeys(oldRing()), new RotatingKeys(oldRing()),
      new RotatingKeys(oldRing()));
  private final TextFunctions.Append b = new TextFunctions.Append();
  private ChainEdge edge;

  @BeforeEach
  void startDomain() {
    probe = ResourceProbe.afterWarmUp();
    domain = new LoopbackDomain();
    domain.hop("a", new TextFunctions.Append(), h -> h.keys(hopKeys.get(0)));
    domain.hop("b", b, h -> h.keys(hopKeys.get(1)));
    domain.hop("c", new TextFunctions.Append(), h -> h.keys(hopKeys.get(2)));
    edge = domain.edge(CATALOGUE, e -> e.keys(edgeKeys));
  }

  @AfterEach
  void everythingIsReleased() {
    domain.close();
    probe.assertReleased();
  }

  private static KeyRing oldRing() {
    return KeyRing.builder().addKey("k1", OLD_SECRET).build();
  }

  @Test
  void rotationInTheRightOrderUnderLoadFailsNoRequest() throws Exception {
    Load load = new Load();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.execute(load::run);
      }
      load.awaitAnswered(100);

      everyone(ring -> ring.withKey("k2", NEW_SECRET));
      load.awaitAnswered(load.answered() + 100);

      edgeKeys.rotate(ring -> ring.signingWith("k2"));
      hopKeys.forEach(keys -> keys.rotate(ring -> ring.signingWith("k2")));
      long lastSignedWithOldKey = load.started();
      load.awaitAllFinishedUpTo(lastSignedWithOldKey);
      long drained = load.answered();

      everyone(ring -> ring.without("k1"));
      load.awaitAnswered(drained + 200);
    } finally {
      load.stop();
      clients.shutdown();
      assertTrue(clients.awaitTermination(20, TimeUnit.SECONDS), "clients stopped");
    }

    assertEquals(List.of(), load.failures(), "failures during the rotation");
    assertTrue(load.answered() >= 400, () -> load.answered() + " answered");
    assertEquals(List.of("k2"), List.copyOf(edgeKeys.keyRing().keyIds()));
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }

  @Test
  void descriptorSignedWithAKeyRetiredTooEarlyIsRefused401UnknownKeyByTheHopThatRetiredIt() {
    everyone(ring -> ring.withKey("k2", NEW_SECRET));
    hopKeys.get(1).rotate(ring -> ring.signingWith("k2").without("k1"));

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");

    assertEquals(401, answer.status(), answer::toString);
    assertEquals("integrity.unknown_key", answer.reason());
    assertEquals("b-node", answer.problem().hop().orElseThrow(), "the hop that no longer holds k1 refused");
    assertEquals(0, b.calls(), "b ran nothing");
    domain.awaitConnectionsIdle();
  }

  private void everyone(UnaryOperator<KeyRing> step) {
    edgeKeys.rotate(step);
    hopKeys.forEach(keys -> keys.rotate(step));
  }

  /** Clients sending {@code /abc} in a loop, each request numbered at its start. */
  private final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    void run() {
      while (running.get()) {
        long n = sequence.incrementAndGet();
        inFlight.add(n);
        try {
          LoopbackDomain.Answer answer = domain.post(edge, "/abc", "r" + n);
          if (answer.status() == 200 && answer.body().equals("r" + n + ">a>b>c")) {
            answered.incrementAndGet();
          } else {
            failures.add("request " + n + ": " + answer);
          }
        } catch (UncheckedIOException e) {
          failures.add("request " + n + ": " + e.getCause());
        } finally {
          inFlight.remove(n);
        }
      }
    }

    long started() {
      return sequence.get();
    }

    long answered() {
      return answered.get();
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    void awaitAnswered(long count) {
      LoopbackDomain.await(Duration.ofSeconds(20), () -> answered.get() >= count || !failures.isEmpty(),
          () -> count + " answered (" + answered.get() + " so far)");
    }

    /** Waits until every request numbered up to {@code n} has its answer: the in-flight drain. */
    void awaitAllFinishedUpTo(long n) {
      LoopbackDomain.await(Duration.ofSeconds(20), () -> inFlight.isEmpty() || inFlight.first() > n,
          () -> "requests up to " + n + " finished");
    }

    void stop() {
      running.set(false);
    }
  }
}
