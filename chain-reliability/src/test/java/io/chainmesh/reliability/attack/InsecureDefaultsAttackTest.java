package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.KeyRing;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Threat "insecure defaults" (brief §4): there is no way to start a hop or an edge without keys by
 * omission, and the explicitly named insecure development mode only skips the MAC: every other check
 * still refuses. (That a keyed hop refuses unsigned descriptors is in {@link ForgedDescriptorAttackTest}.)
 */
class InsecureDefaultsAttackTest {
  private static AttackTarget target;
  private static ChainServer insecure;

  @BeforeAll
  static void start() {
    target = new AttackTarget();
    ChainHop hop = ChainHop.builder().functions(new TargetFunctions.Alpha(target.calls)).serviceName("alpha")
        .nodeId("insecure-node").keys(KeyRing.insecureDevelopmentMode()).resolver(SegmentResolver.staticMap(Map.of()))
        .build();
    insecure = ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
  }

  @AfterAll
  static void stop() {
    insecure.close();
    target.close();
  }

  @BeforeEach
  void reset() {
    target.reset();
  }

  @Test
  void hopWithoutKeysCannotBeBuilt() {
    ChainHop.Builder builder = ChainHop.builder().functions(new TargetFunctions.Alpha(target.calls))
        .resolver(SegmentResolver.staticMap(Map.of()));

    assertThrows(IllegalStateException.class, builder::build);
  }

  @Test
  void edgeWithoutKeysCannotStart() {
    ChainEdge.Builder builder = ChainEdge.builder().catalogue(Path.of("does-not-matter.yaml")).loopback().port(0);

    assertThrows(IllegalStateException.class, builder::start);
  }

  @Test
  void insecureModeStillRefusesAnExpiredDescriptor() {
    ChainDescriptor expired = descriptor("alpha").issuedAt(Instant.now().minusSeconds(600))
        .expiresAt(Instant.now().minusSeconds(540)).build();
    String unsigned = ChainCodec.builder(KeyRing.insecureDevelopmentMode()).build().encode(expired);

    AttackTarget.Answer answer = target.send(insecure.uri(), unsigned, "x");

    target.assertRefused(answer, 401, "descriptor.expired");
  }

  @Test
  void insecureModeStillRefusesASegmentForAnotherService() {
    String unsigned = ChainCodec.builder(KeyRing.insecureDevelopmentMode()).build().encode(descriptor("beta").build());

    target.assertRefused(target.send(insecure.uri(), unsigned, "x"), 421, "segment.not_here");
  }

  @Test
  void insecureModeAcceptsAnUnsignedDescriptorOnlyBecauseItWasNamed() {
    String unsigned = ChainCodec.builder(KeyRing.insecureDevelopmentMode()).build().encode(descriptor("alpha").build());

    AttackTarget.Answer answer = target.send(insecure.uri(), unsigned, "x");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals(1, target.calls.of("alpha"));
  }
}
