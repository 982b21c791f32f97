package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.MetadataEntry;
import io.chainmesh.core.internal.proto.ReturnMode;
import io.chainmesh.core.internal.proto.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat "tampering: skip a mandatory segment, reorder, edit metadata" (brief §4): a captured
 * genuine header, its descriptor bytes changed on the wire and the captured MAC kept. The MAC covers
 * every field, so each edit is {@code integrity.bad_mac} before any function runs.
 *
 * <p>The captured header is the one hop beta received from alpha (pointer 1, one route record): the
 * point in a chain where skipping, replaying and rerouting are worth something to an attacker.
 */
class TamperingAttackTest {
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

  /** What alpha forwards to beta in the chain alpha → beta → gamma. */
  private static String capturedAtBeta() {
    ChainDescriptor first = descriptor("alpha", "beta", "gamma").build();
    ChainDescriptor atBeta = first.advance(RouteRecord.builder().segmentIndex(0).node("alpha-node")
        .start(Instant.now()).duration(Duration.ofMillis(1)).outcome(Outcome.FORWARDED).build());
    return sign(atBeta);
  }

  static Stream<Arguments> tamperings() {
    return Stream.of(
        tampering("pointer moved forward to skip beta", "gamma", d -> d.setPointer(2)),
        tampering("pointer moved back to run alpha again", "alpha", d -> d.setPointer(0)),
        tampering("mandatory segment beta removed", "gamma", d -> d.removeSegments(1).setHopLimit(1)),
        tampering("segments reordered: gamma before beta", "gamma",
            d -> d.setSegments(1, d.getSegments(2)).setSegments(2, d.getSegments(1))),
        tampering("segment beta replaced by another service", "flood", d -> d.setSegments(1, seg("flood"))),
        tampering("segment appended after gamma", "beta", d -> d.addSegments(seg("flood"))),
        tampering("segment function name changed", "beta", d -> d.setSegments(1, seg("beta").toBuilder().setFunction("admin"))),
        tampering("argument added to the current segment", "beta", d -> d.setSegments(1,
            seg("beta").toBuilder().addArguments(entry("role", "admin")))),
        tampering("edge metadata value changed", "beta", d -> d.setEdgeMetadata(0, entry("customer.tier", "gold"))),
        tampering("edge metadata entry added", "beta", d -> d.addEdgeMetadata(entry("is.admin", "true"))),
        tampering("edge metadata entry removed", "beta", d -> d.clearEdgeMetadata()),
        tampering("context metadata forged", "beta", d -> d.addContextMetadata(entry("fraud.score", "0.0"))),
        tampering("hop limit raised to 255", "beta", d -> d.setHopLimit(255)),
        tampering("expiry extended by a day", "beta", d -> d.setExpiresAtMs(d.getExpiresAtMs() + 86_400_000L)),
        tampering("issue time moved forward", "beta", d -> d.setIssuedAtMs(d.getIssuedAtMs() + 30_000L)),
        tampering("deadline pushed out", "beta", d -> d.setDeadlineMs(System.currentTimeMillis() + 3_600_000L)),
        tampering("inserted-segment count reset", "beta", d -> d.setInsertedSegments(1)),
        tampering("chain id swapped", "beta", d -> d.setChainId(ByteString.copyFrom(new byte[16]))),
        tampering("chain name changed", "beta", d -> d.setChainName("admin-chain")),
        tampering("route record rewritten to another node", "beta", d -> d.setRoute(0, d.getRoute(0).toBuilder().setNode("evil"))),
        tampering("route record removed", "beta", d -> d.clearRoute()),
        tampering("return mode flipped to async with a reply-to of the attacker's", "beta",
            d -> d.setReturnMode(ReturnMode.RETURN_MODE_ASYNC).setReplyTo(seg("attacker"))),
        tampering("minor version bumped", "beta", d -> d.setMinorVersion(9)),
        tampering("unknown field smuggled in", "beta", d -> d.setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())));
  }

  private static Arguments tampering(String name, String sentTo, UnaryOperator<Descriptor.Builder> change) {
    return Arguments.of(name, sentTo, change);
  }

  private static Segment seg(String service) {
    return Segment.newBuilder().setService(service).build();
  }

  private static MetadataEntry entry(String key, String value) {
    return MetadataEntry.newBuilder().setKey(key).setValue(value).build();
  }

  @ParameterizedTest(name = "{0} (sent to {1}) → 401 integrity.bad_mac")
  @MethodSource("tamperings")
  void tamperedDescriptorWithCapturedMacIsRefused(String name, String sentTo, UnaryOperator<Descriptor.Builder> change) {
    String header = Forgery.tampered(capturedAtBeta(), change);

    AttackTarget.Answer answer = target.toHop(sentTo, header, "payload");

    target.assertRefused(answer, 401, "integrity.bad_mac");
  }

  /** Offsets into the descriptor bytes, from the first byte to the last (negative: from the end). */
  @ParameterizedTest(name = "descriptor byte {0} flipped, MAC kept → 401 integrity.bad_mac")
  @ValueSource(ints = {0, 1, 2, 10, 20, 40, -20, -2, -1})
  void flippedDescriptorByteWithCapturedMacIsRefused(int offset) {
    String captured = capturedAtBeta();
    int length = Forgery.envelope(captured).getDescriptorBytes().size();
    int index = Forgery.descriptorOffset(captured) + Math.floorMod(offset, length);

    AttackTarget.Answer answer = target.toHop("beta", Forgery.flipped(captured, index, 0x01), "payload");

    target.assertRefused(answer, 401, "integrity.bad_mac");
  }

  @ParameterizedTest(name = "MAC byte {0} flipped → 401 integrity.bad_mac")
  @ValueSource(ints = {0, 31})
  void flippedMacByteIsRefused(int macByte) {
    String captured = capturedAtBeta();
    byte[] mac = Forgery.envelope(captured).getMac().toByteArray();
    mac[macByte] ^= (byte) 0x80;

    String header = Forgery.envelopeChanged(captured, e -> e.setMac(ByteString.copyFrom(mac)));

    target.assertRefused(target.toHop("beta", header, "payload"), 401, "integrity.bad_mac");
  }
}
