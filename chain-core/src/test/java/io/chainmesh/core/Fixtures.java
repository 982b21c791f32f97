package io.chainmesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.function.Executable;

/**
 * Shared test data: keys, a fixed clock, sample chains, and an independent implementation of the
 * wire format (JDK base64, JDK HMAC over the MAC input of docs/wire-format.md) so that tests check
 * the codec against the specification rather than against itself.
 */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final ChainId CHAIN_ID = ChainId.fromHex("0af7651916cd43dd8448eb211c80319c");

  /** 32 bytes 0x01..0x20. */
  static final byte[] SECRET_1 = secret(1);
  /** 32 bytes 0x41..0x60. */
  static final byte[] SECRET_2 = secret(0x41);
  /** 32 bytes 0x81..0xa0. */
  static final byte[] SECRET_3 = secret(0x81);

  private Fixtures() {}

  static byte[] secret(int first) {
    byte[] s = new byte[32];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (first + i);
    }
    return s;
  }

  /** A ring holding k1 (signing). */
  static KeyRing ring() {
    return KeyRing.builder().addKey("k1", SECRET_1).build();
  }

  /** A ring holding k1 (signing) and k2. */
  static KeyRing ring12() {
    return KeyRing.builder().addKey("k1", SECRET_1).addKey("k2", SECRET_2).build();
  }

  /** A codec with the default limits, skew and lifetime, checking validity at {@link #NOW}. */
  static ChainCodec codec(KeySource keys) {
    return ChainCodec.builder(keys).clock(CLOCK).build();
  }

  static ChainCodec codec() {
    return codec(ring());
  }

  /** A chain issued at {@link #NOW} with the fixed chain id, visiting one logical segment per service. */
  static ChainDescriptor.Builder chain(String... services) {
    ChainDescriptor.Builder b = ChainDescriptor.builder().chainId(CHAIN_ID).issuedAt(NOW);
    for (String service : services) {
      b.segment(Segment.of(service));
    }
    return b;
  }

  /** A record of node {@code node-<index>} forwarding from segment {@code index}. */
  static RouteRecord record(int index) {
    return record(index, Outcome.FORWARDED);
  }

  static RouteRecord record(int index, Outcome outcome) {
    return RouteRecord.builder()
        .segmentIndex(index)
        .node("node-" + index)
        .start(NOW.plusMillis(index))
        .duration(Duration.of(250 + index, java.time.temporal.ChronoUnit.MICROS))
        .outcome(outcome)
        .build();
  }

  /**
   * A descriptor using every field: name, function and arguments, a raw-URL segment, both metadata
   * maps, a deadline, asynchronous return, two route records, an inserted segment.
   */
  static ChainDescriptor everyField() {
    return ChainDescriptor.builder()
        .chainId(CHAIN_ID)
        .chainName("checkout")
        .segment(Segment.of("validate.shop"))
        .segment(Segment.builder("pricing.shop").function("quote").argument("currency", "EUR")
            .argument("tier", "gold").build())
        .segment(Segment.url(URI.create("https://fraud.partner.example:8443/score")))
        .segment(Segment.of("receipt", "print"))
        .pointer(2)
        .hopLimit(9)
        .edgeMetadata("customer.tier", "GOLD")
        .edgeMetadata("tenant", "acme")
        .contextMetadata("fraud.score", "0.12")
        .issuedAt(NOW.minusSeconds(1))
        .expiresAt(NOW.plusSeconds(59))
        .deadline(NOW.plusSeconds(30))
        .async(Segment.of("edge.shop", "reply"))
        .routeRecord(record(0))
        .routeRecord(record(1))
        .insertedSegments(1)
        .build();
  }

  /**
   * Asserts that {@code action} is refused with {@code reason} and returns the refusal for further
   * checks of its field, offset or message.
   */
  static ChainException refused(Reason reason, Executable action) {
    ChainException e = assertThrows(ChainException.class, action);
    assertEquals(reason, e.reason(), () -> "unexpected refusal: " + e.getMessage());
    return e;
  }

  /** As {@link #refused(Reason, Executable)}, also checking the field path. */
  static ChainException refused(Reason reason, String field, Executable action) {
    ChainException e = refused(reason, action);
    assertEquals(Optional.of(field), e.field(), () -> "unexpected field: " + e.getMessage());
    return e;
  }

  // ---- an independent implementation of the wire format ----

  static String base64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] unbase64url(String text) {
    return Base64.getUrlDecoder().decode(text);
  }

  static Envelope envelope(String header) {
    try {
      return Envelope.parseFrom(unbase64url(header));
    } catch (InvalidProtocolBufferException e) {
      return fail("not an envelope: " + header, e);
    }
  }

  static Descriptor descriptorMessage(String header) {
    try {
      return Descriptor.parseFrom(envelope(header).getDescriptorBytes());
    } catch (InvalidProtocolBufferException e) {
      return fail("not a descriptor: " + header, e);
    }
  }

  static String header(Envelope envelope) {
    return base64url(envelope.toByteArray());
  }

  /**
   * HMAC-SHA256 over {@code "chainmesh.v1.envelope" || 0x00 || u8(version) || u8(len(keyId)) ||
   * keyId || descriptor}, as docs/wire-format.md specifies.
   */
  static byte[] hmac(byte[] secret, int version, String keyId, byte[] descriptor) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update("chainmesh.v1.envelope".getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      mac.update((byte) version);
      byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
      mac.update((byte) id.length);
      mac.update(id);
      mac.update(descriptor);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A version-1 envelope around {@code descriptor}, signed with {@code secret} under {@code keyId}. */
  static String signed(byte[] secret, String keyId, byte[] descriptor) {
    return header(Envelope.newBuilder()
        .setVersion(1)
        .setKeyId(keyId)
        .setDescriptorBytes(ByteString.copyFrom(descriptor))
        .setMac(ByteString.copyFrom(hmac(secret, 1, keyId, descriptor)))
        .build());
  }

  /** {@link #signed} with k1. */
  static String signed(Descriptor descriptor) {
    return signed(SECRET_1, "k1", descriptor.toByteArray());
  }

  /** The protobuf message of a valid one-segment descriptor valid at {@link #NOW}, to modify in tests. */
  static Descriptor.Builder minimalMessage() {
    return Descriptor.newBuilder()
        .setMajorVersion(1)
        .setChainId(ByteString.copyFrom(CHAIN_ID.toBytes()))
        .addSegments(io.chainmesh.core.internal.proto.Segment.newBuilder().setService("pricing"))
        .setHopLimit(1)
        .setIssuedAtMs(NOW.toEpochMilli())
        .setExpiresAtMs(NOW.plusSeconds(60).toEpochMilli());
  }
}
