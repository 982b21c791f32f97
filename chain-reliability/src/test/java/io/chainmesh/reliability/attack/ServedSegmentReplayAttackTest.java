package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.KEYS;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat "replay of a served segment" (brief §4, issue 13 item 3). An edge that exposes
 * {@code Chain-Route} (the demo's does) hands every client a signed descriptor, within its validity
 * window, whose pointer names the chain's last segment. Sent back to that hop as
 * {@code Chain-Descriptor} with a body of the attacker's choosing, it would run the last function
 * on input no earlier segment checked. A hop refuses any descriptor whose route already records the
 * segment it is asked to serve ({@code segment.already_served}, 409), so a finished route is never a
 * request; an opt-in replay guard refuses a second copy of an in-flight descriptor at the hop that
 * took the first. Nothing runs on any refusal.
 */
class ServedSegmentReplayAttackTest {
  private static AttackTarget target;
  private static ChainEdge exposingEdge;
  private static Path dir;

  @BeforeAll
  static void start() throws IOException {
    target = new AttackTarget();
    dir = Files.createTempDirectory("chain-served-replay");
    Path catalogue = dir.resolve("chains.yaml");
    Files.writeString(catalogue, """
        services: [alpha, beta, gamma]
        chains:
          - name: abc
            match: POST /abc
            segments: [alpha, beta, gamma]
        """);
    SegmentResolver resolver = SegmentResolver.staticMap(Map.of("alpha", target.hopUri("alpha"),
        "beta", target.hopUri("beta"), "gamma", target.hopUri("gamma")));
    exposingEdge = ChainEdge.builder().catalogue(catalogue).keys(KEYS).resolver(resolver).loopback().port(0)
        .nodeId("demo-edge").exposeRoute(true).catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO).start();
  }

  @AfterAll
  static void stop() throws IOException {
    exposingEdge.close();
    target.close();
    Files.deleteIfExists(dir.resolve("chains.yaml"));
    Files.deleteIfExists(dir);
  }

  @BeforeEach
  void reset() {
    target.reset();
  }

  /** Runs {@code abc} through the exposing edge, as a client of the demo would; the route it hands out. */
  private static String exposedRoute() {
    AttackTarget.Answer answer = target.send(exposingEdge.uri().resolve("/abc"), null, "order");
    assertEquals(200, answer.status(), answer::toString);
    assertEquals("order.a.b.g", answer.body());
    String route = answer.headers().get(ChainHeaders.ROUTE);
    assertNotNull(route, "the demo-like edge exposes the route");
    target.reset();
    return route;
  }

  private static RouteRecord record(int index, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(index).node("n" + index).start(Instant.now())
        .duration(Duration.ofMillis(1)).outcome(outcome).build();
  }

  /** A hop serving {@code beta} with a replay guard of {@code capacity}; counts in the target's invocations. */
  private static ChainServer guardedBeta(int capacity) {
    ChainHop hop = ChainHop.builder().functions(new TargetFunctions.Beta(target.calls)).serviceName("beta")
        .nodeId("beta-guarded").keys(KEYS).resolver(SegmentResolver.staticMap(Map.of()))
        .replayGuard(capacity).build();
    return ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
  }

  /** A copy of a request on its way from alpha to beta, the last segment: captured in flight. */
  private static String inFlightToBeta() {
    return sign(descriptor("alpha", "beta").build().advance(record(0, Outcome.FORWARDED)));
  }

  @Test
  void exposedRoutePostedToTheLastHopWithAnotherBodyRunsNothing() {
    String route = exposedRoute();

    AttackTarget.Answer replayed = target.toHop("gamma", route, "{\"total\":-1}");

    target.assertRefused(replayed, 409, "segment.already_served");
  }

  @ParameterizedTest(name = "to {0}")
  @ValueSource(strings = {"alpha", "beta"})
  void exposedRoutePostedToAnEarlierHopRunsNothing(String hop) {
    String route = exposedRoute();

    target.assertRefused(target.toHop(hop, route, "forged"), 409, "segment.already_served");
  }

  @Test
  void midChainDescriptorWhoseRouteRecordsTheCurrentSegmentIsRefused() {
    // Signed by a key holder (a buggy or compromised hop): pointer 1, and a record for segment 1 already.
    String header = sign(descriptor("alpha", "beta", "gamma").pointer(1).hopLimit(2)
        .routeRecord(record(0, Outcome.FORWARDED)).routeRecord(record(1, Outcome.FORWARDED)).build());

    target.assertRefused(target.toHop("beta", header, "payload"), 409, "segment.already_served");
  }

  @Test
  void routeOfAChainEndedEarlyIsRefusedAtThatSegment() {
    String header = sign(descriptor("alpha", "beta", "gamma").build().recordFinal(record(0, Outcome.ENDED_EARLY)));

    target.assertRefused(target.toHop("alpha", header, "payload"), 409, "segment.already_served");
  }

  @Test
  void finishedAsyncRouteIsRefusedBeforeTheHopAcceptsIt() {
    ChainDescriptor finished = descriptor("alpha", "beta").async(Segment.of(ChainEdge.DEFAULT_REPLY_TO_SERVICE))
        .build().advance(record(0, Outcome.FORWARDED)).recordFinal(record(1, Outcome.ANSWERED));

    AttackTarget.Answer answer = target.toHop("beta", sign(finished), "payload");

    // Refused at once, not taken on with a 202: the hop owes reply-to nothing for it.
    target.assertRefused(answer, 409, "segment.already_served");
  }

  @Test
  void routeSentBackToTheEdgeByAClientIsIgnored() {
    String route = exposedRoute();
    long started = target.edge().stats().chainsStarted();

    AttackTarget.Answer asRoute = target.toEdge("/abc", "x", ChainHeaders.ROUTE, route);
    AttackTarget.Answer asDescriptor = target.toEdge("/abc", "y", ChainHeaders.DESCRIPTOR, route);

    assertEquals("x.a.b.g", asRoute.body(), asRoute::toString);
    assertEquals("y.a.b.g", asDescriptor.body(), asDescriptor::toString);
    assertEquals(2, target.calls.of("gamma"), "each chain ran from its first segment, once");
    assertEquals(2, target.calls.of("alpha"));
    assertEquals(started + 2, target.edge().stats().chainsStarted());
  }

  @Test
  void routeDeliveredToTheEdgeAsAnAsyncReplyIsRefusedAndStartsNothing() {
    String route = exposedRoute();
    long started = target.edge().stats().chainsStarted();

    AttackTarget.Answer answer = target.toEdge("/abc", "forged result", ChainHeaders.REPLY_STATUS, "200",
        ChainHeaders.ROUTE, route);

    // A synchronous chain's route is no asynchronous reply to this edge.
    target.assertRefused(answer, 400, "descriptor.malformed");
    assertEquals(started, target.edge().stats().chainsStarted());
  }

  @Test
  void withTheGuardASecondCopyOfAnInFlightDescriptorRunsNothing() {
    try (ChainServer beta = guardedBeta(1_000)) {
      String captured = inFlightToBeta();

      AttackTarget.Answer first = target.send(beta.uri(), captured, "honest");
      AttackTarget.Answer replayed = target.send(beta.uri(), captured, "attacker");

      assertEquals(200, first.status(), first::toString);
      assertEquals("honest.b", first.body());
      assertEquals(409, replayed.status(), replayed::toString);
      assertEquals("segment.already_served", replayed.problem().reasonCode());
      assertEquals(1, target.calls.of("beta"), "the function ran for the first copy only");
      target.assertLeaksNothing(replayed);
    }
  }

  @Test
  void withoutTheGuardAnInFlightCopyIsServedAgainUntilItExpires() {
    String captured = inFlightToBeta();

    assertEquals(200, target.toHop("beta", captured, "honest").status());
    assertEquals(200, target.toHop("beta", captured, "attacker").status());

    assertEquals(2, target.calls.of("beta"), "the documented gap the guard closes (wire format 14.6)");
  }

  @Test
  void fullGuardRefusesNewRequestsRatherThanForgetServedOnes() {
    int capacity = 16; // one stripe: full after exactly 16
    try (ChainServer beta = guardedBeta(capacity)) {
      String[] served = new String[capacity];
      for (int i = 0; i < capacity; i++) {
        served[i] = inFlightToBeta();
        assertEquals(200, target.send(beta.uri(), served[i], "p").status());
      }
      target.reset();

      AttackTarget.Answer overflow = target.send(beta.uri(), inFlightToBeta(), "p");
      AttackTarget.Answer replayOfFirst = target.send(beta.uri(), served[0], "attacker");

      target.assertRefused(overflow, 503, "hop.unavailable");
      target.assertRefused(replayOfFirst, 409, "segment.already_served");
      assertEquals(0, target.calls.total(), "nothing ran once the guard was full");
    }
  }
}
