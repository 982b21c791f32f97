package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.ATTACKER_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chainmesh.core.ChainDescriptor;
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

/**
 * Threat "replay of a captured descriptor" (brief §4). What exists: a short expiry inside the MAC'd
 * bytes (the edge issues 60 s; hops refuse anything past expiry + 5 s skew, anything issued in the
 * future, and any lifetime over 10 min), so a captured header is worthless after its expiry.
 *
 * <p>Within its expiry a captured header <em>is</em> accepted again by a hop without the opt-in
 * replay guard ({@code ChainHop.Builder.replayGuard}, see {@link ServedSegmentReplayAttackTest}):
 * hops keep no state by default. The chain id (random, 128 bit) and segment index reach every function
 * through {@code ChainContext}, so a function whose effect must not happen twice keeps an optional
 * replay cache on that key; the {@code guarded} function of the fixture does, and its test shows it.
 */
class ReplayAttackTest {
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

  private static String issued(Instant issuedAt, Instant expiresAt) {
    return sign(descriptor("alpha", "beta").issuedAt(issuedAt).expiresAt(expiresAt).build());
  }

  static Stream<Arguments> staleOrStretched() {
    return Stream.of(
        Arguments.of("captured an hour ago, expired", 401, "descriptor.expired", (Supplier<String>) () ->
            issued(Instant.now().minus(Duration.ofHours(1)), Instant.now().minus(Duration.ofMinutes(59)))),
        Arguments.of("expired 6 s ago, just past the 5 s skew", 401, "descriptor.expired", (Supplier<String>) () ->
            issued(Instant.now().minusSeconds(66), Instant.now().minusSeconds(6))),
        Arguments.of("issued a minute in the future", 401, "descriptor.not_yet_valid", (Supplier<String>) () ->
            issued(Instant.now().plusSeconds(60), Instant.now().plusSeconds(120))),
        Arguments.of("valid for a day (lifetime over 10 min)", 401, "descriptor.lifetime_too_long",
            (Supplier<String>) () -> issued(Instant.now(), Instant.now().plus(Duration.ofDays(1)))),
        Arguments.of("expired, then re-signed by the attacker with a new expiry", 401, "integrity.bad_mac",
            (Supplier<String>) () -> Forgery.resigned(issued(Instant.now().minusSeconds(600), Instant.now().minusSeconds(540)),
                CURRENT, ATTACKER_SECRET, d -> d.setExpiresAtMs(System.currentTimeMillis() + 30_000))));
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @MethodSource("staleOrStretched")
  void descriptorOutsideItsValidityWindowIsRefused(String name, int status, String reason, Supplier<String> header) {
    target.assertRefused(target.toHop("alpha", header.get(), "payload"), status, reason);
  }

  @Test
  void capturedHeaderReplayedWithinItsExpiryRunsTheFunctionAgain() {
    String captured = sign(descriptor("alpha").build());

    AttackTarget.Answer first = target.toHop("alpha", captured, "payload");
    AttackTarget.Answer replayed = target.toHop("alpha", captured, "payload");

    assertEquals(200, first.status(), first::toString);
    assertEquals(200, replayed.status(), replayed::toString);
    assertEquals(2, target.calls.of("alpha"), "no built-in replay cache: documented, see the class comment");
  }

  @Test
  void functionKeepingAReplayCacheOnChainIdRefusesTheReplay() {
    String captured = sign(descriptor("guarded").build());

    AttackTarget.Answer first = target.toHop("guarded", captured, "payload");
    AttackTarget.Answer replayed = target.toHop("guarded", captured, "payload");

    assertEquals(200, first.status(), first::toString);
    assertEquals("once:payload", first.body());
    assertEquals(409, replayed.status(), replayed::toString);
    assertEquals("replayed", replayed.body());
  }

  @Test
  void sameChainIdAtAnotherSegmentIsNotAReplay() {
    ChainDescriptor chain = descriptor("guarded").build();
    String header = sign(chain);
    String sibling = sign(ChainDescriptor.builder().chainId(chain.chainId()).segment(io.chainmesh.core.Segment.of("alpha"))
        .segment(io.chainmesh.core.Segment.of("guarded")).pointer(1).build());

    assertEquals(200, target.toHop("guarded", header, "payload").status());
    assertEquals(200, target.toHop("guarded", sibling, "payload").status());
  }
}
