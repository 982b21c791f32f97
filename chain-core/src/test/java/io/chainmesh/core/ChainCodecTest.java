package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.NOW;
import static io.chainmesh.core.Fixtures.SECRET_1;
import static io.chainmesh.core.Fixtures.SECRET_2;
import static io.chainmesh.core.Fixtures.SECRET_3;
import static io.chainmesh.core.Fixtures.base64url;
import static io.chainmesh.core.Fixtures.chain;
import static io.chainmesh.core.Fixtures.codec;
import static io.chainmesh.core.Fixtures.descriptorMessage;
import static io.chainmesh.core.Fixtures.envelope;
import static io.chainmesh.core.Fixtures.everyField;
import static io.chainmesh.core.Fixtures.header;
import static io.chainmesh.core.Fixtures.hmac;
import static io.chainmesh.core.Fixtures.minimalMessage;
import static io.chainmesh.core.Fixtures.record;
import static io.chainmesh.core.Fixtures.refused;
import static io.chainmesh.core.Fixtures.ring;
import static io.chainmesh.core.Fixtures.ring12;
import static io.chainmesh.core.Fixtures.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import io.chainmesh.core.internal.proto.RouteRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChainCodecTest {

  private static ChainCodec codecAt(Instant now) {
    return ChainCodec.builder(ring()).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
  }

  private static io.chainmesh.core.internal.proto.Segment.Builder segmentMessage(String service) {
    return io.chainmesh.core.internal.proto.Segment.newBuilder().setService(service);
  }

  @Nested
  class WireForm {
    @Test
    void roundTripsEveryField() {
      ChainDescriptor d = everyField();

      assertEquals(d, codec().decode(codec().encode(d)));
    }

    @Test
    void headerIsUnpaddedBase64url() {
      String header = codec().encode(everyField());

      assertTrue(header.matches("[A-Za-z0-9_-]+"), header);
    }

    @Test
    void envelopeCarriesVersionKeyIdAndHmacOfTheDescriptorBytes() {
      String header = codec().encode(everyField());

      Envelope envelope = envelope(header);
      assertEquals(1, envelope.getVersion());
      assertEquals("k1", envelope.getKeyId());
      byte[] expected = hmac(SECRET_1, 1, "k1", envelope.getDescriptorBytes().toByteArray());
      assertArrayEquals(expected, envelope.getMac().toByteArray());
    }

    @Test
    void descriptorBytesHoldTheFieldsOfTheProtoFile() {
      ChainDescriptor d = everyField();

      Descriptor m = descriptorMessage(codec().encode(d));

      assertEquals(1, m.getMajorVersion());
      assertEquals(0, m.getMinorVersion());
      assertArrayEquals(d.chainId().toBytes(), m.getChainId().toByteArray());
      assertEquals("checkout", m.getChainName());
      assertEquals(4, m.getSegmentsCount());
      assertEquals("pricing.shop", m.getSegments(1).getService());
      assertEquals("quote", m.getSegments(1).getFunction());
      assertEquals("https://fraud.partner.example:8443/score", m.getSegments(2).getUrl());
      assertEquals("", m.getSegments(2).getService());
      assertEquals(2, m.getPointer());
      assertEquals(9, m.getHopLimit());
      assertEquals(NOW.minusSeconds(1).toEpochMilli(), m.getIssuedAtMs());
      assertEquals(NOW.plusSeconds(59).toEpochMilli(), m.getExpiresAtMs());
      assertEquals(NOW.plusSeconds(30).toEpochMilli(), m.getDeadlineMs());
      assertEquals(io.chainmesh.core.internal.proto.ReturnMode.RETURN_MODE_ASYNC, m.getReturnMode());
      assertEquals("edge.shop", m.getReplyTo().getService());
      assertEquals(2, m.getRouteCount());
      assertEquals(251, m.getRoute(1).getDurationUs());
      assertEquals(1, m.getInsertedSegments());
    }

    @Test
    void reencodingADecodedHeaderReproducesItExactly() {
      String header = codec().encode(everyField());

      assertEquals(header, codec().encode(codec().decode(header)));
    }

    @Test
    void aHopCycleOfDecodeAdvanceEncodeIsAcceptedByTheNextHop() {
      ChainCodec codec = codec();
      String first = codec.encode(chain("a", "b", "c").build());

      String second = codec.encode(codec.decode(first).advance(record(0)));
      ChainDescriptor atSecond = codec.decode(second);

      assertEquals(1, atSecond.pointer());
      assertEquals(2, atSecond.hopLimit());
      assertEquals(List.of(record(0)), atSecond.route());
    }

    @Test
    void decodesAHeaderGivenAsAnyCharSequence() {
      String header = codec().encode(everyField());

      assertEquals(everyField(), codec().decode(new StringBuilder(header)));
    }

    @Test
    void acceptsDescriptorsOfANewerMinorVersion() {
      String header = signed(minimalMessage().setMinorVersion(7).build());

      assertEquals(7, codec().decode(header).minorVersion());
    }

    @Test
    void unknownFieldsOfANewerMinorVersionSurviveDecodeAdvanceEncode() {
      UnknownFieldSet descriptorExtras = UnknownFieldSet.newBuilder()
          .addField(100, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
          .addField(101, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
          .build();
      UnknownFieldSet segmentExtras = UnknownFieldSet.newBuilder()
          .addField(50, UnknownFieldSet.Field.newBuilder().addFixed32(7).build()).build();
      UnknownFieldSet replyToExtras = UnknownFieldSet.newBuilder()
          .addField(51, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
      UnknownFieldSet recordExtras = UnknownFieldSet.newBuilder()
          .addField(60, UnknownFieldSet.Field.newBuilder().addFixed64(-1L).build()).build();
      Descriptor message = minimalMessage()
          .setMinorVersion(3)
          .clearSegments()
          .addSegments(segmentMessage("a").setUnknownFields(segmentExtras))
          .addSegments(segmentMessage("b"))
          .addSegments(segmentMessage("c"))
          .setPointer(1)
          .setHopLimit(2)
          .setReturnMode(io.chainmesh.core.internal.proto.ReturnMode.RETURN_MODE_ASYNC)
          .setReplyTo(segmentMessage("edge").setUnknownFields(replyToExtras))
          .addRoute(RouteRecord.newBuilder().setSegmentIndex(0).setNode("n0").setStartMs(NOW.toEpochMilli())
              .setDurationUs(5).setOutcome(io.chainmesh.core.internal.proto.Outcome.OUTCOME_FORWARDED)
              .setUnknownFields(recordExtras))
          .setUnknownFields(descriptorExtras)
          .build();
      ChainCodec codec = codec();

      String forwarded = codec.encode(codec.decode(signed(message)).advance(record(1)));

      Descriptor out = descriptorMessage(forwarded);
      assertEquals(2, out.getPointer());
      assertEquals(1, out.getHopLimit());
      assertEquals(3, out.getMinorVersion());
      assertEquals(descriptorExtras, out.getUnknownFields());
      assertEquals(segmentExtras, out.getSegments(0).getUnknownFields());
      assertEquals(replyToExtras, out.getReplyTo().getUnknownFields());
      assertEquals(recordExtras, out.getRoute(0).getUnknownFields());
      assertEquals(UnknownFieldSet.getDefaultInstance(), out.getRoute(1).getUnknownFields());
      assertEquals(2, codec.decode(forwarded).pointer());
    }

    @Test
    void unknownFieldsSurviveEveryHopOperation() {
      UnknownFieldSet extras = UnknownFieldSet.newBuilder()
          .addField(200, UnknownFieldSet.Field.newBuilder().addVarint(9).build()).build();
      String header = signed(minimalMessage().clearSegments().addSegments(segmentMessage("a"))
          .addSegments(segmentMessage("b")).setHopLimit(5).setUnknownFields(extras).build());
      ChainDescriptor d = codec().decode(header);

      ChainDescriptor changed = d.withContext("k", "v").insertAfterCurrent(List.of(Segment.of("x")))
          .advance(record(0)).recordFinal(record(1, Outcome.ENDED_EARLY));

      assertEquals(extras, descriptorMessage(codec().encode(changed)).getUnknownFields());
    }
  }

  @Nested
  class Framing {
    @Test
    void refusesHeaderLongerThanTheLimitBeforeDecodingIt() {
      String header = "!".repeat(4097);

      ChainException e = refused(Reason.DESCRIPTOR_TOO_LARGE, () -> codec().decode(header));
      assertTrue(e.detail().contains("4097"), e.detail());
    }

    @Test
    void headerOfExactlyTheLimitIsDecoded() {
      String header = "!".repeat(4096);

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(header));
      assertEquals(OptionalInt.of(0), e.offset());
    }

    @Test
    void refusesEmptyHeader() {
      refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(""));
    }

    @Test
    void refusesCharactersOutsideBase64urlAtTheirOffset() {
      String header = codec().encode(everyField());
      String broken = header.substring(0, 10) + "+" + header.substring(11);

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(broken));
      assertEquals(OptionalInt.of(10), e.offset());
    }

    @Test
    void refusesASurrogatePairInsideAGenuineHeaderAtItsOffset() {
      // One code point in two chars: the header text is longer than its ISO-8859-1 bytes.
      String header = codec().encode(everyField());
      String broken = header.substring(0, 10) + "\uD83D\uDE00" + header.substring(12);

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(broken));
      assertEquals(OptionalInt.of(10), e.offset());
    }

    @Test
    void refusesPaddedHeaderAtThePadding() {
      String header = base64url(new byte[] {8, 1, 8, 1}) + "==";

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(header));
      assertEquals(OptionalInt.of(6), e.offset());
    }

    @Test
    void refusesBytesThatAreNotAnEnvelope() {
      refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(base64url(new byte[] {(byte) 0xff, (byte) 0xff})));
    }

    @Test
    void refusesTruncatedHeader() {
      String header = codec().encode(everyField());
      String truncated = header.substring(0, header.length() - 8);

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(truncated));
      assertTrue(e.offset().isPresent(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void refusesUnknownEnvelopeVersion(int version) {
      Envelope envelope = envelope(codec().encode(everyField())).toBuilder().setVersion(version).build();

      refused(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "envelope.version", () -> codec().decode(header(envelope)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, -1})
    void refusesUnknownDescriptorMajorVersion(int major) {
      String header = signed(minimalMessage().setMajorVersion(major).build());

      refused(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "majorVersion", () -> codec().decode(header));
    }

    @Test
    void refusesSignedBytesThatAreNotADescriptor() {
      String header = signed(SECRET_1, "k1", new byte[] {(byte) 0x80});

      refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(header));
    }

    @Test
    void refusesDescriptorArrivingWithHopLimitZero() {
      String header = signed(minimalMessage().setHopLimit(0).build());

      refused(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", () -> codec().decode(header));
    }

    @Test
    void refusesPointerOutsideTheSegmentList() {
      String header = signed(minimalMessage().setPointer(1).build());

      refused(Reason.POINTER_OUT_OF_RANGE, "pointer", () -> codec().decode(header));
    }

    @Test
    void refusesPointerAboveTheInt32RangeAsOutOfRange() {
      String header = signed(minimalMessage().setPointer(-1).build()); // uint32 4294967295

      ChainException e = refused(Reason.POINTER_OUT_OF_RANGE, "pointer", () -> codec().decode(header));
      assertTrue(e.detail().contains("4294967295"), e.detail());
    }

    @Test
    void refusesHopLimitAboveTheInt32RangeAsAboveTheLimit() {
      String header = signed(minimalMessage().setHopLimit(-1).build()); // uint32 4294967295

      refused(Reason.LIMITS_HOP_LIMIT, "hopLimit", () -> codec().decode(header));
    }

    @Test
    void refusesChainIdThatIsNot16Bytes() {
      String header = signed(minimalMessage().setChainId(ByteString.copyFrom(new byte[15])).build());

      refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> codec().decode(header));
    }

    @Test
    void refusesSegmentWithBadServiceNamingItsIndex() {
      String header = signed(minimalMessage().addSegments(segmentMessage("Bad_Name")).setHopLimit(2).build());

      refused(Reason.SEGMENT_INVALID_NAME, "segments[1].service", () -> codec().decode(header));
    }

    @Test
    void refusesSegmentWithBothServiceAndUrl() {
      String header = signed(minimalMessage().clearSegments()
          .addSegments(segmentMessage("pricing").setUrl("https://pricing.example/")).build());

      refused(Reason.SEGMENT_INVALID_NAME, "segments[0].service", () -> codec().decode(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example/", "http://user@host.example/", "http:///x", "http://[bad"})
    void refusesRawUrlSegmentsThatAreNotPlainHttpUrls(String url) {
      String header = signed(minimalMessage().clearSegments()
          .addSegments(io.chainmesh.core.internal.proto.Segment.newBuilder().setUrl(url)).build());

      refused(Reason.SEGMENT_INVALID_NAME, "segments[0].url", () -> codec().decode(header));
    }

    @Test
    void refusesDuplicateArgumentKeyNamingTheEntry() {
      io.chainmesh.core.internal.proto.MetadataEntry entry =
          io.chainmesh.core.internal.proto.MetadataEntry.newBuilder().setKey("a").setValue("1").build();
      String header = signed(minimalMessage().clearSegments()
          .addSegments(segmentMessage("pricing").addArguments(entry).addArguments(entry)).build());

      refused(Reason.METADATA_DUPLICATE_KEY, "segments[0].arguments[1]", () -> codec().decode(header));
    }

    @Test
    void refusesUnknownReturnMode() {
      String header = signed(minimalMessage().setReturnModeValue(7).build());

      refused(Reason.DESCRIPTOR_MALFORMED, "returnMode", () -> codec().decode(header));
    }

    @Test
    void refusesRouteRecordWithoutOutcome() {
      String header = signed(minimalMessage()
          .addRoute(RouteRecord.newBuilder().setSegmentIndex(0).setNode("n").setStartMs(1)).build());

      refused(Reason.DESCRIPTOR_MALFORMED, "route[0].outcome", () -> codec().decode(header));
    }

    @Test
    void refusesRouteDurationBeyondTheModel() {
      String header = signed(minimalMessage().addRoute(RouteRecord.newBuilder().setSegmentIndex(0).setNode("n")
          .setOutcome(io.chainmesh.core.internal.proto.Outcome.OUTCOME_FAILED).setDurationUs(-1L)).build());

      refused(Reason.DESCRIPTOR_MALFORMED, "route[0].durationUs", () -> codec().decode(header));
    }

    @Test
    void refusesNegativeDeadline() {
      String header = signed(minimalMessage().setDeadlineMs(-1).build());

      refused(Reason.DESCRIPTOR_MALFORMED, "deadline", () -> codec().decode(header));
    }
  }

  @Nested
  class Integrity {
    @Test
    void refusesEnvelopeWithoutMac() {
      Envelope envelope = envelope(codec().encode(everyField())).toBuilder().clearMac().build();

      refused(Reason.INTEGRITY_MISSING, "envelope", () -> codec().decode(header(envelope)));
    }

    @Test
    void refusesEnvelopeWithoutKeyId() {
      Envelope envelope = envelope(codec().encode(everyField())).toBuilder().clearKeyId().build();

      refused(Reason.INTEGRITY_MISSING, "envelope", () -> codec().decode(header(envelope)));
    }

    @Test
    void refusesUnsignedDescriptorOfAnInsecureHop() {
      String unsigned = codec(KeyRing.insecureDevelopmentMode()).encode(everyField());

      refused(Reason.INTEGRITY_MISSING, "envelope", () -> codec().decode(unsigned));
    }

    @Test
    void checksIntegrityBeforeParsingTheDescriptor() {
      Envelope garbage = Envelope.newBuilder().setVersion(1)
          .setDescriptorBytes(ByteString.copyFrom(new byte[] {(byte) 0xff})).build();

      refused(Reason.INTEGRITY_MISSING, () -> codec().decode(header(garbage)));
    }

    @Test
    void refusesUnknownKeyId() {
      String header = signed(SECRET_3, "k9", minimalMessage().build().toByteArray());

      ChainException e = refused(Reason.INTEGRITY_UNKNOWN_KEY, "envelope", () -> codec().decode(header));
      assertTrue(e.detail().contains("\"k9\""), e.detail());
    }

    @Test
    void refusesDescriptorSignedWithRetiredKey() {
      String oldHeader = codec(ring12()).encode(everyField());
      KeyRing retired = ring12().signingWith("k2").without("k1");

      refused(Reason.INTEGRITY_UNKNOWN_KEY, "envelope", () -> codec(retired).decode(oldHeader));
    }

    @Test
    void refusesTamperedDescriptor() {
      Envelope envelope = envelope(codec().encode(chain("a", "b", "c").build()));
      Descriptor skipped = descriptorMessage(header(envelope)).toBuilder().setPointer(1).build();
      Envelope tampered = envelope.toBuilder().setDescriptorBytes(skipped.toByteString()).build();

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec().decode(header(tampered)));
    }

    @Test
    void refusesMacOfAnotherKey() {
      String header = signed(SECRET_2, "k1", minimalMessage().build().toByteArray());

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec().decode(header));
    }

    @Test
    void refusesMacRelabelledWithAnotherKeyIdOfTheRing() {
      Envelope signedByK1 = envelope(codec(ring12()).encode(everyField()));
      Envelope relabelled = signedByK1.toBuilder().setKeyId("k2").build();

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec(ring12()).decode(header(relabelled)));
    }

    @Test
    void refusesMacComputedForAnotherEnvelopeVersion() {
      byte[] bytes = minimalMessage().build().toByteArray();
      Envelope envelope = Envelope.newBuilder().setVersion(1).setKeyId("k1")
          .setDescriptorBytes(ByteString.copyFrom(bytes))
          .setMac(ByteString.copyFrom(hmac(SECRET_1, 2, "k1", bytes))).build();

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec().decode(header(envelope)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 31})
    void refusesTruncatedMac(int length) {
      Envelope envelope = envelope(codec().encode(everyField()));
      Envelope truncated = envelope.toBuilder().setMac(envelope.getMac().substring(0, length)).build();

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec().decode(header(truncated)));
    }

    @Test
    void refusesMacWithATrailingByte() {
      Envelope envelope = envelope(codec().encode(everyField()));
      Envelope longer = envelope.toBuilder().setMac(envelope.getMac().concat(ByteString.copyFrom(new byte[1]))).build();

      refused(Reason.INTEGRITY_BAD_MAC, "envelope", () -> codec().decode(header(longer)));
    }

    @Test
    void integrityRefusalQuotesNeitherMacNorHeader() {
      Envelope envelope = envelope(codec().encode(everyField()));
      byte[] mac = envelope.getMac().toByteArray();
      mac[0] ^= 1;
      String header = header(envelope.toBuilder().setMac(ByteString.copyFrom(mac)).build());

      ChainException e = refused(Reason.INTEGRITY_BAD_MAC, () -> codec().decode(header));
      assertFalse(e.getMessage().contains(base64url(mac).substring(0, 8)), e.getMessage());
      assertFalse(e.getMessage().contains(header.substring(0, 8)), e.getMessage());
    }
  }

  @Nested
  class KeyRotation {
    @Test
    void rotationKeepsOldDescriptorsValidUntilTheOldKeyIsRetired() {
      KeyRing before = ring();
      String signedByK1 = codec(before).encode(everyField());

      KeyRing added = before.withKey("k2", SECRET_2);
      assertEquals(everyField(), codec(added).decode(signedByK1));
      assertEquals("k1", envelope(codec(added).encode(everyField())).getKeyId());

      KeyRing switched = added.signingWith("k2");
      String signedByK2 = codec(switched).encode(everyField());
      assertEquals("k2", envelope(signedByK2).getKeyId());
      assertEquals(everyField(), codec(switched).decode(signedByK1));
      assertEquals(everyField(), codec(switched).decode(signedByK2));

      KeyRing retired = switched.without("k1");
      refused(Reason.INTEGRITY_UNKNOWN_KEY, () -> codec(retired).decode(signedByK1));
      assertEquals(everyField(), codec(retired).decode(signedByK2));
    }

    @Test
    void hopThatHasNotYetAddedTheNewKeyRefusesItsDescriptors() {
      String signedByK2 = codec(ring().withKey("k2", SECRET_2).signingWith("k2")).encode(everyField());

      refused(Reason.INTEGRITY_UNKNOWN_KEY, () -> codec(ring()).decode(signedByK2));
    }

    @Test
    void keySourceIsAskedOnEveryCallSoRotationNeedsNoNewCodec() {
      AtomicReference<KeyRing> current = new AtomicReference<>(ring());
      ChainCodec codec = ChainCodec.builder(current::get).clock(Fixtures.CLOCK).build();
      String signedByK1 = codec.encode(everyField());

      current.set(ring().withKey("k2", SECRET_2).signingWith("k2").without("k1"));

      assertEquals("k2", envelope(codec.encode(everyField())).getKeyId());
      refused(Reason.INTEGRITY_UNKNOWN_KEY, () -> codec.decode(signedByK1));
    }
  }

  @Nested
  class Validity {
    private final ChainDescriptor oneMinute =
        chain("a").issuedAt(NOW).expiresAt(NOW.plusSeconds(60)).build();
    private final String header = codec().encode(oneMinute);

    @Test
    void acceptsDescriptorUntilExpiryPlusClockSkew() {
      Instant edge = NOW.plusSeconds(60).plus(ChainCodec.DEFAULT_CLOCK_SKEW);

      assertEquals(oneMinute, codecAt(edge).decode(header));
    }

    @Test
    void refusesDescriptorOneMillisecondAfterExpiryPlusClockSkew() {
      Instant late = NOW.plusSeconds(60).plus(ChainCodec.DEFAULT_CLOCK_SKEW).plusMillis(1);

      ChainException e = refused(Reason.DESCRIPTOR_EXPIRED, "expiresAt", () -> codecAt(late).decode(header));
      assertTrue(e.detail().contains("5001 ms ago"), e.detail());
    }

    @Test
    void zeroClockSkewRefusesOneMillisecondAfterExpiry() {
      ChainCodec strict = ChainCodec.builder(ring()).clockSkew(Duration.ZERO)
          .clock(Clock.fixed(NOW.plusSeconds(60).plusMillis(1), ZoneOffset.UTC)).build();

      refused(Reason.DESCRIPTOR_EXPIRED, "expiresAt", () -> strict.decode(header));
    }

    @Test
    void decodingAsOfAnEarlierInstantAcceptsWhatTheClockWouldCallExpired() {
      ChainCodec later = codecAt(NOW.plusSeconds(600));

      refused(Reason.DESCRIPTOR_EXPIRED, "expiresAt", () -> later.decode(header));
      assertEquals(oneMinute, later.decode(header, NOW.plusSeconds(30)));
    }

    @Test
    void decodingAsOfAnInstantStillVerifiesTheMac() {
      String tampered = header.substring(0, header.length() - 2) + (header.endsWith("AA") ? "BA" : "AA");

      ChainException e = assertThrows(ChainException.class, () -> codecAt(NOW).decode(tampered, NOW));
      assertTrue(e.reason().code().startsWith("integrity.") || e.reason() == Reason.DESCRIPTOR_MALFORMED,
          e::getMessage);
    }

    @Test
    void acceptsDescriptorIssuedUpToClockSkewInTheFuture() {
      Instant hopClock = NOW.minus(ChainCodec.DEFAULT_CLOCK_SKEW);

      assertEquals(oneMinute, codecAt(hopClock).decode(header));
    }

    @Test
    void refusesDescriptorIssuedFurtherInTheFutureThanClockSkew() {
      Instant hopClock = NOW.minus(ChainCodec.DEFAULT_CLOCK_SKEW).minusMillis(1);

      refused(Reason.DESCRIPTOR_NOT_YET_VALID, "issuedAt", () -> codecAt(hopClock).decode(header));
    }

    @Test
    void acceptsLifetimeOfExactlyTheMaximum() {
      ChainDescriptor d = chain("a").expiresAt(NOW.plus(ChainCodec.DEFAULT_MAX_LIFETIME)).build();

      assertEquals(d, codec().decode(codec().encode(d)));
    }

    @Test
    void refusesLifetimeLongerThanTheMaximum() {
      ChainDescriptor d = chain("a").expiresAt(NOW.plus(ChainCodec.DEFAULT_MAX_LIFETIME).plusMillis(1)).build();
      String header = codec().encode(d);

      refused(Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt", () -> codec().decode(header));
    }

    @Test
    void configuredMaximumLifetimeApplies() {
      ChainCodec shortLived = ChainCodec.builder(ring()).clock(Fixtures.CLOCK)
          .maxLifetime(Duration.ofSeconds(30)).build();

      refused(Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt", () -> shortLived.decode(header));
    }

    @Test
    void refusesFarFutureExpiryAsTooLongNotAsExpired() {
      ChainDescriptor forever = chain("a").expiresAt(Instant.ofEpochMilli(Long.MAX_VALUE)).build();
      String header = codec().encode(forever);

      refused(Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt", () -> codec().decode(header));
    }

    @Test
    void refusesLifetimeThatOverflowsMilliseconds() {
      ChainDescriptor overflowing = chain("a")
          .issuedAt(Instant.ofEpochMilli(Long.MIN_VALUE + 1))
          .expiresAt(Instant.ofEpochMilli(Long.MAX_VALUE - ChainCodec.DEFAULT_CLOCK_SKEW.toMillis()))
          .build();
      String header = codec().encode(overflowing);

      refused(Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt", () -> codec().decode(header));
    }

    @Test
    void clockSkewIsBounded() {
      ChainCodec.Builder b = ChainCodec.builder(ring());

      assertThrows(IllegalArgumentException.class, () -> b.clockSkew(Duration.ofMillis(-1)));
      assertThrows(IllegalArgumentException.class, () -> b.clockSkew(ChainCodec.MAX_CLOCK_SKEW.plusMillis(1)));
      b.clockSkew(ChainCodec.MAX_CLOCK_SKEW);
      b.clockSkew(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void maxLifetimeMustBePositive(long millis) {
      ChainCodec.Builder b = ChainCodec.builder(ring());

      assertThrows(IllegalArgumentException.class, () -> b.maxLifetime(Duration.ofMillis(millis)));
    }
  }

  @Nested
  class EncodeLimits {
    @Test
    void encodeRefusesMoreSegmentsThanTheCodecAllows() {
      ChainCodec small = ChainCodec.builder(ring()).limits(DecodeLimits.builder().maxSegments(2).build()).build();

      refused(Reason.LIMITS_SEGMENTS, "segments", () -> small.encode(chain("a", "b", "c").build()));
    }

    @Test
    void encodeRefusesHopLimitAboveTheDefaultMaximum() {
      refused(Reason.LIMITS_HOP_LIMIT, "hopLimit", () -> codec().encode(chain("a").hopLimit(256).build()));
    }

    @Test
    void encodeRefusesMetadataKeyLongerThanTheDefaultMaximum() {
      ChainDescriptor d = chain("a").edgeMetadata("k".repeat(65), "v").build();

      refused(Reason.LIMITS_METADATA_KEY, "edgeMetadata[0].key", () -> codec().encode(d));
    }

    @Test
    void encodeRefusesHeaderLongerThanTheCodecAllows() {
      ChainCodec tiny = ChainCodec.builder(ring()).limits(DecodeLimits.builder().maxHeaderBytes(64).build()).build();

      refused(Reason.DESCRIPTOR_TOO_LARGE, "descriptor", () -> tiny.encode(everyField()));
    }

    @Test
    void encodeRefusesMoreRouteRecordsThanTheCodecAllows() {
      ChainCodec small = ChainCodec.builder(ring())
          .limits(DecodeLimits.builder().maxRouteRecords(1).build()).build();
      ChainDescriptor d = chain("a", "b", "c").build().advance(record(0)).advance(record(1));

      refused(Reason.LIMITS_ROUTE, "route", () -> small.encode(d));
    }
  }

  @Nested
  class InsecureDevelopmentMode {
    private final ChainCodec insecure = codec(KeyRing.insecureDevelopmentMode());

    @Test
    void producesUnsignedHeaders() {
      Envelope envelope = envelope(insecure.encode(everyField()));

      assertEquals(1, envelope.getVersion());
      assertEquals("", envelope.getKeyId());
      assertTrue(envelope.getMac().isEmpty());
    }

    @Test
    void acceptsUnsignedHeaders() {
      assertEquals(everyField(), insecure.decode(insecure.encode(everyField())));
    }

    @Test
    void acceptsHeadersSignedWithKeysItDoesNotHold() {
      assertEquals(everyField(), insecure.decode(codec().encode(everyField())));
    }

    @Test
    void stillRefusesExpiredDescriptors() {
      ChainDescriptor old = chain("a").issuedAt(NOW.minusSeconds(3600)).build();

      refused(Reason.DESCRIPTOR_EXPIRED, () -> insecure.decode(insecure.encode(old)));
    }

    @Test
    void stillRefusesMalformedHeaders() {
      refused(Reason.DESCRIPTOR_MALFORMED, () -> insecure.decode("not base64!"));
    }
  }

  @Nested
  class Unverified {
    @Test
    void decodeUnverifiedShowsADescriptorWithABadMac() {
      Envelope envelope = envelope(codec().encode(everyField()));
      byte[] mac = envelope.getMac().toByteArray();
      mac[31] ^= 0x40;
      String header = header(envelope.toBuilder().setMac(ByteString.copyFrom(mac)).build());

      refused(Reason.INTEGRITY_BAD_MAC, () -> codec().decode(header));
      assertEquals(everyField(), codec().decodeUnverified(header));
    }

    @Test
    void decodeUnverifiedShowsAnExpiredDescriptor() {
      String header = codec().encode(everyField());

      assertEquals(everyField(), codecAt(NOW.plusSeconds(3600)).decodeUnverified(header));
    }

    @Test
    void decodeUnverifiedShowsAnUnsignedDescriptor() {
      String unsigned = codec(KeyRing.insecureDevelopmentMode()).encode(everyField());

      assertEquals(everyField(), codec().decodeUnverified(unsigned));
    }

    @Test
    void decodeUnverifiedStillRefusesMalformedInputAndLimits() {
      ChainCodec small = ChainCodec.builder(ring()).limits(DecodeLimits.builder().maxSegments(3).build()).build();

      refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decodeUnverified("%%%"));
      refused(Reason.DESCRIPTOR_TOO_LARGE, () -> codec().decodeUnverified("A".repeat(5000)));
      refused(Reason.LIMITS_SEGMENTS, "segments", () -> small.decodeUnverified(codec().encode(everyField())));
    }
  }

  @Test
  void toStringNamesKeyIdsButNoSecrets() {
    String text = codec(ring12()).toString();

    assertTrue(text.contains("k1") && text.contains("k2"), text);
    assertFalse(text.contains(base64url(SECRET_1)), text);
    assertFalse(text.contains(Arrays.toString(SECRET_1)), text);
  }
}
