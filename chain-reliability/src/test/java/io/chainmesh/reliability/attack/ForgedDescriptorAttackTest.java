package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.ATTACKER_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.RETIRED;
import static io.chainmesh.reliability.attack.AttackTarget.RETIRED_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
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
 * Threat "forged descriptor from outside" (brief §4): descriptors an attacker without the domain's
 * keys can make, sent to a running hop. Each is refused before any function runs.
 */
class ForgedDescriptorAttackTest {
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

  /** A genuine header for the chain alpha → beta → gamma, pointer at alpha. */
  private static String genuine() {
    return sign(descriptor("alpha", "beta", "gamma").build());
  }

  static Stream<Arguments> forgeries() {
    Random random = new Random(7);
    return Stream.of(
        forgery("signed with the current key id and the attacker's own secret", 401, "integrity.bad_mac",
            () -> Forgery.resigned(genuine(), CURRENT, ATTACKER_SECRET, d -> d)),
        forgery("signed with the codec of an attacker's key ring", 401, "integrity.bad_mac",
            () -> ChainCodec.builder(AttackTarget.ATTACKER_SIGNER).build().encode(descriptor("alpha", "beta").build())),
        forgery("unsigned: no key id, no MAC", 401, "integrity.missing",
            () -> Forgery.envelopeChanged(genuine(), e -> e.clearKeyId().clearMac())),
        forgery("key id without a MAC", 401, "integrity.missing",
            () -> Forgery.envelopeChanged(genuine(), e -> e.clearMac())),
        forgery("MAC without a key id", 401, "integrity.missing",
            () -> Forgery.envelopeChanged(genuine(), e -> e.clearKeyId())),
        forgery("random 32-byte MAC", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setMac(ByteString.copyFrom(bytes(random, 32))))),
        forgery("all-zero MAC", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setMac(ByteString.copyFrom(new byte[32])))),
        forgery("MAC truncated to 16 bytes", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setMac(e.getMac().substring(0, 16)))),
        forgery("MAC with an extra byte", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setMac(e.getMac().concat(ByteString.copyFrom(new byte[1]))))),
        forgery("MAC lifted from another genuine descriptor", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setMac(Forgery.envelope(genuine()).getMac()))),
        forgery("unknown key id", 401, "integrity.unknown_key",
            () -> Forgery.resigned(genuine(), "k-9999", ATTACKER_SECRET, d -> d)),
        forgery("current key id in another case", 401, "integrity.unknown_key",
            () -> Forgery.resigned(genuine(), "K-2026", CURRENT_SECRET, d -> d)),
        forgery("correctly signed with the retired key", 401, "integrity.unknown_key",
            () -> Forgery.resigned(genuine(), RETIRED, RETIRED_SECRET, d -> d)),
        forgery("retired key through chain-core's own codec", 401, "integrity.unknown_key",
            () -> ChainCodec.builder(AttackTarget.RETIRED_SIGNER).build().encode(descriptor("alpha").build())),
        forgery("envelope version 2", 400, "descriptor.unsupported_version",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setVersion(2))),
        forgery("envelope version 257 (low byte 1)", 400, "descriptor.unsupported_version",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setVersion(257))),
        forgery("not base64url at all", 400, "descriptor.malformed", () -> "<script>alert(1)</script>"),
        forgery("standard base64 with padding", 400, "descriptor.malformed",
            () -> Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(genuine()))),
        forgery("whitespace inside the value", 400, "descriptor.malformed",
            () -> { String g = genuine(); return g.substring(0, 20) + " " + g.substring(20); }),
        forgery("base64url of random bytes", 400, "descriptor.malformed",
            () -> Forgery.encode(bytes(random, 300))),
        forgery("an envelope whose descriptor bytes are random", 401, "integrity.bad_mac",
            () -> Forgery.envelopeChanged(genuine(), e -> e.setDescriptorBytes(ByteString.copyFrom(bytes(random, 64))))),
        forgery("JSON instead of the binary envelope", 400, "descriptor.malformed",
            () -> Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"keyId\":\"k-2026\",\"pointer\":2}".getBytes(StandardCharsets.UTF_8))),
        forgery("one character (no whole byte)", 400, "descriptor.malformed", () -> "A"));
  }

  private static Arguments forgery(String name, int status, String reason, Supplier<String> header) {
    return Arguments.of(name, status, reason, header);
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @MethodSource("forgeries")
  void forgedDescriptorIsRefusedBeforeAnyFunctionRuns(String name, int status, String reason, Supplier<String> header) {
    AttackTarget.Answer answer = target.toHop("alpha", header.get(), "payload");

    target.assertRefused(answer, status, reason);
  }

  @Test
  void requestWithoutDescriptorIsRefusedAsMissing() {
    AttackTarget.Answer answer = target.toHop("alpha", null, "payload");

    target.assertRefused(answer, 400, "descriptor.missing");
  }

  @Test
  void emptyDescriptorHeaderIsRefusedAsMalformed() {
    AttackTarget.Answer answer = target.toHop("alpha", "", "payload");

    target.assertRefused(answer, 400, "descriptor.malformed");
  }

  @Test
  void secondDescriptorHeaderIsRefusedEvenWhenBothAreGenuine() {
    AttackTarget.Answer answer = target.toHop("alpha", genuine(), "payload", ChainHeaders.DESCRIPTOR, genuine());

    target.assertRefused(answer, 400, "descriptor.malformed");
  }

  @Test
  void descriptorSignedWithThePreviousKeyIsAcceptedDuringRotation() {
    String header = ChainCodec.builder(AttackTarget.PREVIOUS_SIGNER).build().encode(descriptor("alpha").build());

    AttackTarget.Answer answer = target.toHop("alpha", header, "payload");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("payload.a", answer.body());
    assertEquals(1, target.calls.of("alpha"));
  }
}
