package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.CLOCK;
import static io.chainmesh.core.Fixtures.chain;
import static io.chainmesh.core.Fixtures.codec;
import static io.chainmesh.core.Fixtures.record;
import static io.chainmesh.core.Fixtures.refused;
import static io.chainmesh.core.Fixtures.ring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecodeLimitsTest {

  @Test
  void defaultsAreThoseOfTheWireFormatSpecification() {
    DecodeLimits d = DecodeLimits.DEFAULTS;

    assertEquals(4096, d.maxHeaderBytes());
    assertEquals(64, d.maxSegments());
    assertEquals(253, d.maxNameLength());
    assertEquals(64, d.maxMetadataEntries());
    assertEquals(64, d.maxMetadataKeyLength());
    assertEquals(1024, d.maxMetadataValueBytes());
    assertEquals(16, d.maxArgumentsPerSegment());
    assertEquals(255, d.maxHopLimit());
    assertEquals(64, d.maxRouteRecords());
    assertEquals(16, d.maxInsertedSegments());
  }

  @Test
  void aNewBuilderStartsFromTheDefaults() {
    assertEquals(DecodeLimits.DEFAULTS, DecodeLimits.builder().build());
    assertEquals(DecodeLimits.DEFAULTS.hashCode(), DecodeLimits.builder().build().hashCode());
  }

  @Test
  void toBuilderKeepsEveryLimit() {
    DecodeLimits custom = DecodeLimits.builder().maxHeaderBytes(100).maxSegments(2).maxNameLength(3)
        .maxMetadataEntries(4).maxMetadataKeyLength(5).maxMetadataValueBytes(6).maxArgumentsPerSegment(7)
        .maxHopLimit(8).maxRouteRecords(9).maxInsertedSegments(10).build();

    assertEquals(custom, custom.toBuilder().build());
    assertNotEquals(custom, custom.toBuilder().maxInsertedSegments(11).build());
    assertNotEquals(DecodeLimits.DEFAULTS, custom);
  }

  @Test
  void toStringNamesEveryLimit() {
    String text = DecodeLimits.DEFAULTS.toString();

    assertTrue(text.contains("headerBytes=4096") && text.contains("insertedSegments=16"), text);
  }

  static Stream<Arguments> ranges() {
    return Stream.of(
        range("maxHeaderBytes", DecodeLimits.Builder::maxHeaderBytes, DecodeLimits::maxHeaderBytes, 64, 1 << 20),
        range("maxSegments", DecodeLimits.Builder::maxSegments, DecodeLimits::maxSegments, 1, 4096),
        range("maxNameLength", DecodeLimits.Builder::maxNameLength, DecodeLimits::maxNameLength, 1, 253),
        range("maxMetadataEntries", DecodeLimits.Builder::maxMetadataEntries, DecodeLimits::maxMetadataEntries,
            0, 4096),
        range("maxMetadataKeyLength", DecodeLimits.Builder::maxMetadataKeyLength,
            DecodeLimits::maxMetadataKeyLength, 1, 1024),
        range("maxMetadataValueBytes", DecodeLimits.Builder::maxMetadataValueBytes,
            DecodeLimits::maxMetadataValueBytes, 0, 1 << 20),
        range("maxArgumentsPerSegment", DecodeLimits.Builder::maxArgumentsPerSegment,
            DecodeLimits::maxArgumentsPerSegment, 0, 1024),
        range("maxHopLimit", DecodeLimits.Builder::maxHopLimit, DecodeLimits::maxHopLimit, 1, 65535),
        range("maxRouteRecords", DecodeLimits.Builder::maxRouteRecords, DecodeLimits::maxRouteRecords, 0, 4096),
        range("maxInsertedSegments", DecodeLimits.Builder::maxInsertedSegments, DecodeLimits::maxInsertedSegments,
            0, 4096));
  }

  private static Arguments range(String name, ObjIntConsumer<DecodeLimits.Builder> setter,
      ToIntFunction<DecodeLimits> getter, int min, int max) {
    return Arguments.of(name, setter, getter, min, max);
  }

  @ParameterizedTest(name = "{0} in [{3}, {4}]")
  @MethodSource("ranges")
  void builderAcceptsTheBoundsOfEachRange(String name, ObjIntConsumer<DecodeLimits.Builder> setter,
      ToIntFunction<DecodeLimits> getter, int min, int max) {
    DecodeLimits.Builder b = DecodeLimits.builder();

    setter.accept(b, min);
    assertEquals(min, getter.applyAsInt(b.build()), name);
    setter.accept(b, max);
    assertEquals(max, getter.applyAsInt(b.build()), name);
  }

  @ParameterizedTest(name = "{0} in [{3}, {4}]")
  @MethodSource("ranges")
  void builderRefusesValuesOutsideEachRange(String name, ObjIntConsumer<DecodeLimits.Builder> setter,
      ToIntFunction<DecodeLimits> getter, int min, int max) {
    DecodeLimits.Builder b = DecodeLimits.builder();

    IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> setter.accept(b, min - 1));
    assertThrows(IllegalArgumentException.class, () -> setter.accept(b, max + 1));
    assertTrue(below.getMessage().contains(name), below.getMessage());
    assertEquals(DecodeLimits.DEFAULTS, b.build());
  }

  /**
   * Each limit on decode: a descriptor that a generous peer encodes, refused by a hop whose limit it
   * exceeds, with the limit's reason and the offending field.
   */
  @Nested
  class EnforcedOnDecode {
    private final ChainCodec generous = ChainCodec.builder(ring()).clock(CLOCK).limits(DecodeLimits.builder()
        .maxMetadataKeyLength(1024).maxMetadataValueBytes(1 << 20).maxMetadataEntries(4096)
        .maxArgumentsPerSegment(1024).maxHopLimit(65535).maxRouteRecords(4096).maxSegments(4096)
        .maxInsertedSegments(4096).maxHeaderBytes(1 << 20).build()).build();

    private ChainCodec strict(DecodeLimits limits) {
      return ChainCodec.builder(ring()).clock(CLOCK).limits(limits).build();
    }

    private ChainException refusedOnDecode(Reason reason, String field, ChainDescriptor d, DecodeLimits limits) {
      String header = generous.encode(d);
      return refused(reason, field, () -> strict(limits).decode(header));
    }

    @Test
    void headerBytes() {
      String header = codec().encode(chain("a", "b").build());
      DecodeLimits limits = DecodeLimits.builder().maxHeaderBytes(header.length() - 1).build();

      assertEquals(chain("a", "b").build(),
          strict(DecodeLimits.builder().maxHeaderBytes(header.length()).build()).decode(header));
      ChainException e = refused(Reason.DESCRIPTOR_TOO_LARGE, () -> strict(limits).decode(header));
      assertTrue(e.field().isEmpty() && e.offset().isEmpty(), e.getMessage());
    }

    @Test
    void segments() {
      DecodeLimits limits = DecodeLimits.builder().maxSegments(2).build();

      refusedOnDecode(Reason.LIMITS_SEGMENTS, "segments", chain("a", "b", "c").build(), limits);
    }

    @Test
    void defaultSegmentLimitIs64() {
      String[] services = new String[65];
      java.util.Arrays.fill(services, "s");

      refusedOnDecode(Reason.LIMITS_SEGMENTS, "segments", chain(services).build(), DecodeLimits.DEFAULTS);
    }

    @Test
    void serviceNameLength() {
      DecodeLimits limits = DecodeLimits.builder().maxNameLength(5).build();

      refusedOnDecode(Reason.LIMITS_NAME_LENGTH, "segments[1].service", chain("a", "abcdef").build(), limits);
    }

    @Test
    void functionNameLength() {
      DecodeLimits limits = DecodeLimits.builder().maxNameLength(5).build();
      ChainDescriptor d = chain().segment(Segment.of("a", "quote1")).build();

      refusedOnDecode(Reason.LIMITS_NAME_LENGTH, "segments[0].function", d, limits);
    }

    @Test
    void chainNameLength() {
      DecodeLimits limits = DecodeLimits.builder().maxNameLength(5).build();

      refusedOnDecode(Reason.LIMITS_NAME_LENGTH, "chainName", chain("a").chainName("checkout").build(), limits);
    }

    @Test
    void routeNodeLength() {
      DecodeLimits limits = DecodeLimits.builder().maxNameLength(5).build();
      ChainDescriptor d = chain("a", "b").build().advance(record(0)); // node "node-0" has 6 characters

      refusedOnDecode(Reason.LIMITS_NAME_LENGTH, "route[0].node", d, limits);
    }

    @Test
    void replyToNameLength() {
      DecodeLimits limits = DecodeLimits.builder().maxNameLength(5).build();

      refusedOnDecode(Reason.LIMITS_NAME_LENGTH, "replyTo.service",
          chain("a").async(Segment.of("edge.shop")).build(), limits);
    }

    @Test
    void metadataEntriesCountEdgeAndContextTogether() {
      DecodeLimits limits = DecodeLimits.builder().maxMetadataEntries(2).build();
      ChainDescriptor d = chain("a").edgeMetadata("a", "1").edgeMetadata("b", "2").contextMetadata("c", "3").build();

      refusedOnDecode(Reason.LIMITS_METADATA_ENTRIES, "metadata", d, limits);
    }

    @Test
    void defaultMetadataEntryLimitIs64() {
      ChainDescriptor.Builder b = chain("a");
      for (int i = 0; i < 65; i++) {
        b.edgeMetadata("k" + i, "v");
      }

      refusedOnDecode(Reason.LIMITS_METADATA_ENTRIES, "metadata", b.build(), DecodeLimits.DEFAULTS);
    }

    @Test
    void metadataKeyLength() {
      ChainDescriptor d = chain("a").edgeMetadata("ok", "1").edgeMetadata("k".repeat(65), "2").build();

      refusedOnDecode(Reason.LIMITS_METADATA_KEY, "edgeMetadata[1].key", d, DecodeLimits.DEFAULTS);
    }

    @Test
    void metadataValueBytes() {
      ChainDescriptor d = chain("a").contextMetadata("note", "x".repeat(1025)).build();

      refusedOnDecode(Reason.LIMITS_METADATA_VALUE, "contextMetadata[0].value", d, DecodeLimits.DEFAULTS);
    }

    @Test
    void metadataValueLimitCountsUtf8BytesNotCharacters() {
      ChainDescriptor fits = chain("a").contextMetadata("note", "é".repeat(512)).build();
      ChainDescriptor over = chain("a").contextMetadata("note", "é".repeat(513)).build();

      assertEquals(fits, codec().decode(generous.encode(fits)));
      refusedOnDecode(Reason.LIMITS_METADATA_VALUE, "contextMetadata[0].value", over, DecodeLimits.DEFAULTS);
    }

    @Test
    void metadataValueLimitCountsSupplementaryCharactersAsFourBytes() {
      String emoji = "\uD83D\uDE80"; // U+1F680, 4 bytes in UTF-8
      ChainDescriptor fits = chain("a").contextMetadata("note", emoji.repeat(256)).build();
      ChainDescriptor over = chain("a").contextMetadata("note", emoji.repeat(256) + "x").build();

      assertEquals(fits, codec().decode(generous.encode(fits)));
      refusedOnDecode(Reason.LIMITS_METADATA_VALUE, "contextMetadata[0].value", over, DecodeLimits.DEFAULTS);
    }

    @Test
    void argumentsPerSegment() {
      Segment.Builder s = Segment.builder("pricing");
      for (int i = 0; i < 17; i++) {
        s.argument("a" + i, "v");
      }

      refusedOnDecode(Reason.LIMITS_ARGUMENTS, "segments[1].arguments",
          chain("a").segment(s.build()).build(), DecodeLimits.DEFAULTS);
    }

    @Test
    void argumentKeyLength() {
      Segment s = Segment.builder("pricing").argument("k".repeat(65), "v").build();

      refusedOnDecode(Reason.LIMITS_METADATA_KEY, "segments[0].arguments[0].key",
          chain().segment(s).build(), DecodeLimits.DEFAULTS);
    }

    @Test
    void argumentValueBytes() {
      Segment s = Segment.builder("pricing").argument("k", "v".repeat(1025)).build();

      refusedOnDecode(Reason.LIMITS_METADATA_VALUE, "segments[0].arguments[0].value",
          chain().segment(s).build(), DecodeLimits.DEFAULTS);
    }

    @Test
    void hopLimit() {
      ChainDescriptor d = chain("a").hopLimit(256).build();

      refusedOnDecode(Reason.LIMITS_HOP_LIMIT, "hopLimit", d, DecodeLimits.DEFAULTS);
      assertEquals(255, codec().decode(generous.encode(chain("a").hopLimit(255).build())).hopLimit());
    }

    @Test
    void routeRecords() {
      DecodeLimits limits = DecodeLimits.builder().maxRouteRecords(2).build();
      ChainDescriptor d = chain("a", "b", "c", "d").build().advance(record(0)).advance(record(1)).advance(record(2));

      refusedOnDecode(Reason.LIMITS_ROUTE, "route", d, limits);
    }

    @Test
    void insertedSegments() {
      DecodeLimits limits = DecodeLimits.builder().maxInsertedSegments(1).build();

      refusedOnDecode(Reason.LIMITS_INSERTED_SEGMENTS, "insertedSegments",
          chain("a", "b", "c").insertedSegments(2).build(), limits);
    }

    @Test
    void descriptorsWithinEveryLimitAreAccepted() {
      ChainDescriptor d = Fixtures.everyField();

      assertEquals(d, strict(DecodeLimits.DEFAULTS).decode(generous.encode(d)));
    }
  }
}
