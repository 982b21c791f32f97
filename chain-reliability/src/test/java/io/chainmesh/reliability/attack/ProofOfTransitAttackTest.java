package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chainmesh.core.ChainHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Threats "proof of transit" and "leak past the domain" (brief §4) at the running edge: the first
 * hop of the chain skipper → beta → gamma answers at once instead of forwarding, and dresses the
 * answer up as it can. The edge checks the returned route against the descriptor it issued and
 * refuses (502 {@code transit.unproven}); beta and gamma never run, and no chain header reaches the
 * client.
 *
 * <p>Limit, by design: a key holder can write a complete route without visiting anyone. Proof of
 * transit holds to the extent every hop is trusted with the keys (docs/wire-format.md §17).
 */
class ProofOfTransitAttackTest {
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

  @ParameterizedTest(name = "first hop answers with {0} → 502 transit.unproven")
  @EnumSource(AttackTarget.Skip.class)
  void answerThatSkippedSegmentsIsRefusedByTheEdge(AttackTarget.Skip how) {
    target.skipperAnswers(how);

    AttackTarget.Answer answer = target.toEdge("/transit", "x");

    target.assertRefused(answer, 502, "transit.unproven");
    assertNull(answer.headers().get(ChainHeaders.ROUTE), "no route past the edge");
    assertNull(answer.headers().get(ChainHeaders.DESCRIPTOR), "no descriptor past the edge");
    assertEquals(0, target.calls.of("beta") + target.calls.of("gamma"));
  }
}
