package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chainmesh.core.internal.proto.Descriptor;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The codec's fast path (decode by scanning the verified bytes, lazy model, re-encode by patching)
 * against its reference path (protobuf parse, model, protobuf serialisation) over random
 * descriptors and random mutations of them: an input the reference accepts is accepted as the same
 * descriptor and re-encoded — as it is, after {@code advance} and after {@code recordFinal} — to the
 * same header; an input the reference refuses is refused with the same reason, field, offset and
 * message. The reference path is the specification; the fast path may only be faster.
 */
class FastPathDifferentialProperties {
  private final ChainCodec codec = Fixtures.codec();

  @Provide
  Arbitrary<ChainDescriptor> descriptors() {
    return ChainArbitraries.descriptors();
  }

  @Provide
  Arbitrary<Descriptor> descriptorMessages() {
    return ChainArbitraries.descriptorMessages();
  }

  /** A change to the bytes of a serialised descriptor, applied before it is signed. */
  record ByteMutation(int kind, int position, int value, int length) {
    byte[] apply(byte[] in) {
      if (in.length == 0) {
        return new byte[] {(byte) value};
      }
      int at = Math.floorMod(position, in.length);
      int n = Math.min(1 + Math.floorMod(length, 8), in.length - at);
      byte[] out;
      switch (kind) {
        case 0 -> { // overwrite one byte
          out = in.clone();
          out[at] = (byte) value;
        }
        case 1 -> { // insert one byte
          out = new byte[in.length + 1];
          System.arraycopy(in, 0, out, 0, at);
          out[at] = (byte) value;
          System.arraycopy(in, at, out, at + 1, in.length - at);
        }
        case 2 -> { // delete a few bytes
          out = new byte[in.length - n];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + n, out, at, in.length - at - n);
        }
        case 3 -> { // repeat a few bytes (often a whole field: a duplicate)
          out = new byte[in.length + n];
          System.arraycopy(in, 0, out, 0, at + n);
          System.arraycopy(in, at, out, at + n, in.length - at);
        }
        case 4 -> { // move a few bytes to the end (fields out of order)
          out = new byte[in.length];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + n, out, at, in.length - at - n);
          System.arraycopy(in, at, out, in.length - n, n);
        }
        case 5 -> { // append a field, known or not, with a varint or a short length-delimited value
          int field = 1 + Math.floorMod(value, 20);
          boolean varint = (length & 1) == 0;
          byte[] extra = varint
              ? new byte[] {(byte) (field << 3), (byte) (position & 0x7f)}
              : new byte[] {(byte) (field << 3 | 2), 1, (byte) value};
          out = new byte[in.length + extra.length];
          System.arraycopy(in, 0, out, 0, in.length);
          System.arraycopy(extra, 0, out, in.length, extra.length);
        }
        default -> { // an overlong (non-minimal) encoding of a one-byte varint or length
          out = new byte[in.length + 1];
          System.arraycopy(in, 0, out, 0, at);
          out[at] = (byte) (in[at] | 0x80);
          out[at + 1] = 0;
          System.arraycopy(in, at + 1, out, at + 2, in.length - at - 1);
        }
      }
      return out;
    }
  }

  @Provide
  Arbitrary<List<ByteMutation>> byteMutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers(),
            Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 15))
        .as(ByteMutation::new)
        .list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<DecodeLimits> limits() {
    return Combinators.combine(Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 40),
            Arbitraries.integers().between(0, 8), Arbitraries.integers().between(1, 20),
            Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(1, 300), Arbitraries.integers().between(0, 8))
        .as((segments, name, entries, key, value, arguments, hopLimit, route) -> DecodeLimits.builder()
            .maxSegments(segments).maxNameLength(name).maxMetadataEntries(entries).maxMetadataKeyLength(key)
            .maxMetadataValueBytes(value).maxArgumentsPerSegment(arguments).maxHopLimit(hopLimit)
            .maxRouteRecords(route).maxInsertedSegments(route).build());
  }

  @Property(tries = 400)
  void validDescriptorsTakeTheFastPathAndReEncodeToTheReferenceBytes(
      @ForAll("descriptors") ChainDescriptor d) {
    String header = codec.encodeReference(d);
    ChainDescriptor fast = codec.decode(header);
    if (d.segments().stream().noneMatch(Segment::isUrl)) {
      assertNotNull(fast.wire(), "a canonical descriptor without raw URLs takes the fast path");
    }
    Statistics.label("fast path").collect(fast.wire() != null);
    sameOutcomes(codec, header);
  }

  @Property(tries = 600)
  void mutatedAndRandomDescriptorMessagesGetTheSameVerdict(@ForAll("descriptorMessages") Descriptor message) {
    String header = Fixtures.signed(Fixtures.SECRET_1, "k1", message.toByteArray());
    Statistics.label("verdict").collect(sameOutcomes(codec, header));
  }

  @Property(tries = 800)
  void descriptorsWithChangedBytesGetTheSameVerdict(@ForAll("descriptors") ChainDescriptor d,
      @ForAll("byteMutations") List<ByteMutation> mutations) {
    byte[] bytes = DescriptorMapping.toProto(d).toByteArray();
    for (ByteMutation m : mutations) {
      bytes = m.apply(bytes);
    }
    String header = Fixtures.signed(Fixtures.SECRET_1, "k1", bytes);
    Statistics.label("verdict").collect(sameOutcomes(codec, header));
  }

  @Property(tries = 300)
  void headersWithChangedCharactersGetTheSameVerdict(@ForAll("descriptors") ChainDescriptor d,
      @ForAll("byteMutations") List<ByteMutation> mutations) {
    byte[] chars = codec.encodeReference(d).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    for (ByteMutation m : mutations) {
      chars = m.apply(chars);
    }
    Statistics.label("verdict").collect(
        sameOutcomes(codec, new String(chars, java.nio.charset.StandardCharsets.ISO_8859_1)));
  }

  @Property(tries = 300)
  void descriptorsUnderOtherLimitsGetTheSameVerdict(@ForAll("descriptors") ChainDescriptor d,
      @ForAll("limits") DecodeLimits limits) {
    ChainCodec limited = ChainCodec.builder(Fixtures.ring()).clock(Fixtures.CLOCK).limits(limits).build();
    String header = codec.encodeReference(d);
    Statistics.label("verdict").collect(sameOutcomes(limited, header));
    // a descriptor decoded under one codec's limits and encoded under another's
    ChainDescriptor fast = codec.decode(header);
    ChainDescriptor reference = codec.decodeReference(header, NOW.toEpochMilli());
    assertEquals(verdict(() -> limited.encodeReference(reference)), verdict(() -> limited.encode(fast)));
  }

  @Property(tries = 200)
  void validDescriptorsOfUnsignedRingsAndOtherKeysGetTheSameVerdict(@ForAll("descriptors") ChainDescriptor d) {
    String header = codec.encodeReference(d);
    ChainCodec otherKeys = Fixtures.codec(KeyRing.builder().addKey("k2", Fixtures.SECRET_2).build());
    ChainCodec rotated = Fixtures.codec(KeyRing.builder().addKey("k2", Fixtures.SECRET_2)
        .addKey("k1", Fixtures.SECRET_1).build());
    sameOutcomes(otherKeys, header);
    sameOutcomes(rotated, header);
  }

  @Property(tries = 300)
  void manyMetadataEntriesAndRepeatedKeysGetTheSameVerdict(@ForAll("descriptors") ChainDescriptor d,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 40) int extra,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 6) int repeat, @ForAll boolean toContext) {
    Descriptor.Builder b = DescriptorMapping.toProto(d).toBuilder();
    for (int i = 0; i < extra; i++) {
      io.chainmesh.core.internal.proto.MetadataEntry e = io.chainmesh.core.internal.proto.MetadataEntry.newBuilder()
          .setKey("extra.key-" + i).setValue("v" + i).build();
      if (i % 2 == 0) {
        b.addEdgeMetadata(e);
      } else {
        b.addContextMetadata(e);
      }
    }
    // repeat a key: 0 none, 1-2 an edge or context key, 3-4 an extra key, 5-6 an argument key
    List<String> keys = new java.util.ArrayList<>();
    b.getEdgeMetadataList().forEach(e -> keys.add(e.getKey()));
    b.getContextMetadataList().forEach(e -> keys.add(e.getKey()));
    if (repeat >= 5 && b.getSegmentsCount() > 0 && b.getSegments(0).getArgumentsCount() > 0) {
      io.chainmesh.core.internal.proto.Segment s = b.getSegments(0);
      b.setSegments(0, s.toBuilder().addArguments(s.getArguments(0).toBuilder().setValue("again")));
    } else if (repeat > 0 && !keys.isEmpty()) {
      String key = keys.get((repeat * 7919) % keys.size());
      io.chainmesh.core.internal.proto.MetadataEntry e = io.chainmesh.core.internal.proto.MetadataEntry.newBuilder()
          .setKey(key).setValue("again").build();
      if (toContext) {
        b.addContextMetadata(e);
      } else {
        b.addEdgeMetadata(e);
      }
    }
    String header = Fixtures.signed(Fixtures.SECRET_1, "k1", b.build().toByteArray());
    Statistics.label("verdict").collect(sameOutcomes(codec, header));
  }

  /**
   * Decodes {@code header} on both paths and compares the verdicts; when both accept, compares the
   * descriptors and what each path encodes for it, as it is, advanced and finished.
   */
  private static String sameOutcomes(ChainCodec codec, String header) {
    long now = NOW.toEpochMilli();
    Verdict<ChainDescriptor> reference = verdict(() -> codec.decodeReference(header, now));
    Verdict<ChainDescriptor> fast = verdict(() -> codec.decode(header));
    assertEquals(reference.refusal(), fast.refusal(), "verdict on " + header);
    if (reference.value() == null) {
      return "refused";
    }
    ChainDescriptor expected = reference.value();
    ChainDescriptor actual = fast.value();
    assertNull(expected.wire());
    assertEquals(expected, actual);
    assertEquals(actual, expected);
    assertEquals(expected.hashCode(), actual.hashCode());
    assertEquals(expected.toString(), actual.toString());
    assertEquals(ChainJson.toJson(expected), ChainJson.toJson(actual));
    assertEquals(verdict(() -> codec.encodeReference(expected)), verdict(() -> codec.encode(actual)));
    // a fresh decode, so that the lazily read parts are read by the operations themselves
    ChainDescriptor lazy = codec.decode(header);
    assertEquals(expected.currentSegment(), lazy.currentSegment());
    assertEquals(expected.nextSegment(), lazy.nextSegment());
    assertEquals(expected.isLastSegment(), lazy.isLastSegment());
    assertEquals(servable(expected), servable(codec.decode(header)), "the serving check agrees on both paths");
    for (Outcome outcome : Outcome.values()) {
      RouteRecord record = RouteRecord.builder().segmentIndex(expected.pointer()).node("node-x.1")
          .start(NOW.plusMillis(3)).duration(Duration.ofNanos(417_000)).outcome(outcome).build();
      ChainDescriptor fresh = codec.decode(header);
      Supplier<ChainDescriptor> step = outcome == Outcome.FORWARDED
          ? () -> fresh.advance(record) : () -> fresh.recordFinal(record);
      Supplier<ChainDescriptor> referenceStep = outcome == Outcome.FORWARDED
          ? () -> expected.advance(record) : () -> expected.recordFinal(record);
      Verdict<ChainDescriptor> stepped = verdict(step);
      Verdict<ChainDescriptor> referenceStepped = verdict(referenceStep);
      assertEquals(referenceStepped.refusal(), stepped.refusal());
      if (referenceStepped.value() != null) {
        assertEquals(referenceStepped.value(), stepped.value());
        assertEquals(servable(referenceStepped.value()), servable(stepped.value()));
        assertEquals(outcome != Outcome.FORWARDED, stepped.value().isFinished(), "finished exactly after recordFinal");
        Verdict<String> encoded = verdict(() -> codec.encode(stepped.value()));
        assertEquals(verdict(() -> codec.encodeReference(referenceStepped.value())), encoded);
        // and the hop after: decode what this one sent, advance again, encode again
        if (encoded.value() != null && outcome == Outcome.FORWARDED) {
          ChainDescriptor nextReference = codec.decodeReference(encoded.value(), now);
          ChainDescriptor next = codec.decode(encoded.value());
          assertEquals(nextReference, next);
          RouteRecord again = RouteRecord.builder().segmentIndex(next.pointer()).node("node-y")
              .start(NOW.plusMillis(4)).outcome(Outcome.ANSWERED).build();
          assertEquals(verdict(() -> codec.encodeReference(nextReference.recordFinal(again))),
              verdict(() -> codec.encode(next.recordFinal(again))));
        }
      }
    }
    return actual.wire() != null ? "accepted, fast path" : "accepted, reference path";
  }

  /** The verdict of the serving check ({@link ChainDescriptor#requireServable()}). */
  private static Verdict<Boolean> servable(ChainDescriptor d) {
    return verdict(() -> {
      d.requireServable();
      return d.isFinished();
    });
  }

  /** A value or the description of the refusal that prevented it. */
  record Verdict<T>(T value, String refusal) {}

  private static <T> Verdict<T> verdict(Supplier<T> action) {
    try {
      return new Verdict<>(action.get(), null);
    } catch (ChainException e) {
      return new Verdict<>(null, e.reason().code() + " | " + e.field().orElse("-") + " | "
          + (e.offset().isPresent() ? e.offset().getAsInt() : "-") + " | " + e.detail());
    }
  }
}
