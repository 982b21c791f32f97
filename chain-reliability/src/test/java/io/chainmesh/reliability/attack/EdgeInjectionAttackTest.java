package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threats "injection at the edge" and "forged descriptor from outside" at the running edge (brief
 * §4). The edge builds every first-hop request from scratch, so a client's {@code Chain-Descriptor}
 * and {@code Chain-Route} have no effect at all. A request carrying {@code Chain-Reply-Status} is
 * taken as an asynchronous reply delivery (never as a chain start) and accepted only with a genuine
 * route for a chain a client waits for: every forged delivery is refused, starts nothing and runs
 * no function.
 */
class EdgeInjectionAttackTest {
  private static AttackTarget target;

  @BeforeAll
  static void start() {
    target = new AttackTarget();
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  @BeforeEach
  void reset() {
    target.reset();
  }

  /** A genuine descriptor pointing at gamma, the last segment: what a client would like to jump to. */
  private static String shortcutToGamma() {
    return sign(descriptor("alpha", "beta", "gamma").pointer(2).hopLimit(1).build());
  }

  @ParameterizedTest(name = "client sends {0}: ignored, the chain runs from its first segment")
  @ValueSource(strings = {ChainHeaders.DESCRIPTOR, "chain-descriptor", "CHAIN-DESCRIPTOR", ChainHeaders.ROUTE})
  void chainHeaderFromAClientHasNoEffect(String header) {
    long started = target.edge().stats().chainsStarted();

    AttackTarget.Answer answer = target.toEdge("/abc", "x", header, shortcutToGamma());

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("x.a.b.g", answer.body(), "every segment ran, in order, once");
    assertEquals(1, target.calls.of("alpha"));
    assertEquals(1, target.calls.of("beta"));
    assertEquals(1, target.calls.of("gamma"));
    assertEquals(started + 1, target.edge().stats().chainsStarted());
    assertNull(answer.headers().get(ChainHeaders.ROUTE), "the route does not leave the domain");
  }

  @Test
  void injectedDescriptorOnAPathWithoutAChainStartsNothing() {
    AttackTarget.Answer answer = target.toEdge("/admin", "x", ChainHeaders.DESCRIPTOR, shortcutToGamma());

    target.assertRefused(answer, 404, "edge.no_route");
  }

  @Test
  void injectedDescriptorAboveTheHeaderLimitIsStillJustIgnored() {
    AttackTarget.Answer answer = target.toEdge("/abc", "x", ChainHeaders.DESCRIPTOR, "A".repeat(16 * 1024));

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("x.a.b.g", answer.body());
  }

  /** The final descriptor of an async chain replying to the edge, signed with {@code keys}. */
  private static String asyncRoute(KeyRing keys) {
    ChainDescriptor issued = descriptor("alpha").async(Segment.of("edge")).build();
    ChainDescriptor last = issued.recordFinal(RouteRecord.builder().segmentIndex(0).node("alpha-node")
        .start(Instant.now()).duration(Duration.ofMillis(1)).outcome(Outcome.ANSWERED).build());
    return ChainCodec.builder(keys).build().encode(last);
  }

  static Stream<Arguments> forgedDeliveries() {
    return Stream.of(
        Arguments.of("no Chain-Route", 400, "descriptor.missing", (Supplier<String>) () -> null),
        Arguments.of("a route signed with the attacker's secret", 401, "integrity.bad_mac",
            (Supplier<String>) () -> asyncRoute(AttackTarget.ATTACKER_SIGNER)),
        Arguments.of("a route signed with the retired key", 401, "integrity.unknown_key",
            (Supplier<String>) () -> asyncRoute(AttackTarget.RETIRED_SIGNER)),
        Arguments.of("an unsigned route", 401, "integrity.missing",
            (Supplier<String>) () -> Forgery.envelopeChanged(asyncRoute(AttackTarget.KEYS), e -> e.clearKeyId().clearMac())),
        Arguments.of("a genuine route with a tampered reply status field", 401, "integrity.bad_mac",
            (Supplier<String>) () -> Forgery.tampered(asyncRoute(AttackTarget.KEYS), d -> d.setChainName("other"))),
        Arguments.of("garbage as the route", 400, "descriptor.malformed", (Supplier<String>) () -> "%%%"),
        Arguments.of("a genuine route of a synchronous chain", 400, "descriptor.malformed",
            (Supplier<String>) () -> sign(descriptor("alpha").build().recordFinal(RouteRecord.builder().segmentIndex(0)
                .node("alpha-node").start(Instant.now()).duration(Duration.ofMillis(1)).outcome(Outcome.ANSWERED).build()))),
        Arguments.of("a genuine route for a chain no client waits for", 404, "edge.reply_unmatched",
            (Supplier<String>) () -> asyncRoute(AttackTarget.KEYS)));
  }

  @ParameterizedTest(name = "client posing as a reply delivery with {0} → {1} {2}")
  @MethodSource("forgedDeliveries")
  void forgedReplyDeliveryIsRefusedAndStartsNothing(String name, int status, String reason, Supplier<String> route) {
    long started = target.edge().stats().chainsStarted();
    String header = route.get();

    AttackTarget.Answer answer = header == null
        ? target.toEdge("/abc", "forged result", ChainHeaders.REPLY_STATUS, "200")
        : target.toEdge("/abc", "forged result", ChainHeaders.REPLY_STATUS, "200", ChainHeaders.ROUTE, header);

    target.assertRefused(answer, status, reason);
    assertEquals(started, target.edge().stats().chainsStarted());
  }
}
