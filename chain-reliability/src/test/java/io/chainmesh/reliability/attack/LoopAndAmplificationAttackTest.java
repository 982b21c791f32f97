package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.CURRENT;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Outcome;
import io.chainmesh.core.internal.proto.RouteRecord;
import io.chainmesh.core.internal.proto.Segment;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Threat "loops and amplification (RFC 5095)" (brief §4): the hop limit, the strictly increasing
 * pointer and the bound on inserted sub-chains end every loop after a number of function calls
 * known in advance, whoever builds it.
 */
class LoopAndAmplificationAttackTest {
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

  @Test
  void pingPongLoopThroughTheEdgeEndsAtTheHopLimit() {
    AttackTarget.Answer answer = target.toEdge("/pingpong", "x");

    // hopLimit 6: six calls, the sixth cannot insert another segment it could reach.
    target.assertRefused(answer, 508, "hop_limit.exceeded", 6);
    assertEquals(3, target.calls.of("ping"));
    assertEquals(3, target.calls.of("pong"));
  }

  @Test
  void pingPongLoopWithAGenerousHopLimitEndsAtTheSubChainBound() {
    AttackTarget.Answer answer = target.toEdge("/pingpong-unbounded", "x");

    // 16 insertions are allowed per chain; the 17th call's insertion is refused.
    target.assertRefused(answer, 400, "limits.inserted_segments", 17);
  }

  @Test
  void singleInsertionPastTheSubChainBoundIsRefused() {
    AttackTarget.Answer answer = target.toEdge("/flood", "x");

    target.assertRefused(answer, 400, "limits.inserted_segments", 1);
    assertEquals(0, target.calls.of("alpha"), "none of the inserted segments ran");
  }

  @Test
  void staticLoopAlphaBetaAlphaStopsWhereTheHopLimitRunsOut() {
    String header = sign(descriptor("alpha", "beta", "alpha", "beta", "alpha", "beta", "alpha", "beta")
        .hopLimit(3).build());

    AttackTarget.Answer answer = target.toHop("alpha", header, "x");

    // alpha and beta forward; the third hop gets hop limit 1 short of the end and refuses unrun.
    target.assertRefused(answer, 508, "hop_limit.exceeded", 2);
  }

  @Test
  void descriptorArrivingWithHopLimitOneShortOfTheEndIsRefusedUnrun() {
    String header = sign(descriptor("alpha", "beta").hopLimit(1).build());

    target.assertRefused(target.toHop("alpha", header, "x"), 508, "hop_limit.exceeded");
  }

  private static Segment seg(String service) {
    return Segment.newBuilder().setService(service).build();
  }

  static Stream<Arguments> signedOutOfBounds() {
    return Stream.of(
        Arguments.of("hop limit 0", 508, "hop_limit.exceeded", (UnaryOperator<Descriptor.Builder>) d -> d.setHopLimit(0)),
        Arguments.of("hop limit 256, above the maximum", 400, "limits.hop_limit",
            (UnaryOperator<Descriptor.Builder>) d -> d.setHopLimit(256)),
        Arguments.of("pointer past the last segment", 400, "pointer.out_of_range",
            (UnaryOperator<Descriptor.Builder>) d -> d.setPointer(7)),
        Arguments.of("pointer 2^31", 400, "pointer.out_of_range",
            (UnaryOperator<Descriptor.Builder>) d -> d.setPointer(Integer.MIN_VALUE)),
        Arguments.of("65 segments", 400, "limits.segments", (UnaryOperator<Descriptor.Builder>) d -> {
          for (int i = 0; i < 63; i++) {
            d.addSegments(seg("beta"));
          }
          return d;
        }),
        Arguments.of("17 inserted segments claimed", 400, "limits.inserted_segments",
            (UnaryOperator<Descriptor.Builder>) d -> {
              for (int i = 0; i < 18; i++) {
                d.addSegments(seg("beta"));
              }
              return d.setInsertedSegments(17);
            }),
        Arguments.of("every segment claimed inserted", 400, "descriptor.malformed",
            (UnaryOperator<Descriptor.Builder>) d -> d.setInsertedSegments(2)),
        Arguments.of("65 route records", 400, "limits.route", (UnaryOperator<Descriptor.Builder>) d -> {
          for (int i = 0; i < 65; i++) {
            d.addRoute(RouteRecord.newBuilder().setSegmentIndex(0).setNode("n").setOutcome(Outcome.OUTCOME_FORWARDED));
          }
          return d;
        }),
        Arguments.of("route records out of order (a rewound path)", 400, "descriptor.malformed",
            (UnaryOperator<Descriptor.Builder>) d -> d.setPointer(1)
                .addRoute(RouteRecord.newBuilder().setSegmentIndex(1).setNode("n").setOutcome(Outcome.OUTCOME_FORWARDED))
                .addRoute(RouteRecord.newBuilder().setSegmentIndex(0).setNode("n").setOutcome(Outcome.OUTCOME_FORWARDED))),
        Arguments.of("chain id of 4 bytes", 400, "descriptor.malformed",
            (UnaryOperator<Descriptor.Builder>) d -> d.setChainId(ByteString.copyFrom(new byte[4]))));
  }

  /** Signed by a key holder: what a buggy or compromised hop could emit. Refused by every receiver. */
  @ParameterizedTest(name = "signed descriptor with {0} → {1} {2}")
  @MethodSource("signedOutOfBounds")
  void signedDescriptorOutsideTheBoundsIsRefused(String name, int status, String reason,
      UnaryOperator<Descriptor.Builder> change) {
    String header = Forgery.resigned(sign(descriptor("alpha", "beta").build()), CURRENT, CURRENT_SECRET, change);

    String sentTo = name.startsWith("route records out of order") ? "beta" : "alpha";
    target.assertRefused(target.toHop(sentTo, header, "x"), status, reason);
  }
}
