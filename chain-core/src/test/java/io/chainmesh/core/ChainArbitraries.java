package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.NOW;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.MetadataEntry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for the chain model: valid segments, metadata and descriptors (sized so that
 * every generated descriptor fits the default limits and is valid at {@link Fixtures#NOW}), and
 * arbitrary — mostly invalid — protobuf descriptor messages for fuzzing the decoder.
 */
final class ChainArbitraries {
  private static final String LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private ChainArbitraries() {}

  /** A lower-case DNS name of 1 to 3 labels. */
  static Arbitrary<String> dnsNames() {
    Arbitrary<String> label = Arbitraries.strings().withChars(LOWER_DIGITS + "-").ofMinLength(1).ofMaxLength(12)
        .filter(l -> l.charAt(0) != '-' && l.charAt(l.length() - 1) != '-');
    // The last label is never all digits: that would be an IP address, not a name.
    return label.list().ofMinSize(1).ofMaxSize(3).map(labels -> String.join(".", labels))
        .filter(name -> !name.substring(name.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit));
  }

  /** A token: a letter or digit, then letters, digits, '.', '_' and '-'. */
  static Arbitrary<String> tokens(int maxLength) {
    Arbitrary<Character> first = Arbitraries.chars().with((LETTERS + LOWER_DIGITS).toCharArray());
    Arbitrary<String> rest = Arbitraries.strings().withChars(LETTERS + LOWER_DIGITS + "._-").ofMaxLength(maxLength - 1);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  /** A metadata or argument key. */
  static Arbitrary<String> keys() {
    Arbitrary<Character> first = Arbitraries.chars().with(LOWER_DIGITS.toCharArray());
    Arbitrary<String> rest = Arbitraries.strings().withChars(LOWER_DIGITS + "._-").ofMaxLength(15);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  /** Any text that is valid UTF-8 (no lone surrogates), ASCII more often than not. */
  static Arbitrary<String> values() {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(12);
    Arbitrary<String> unicode = Arbitraries.strings()
        .withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\ufffd').ofMaxLength(12);
    Arbitrary<String> emoji = Arbitraries.of("\uD83D\uDE80", "a\uD83D\uDC4Db", "\uD800\uDC00");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, ascii), net.jqwik.api.Tuple.of(3, unicode), net.jqwik.api.Tuple.of(1, emoji));
  }

  /** Up to {@code max} entries of distinct keys, in generation order (duplicates dropped). */
  static Arbitrary<Map<String, String>> entries(int max) {
    return Combinators.combine(keys(), values()).as(Map::entry).list().ofMaxSize(max).map(list -> {
      Map<String, String> map = new LinkedHashMap<>();
      list.forEach(e -> map.putIfAbsent(e.getKey(), e.getValue()));
      return map;
    });
  }

  static Arbitrary<Segment> logicalSegments() {
    Arbitrary<Map<String, String>> arguments = entries(2);
    return Combinators.combine(dnsNames(), tokens(20).injectNull(0.4), arguments)
        .as((service, function, args) -> Segment.builder(service).function(function).arguments(args).build());
  }

  static Arbitrary<Segment> urlSegments() {
    return Combinators.combine(Arbitraries.of("http", "https", "HTTPS"), dnsNames(),
            Arbitraries.integers().between(1, 65535).injectNull(0.5), tokens(16).injectNull(0.3))
        .as((scheme, host, port, path) -> Segment.url(URI.create(scheme + "://" + host + ".example"
            + (port == null ? "" : ":" + port) + "/" + (path == null ? "" : path))));
  }

  static Arbitrary<Segment> segments() {
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, logicalSegments()), net.jqwik.api.Tuple.of(1, urlSegments()));
  }

  /** Edge and context metadata with disjoint keys, in generation order. */
  record Metadata(Map<String, String> edge, Map<String, String> context) {}

  static Arbitrary<Metadata> metadata() {
    return Combinators.combine(entries(8), Arbitraries.integers().between(0, 8))
        .as((entries, cut) -> {
          Map<String, String> edge = new LinkedHashMap<>();
          Map<String, String> context = new LinkedHashMap<>();
          int i = 0;
          for (Map.Entry<String, String> e : entries.entrySet()) {
            (i++ < cut ? edge : context).put(e.getKey(), e.getValue());
          }
          return new Metadata(edge, context);
        });
  }

  /** Issue and expiry around {@link Fixtures#NOW} within the default lifetime, and an optional deadline. */
  record Window(Instant issuedAt, Instant expiresAt, Instant deadline) {}

  static Arbitrary<Window> windows() {
    return Combinators.combine(Arbitraries.longs().between(0, 300_000), Arbitraries.longs().between(1, 300_000),
            Arbitraries.longs().between(1, 3_600_000).injectNull(0.5))
        .as((before, after, deadline) -> new Window(NOW.minusMillis(before), NOW.plusMillis(after),
            deadline == null ? null : NOW.plusMillis(deadline)));
  }

  record RecordSeed(String node, long startOffsetMillis, long durationMicros, Outcome outcome) {
    RouteRecord at(int index) {
      return RouteRecord.builder().segmentIndex(index).node(node).start(NOW.plusMillis(startOffsetMillis))
          .duration(Duration.ofNanos(durationMicros * 1000)).outcome(outcome).build();
    }
  }

  static Arbitrary<RecordSeed> recordSeeds() {
    return Combinators.combine(tokens(20), Arbitraries.longs().between(-1_000_000, 1_000_000),
            Arbitraries.longs().between(0, 1_000_000_000L), Arbitraries.of(Outcome.class))
        .as(RecordSeed::new);
  }

  private record Identity(ChainId id, String name, List<RecordSeed> records) {}

  /**
   * Valid descriptors: 1 to 8 segments, any pointer and hop limit, metadata, either return mode,
   * route records for some of the segments up to the pointer, inserted segments, minor versions.
   * (No flatMap: it builds new generators for every value and is two orders of magnitude slower.)
   */
  static Arbitrary<ChainDescriptor> descriptors() {
    Arbitrary<Integer> hopLimits = Arbitraries.oneOf(Arbitraries.integers().between(1, 12),
        Arbitraries.integers().between(1, 255));
    Arbitrary<ChainId> ids = Arbitraries.bytes().array(byte[].class).ofSize(16).map(ChainId::fromBytes);
    Arbitrary<Identity> identities = Combinators.combine(ids, tokens(30).injectNull(0.5),
            recordSeeds().injectNull(0.4).list().ofSize(8))
        .as(Identity::new);
    return Combinators.combine(segments().list().ofMinSize(1).ofMaxSize(8), Arbitraries.integers().between(0, 7),
            hopLimits, metadata(), windows(), logicalSegments().injectNull(0.6), Arbitraries.integers().between(0, 63),
            identities)
        .as((segments, pointerSeed, hopLimit, metadata, window, replyTo, counts, identity) -> {
          int n = segments.size();
          int pointer = pointerSeed % n;
          ChainDescriptor.Builder b = ChainDescriptor.builder()
              .chainId(identity.id())
              .chainName(identity.name())
              .segments(segments)
              .pointer(pointer)
              .hopLimit(hopLimit)
              .issuedAt(window.issuedAt())
              .expiresAt(window.expiresAt())
              .deadline(window.deadline())
              .insertedSegments((counts & 15) % n)
              .minorVersion(counts >> 4);
          metadata.edge().forEach(b::edgeMetadata);
          metadata.context().forEach(b::contextMetadata);
          if (replyTo != null) {
            b.async(replyTo);
          }
          for (int i = 0; i <= pointer; i++) {
            RecordSeed seed = identity.records().get(i);
            if (seed != null) {
              b.routeRecord(seed.at(i));
            }
          }
          return b.build();
        });
  }

  // ---- arbitrary protobuf messages, mostly invalid, for fuzzing the decoder past the MAC ----

  private static Arbitrary<String> anyText() {
    return Arbitraries.oneOf(Arbitraries.just(""), dnsNames(), tokens(10), keys(), Arbitraries.strings().ofMaxLength(12),
        Arbitraries.of("http://x.example/", "https://u@x.example/", "ftp://x/", "http://[::1]:8080/", "http://[",
            "http:x", "/p", "HTTP://X.EXAMPLE:0/", "http://x.example:99999/", "Pricing", "a..b", "-a", "a_b"));
  }

  private static Arbitrary<Integer> anyInt(int smallMax) {
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, smallMax)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
  }

  private static Arbitrary<Long> anyMillis() {
    long now = NOW.toEpochMilli();
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(now - 700_000, now + 700_000)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs()),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  private static Arbitrary<MetadataEntry> entryMessages() {
    return Combinators.combine(anyText(), anyText())
        .as((k, v) -> MetadataEntry.newBuilder().setKey(k).setValue(v).build());
  }

  private static Arbitrary<UnknownFieldSet> unknownFields() {
    return Combinators.combine(Arbitraries.integers().between(17, 1000), Arbitraries.longs(),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(8))
        .as((number, varint, bytes) -> UnknownFieldSet.newBuilder()
            .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(varint)
                .addLengthDelimited(ByteString.copyFrom(bytes)).build())
            .build())
        .injectNull(0.7)
        .map(u -> u == null ? UnknownFieldSet.getDefaultInstance() : u);
  }

  static Arbitrary<io.chainmesh.core.internal.proto.Segment> segmentMessages() {
    Arbitrary<String> urls = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(1, anyText()));
    return Combinators.combine(anyText(), Arbitraries.oneOf(Arbitraries.just(""), anyText()), urls,
            entryMessages().list().ofMaxSize(3), unknownFields())
        .as((service, function, url, args, unknown) -> io.chainmesh.core.internal.proto.Segment.newBuilder()
            .setService(service).setFunction(function).setUrl(url).addAllArguments(args)
            .setUnknownFields(unknown).build());
  }

  static Arbitrary<io.chainmesh.core.internal.proto.RouteRecord> recordMessages() {
    return Combinators.combine(anyInt(5), anyText(), anyMillis(), Arbitraries.longs(), anyInt(6), unknownFields())
        .as((index, node, start, duration, outcome, unknown) -> io.chainmesh.core.internal.proto.RouteRecord
            .newBuilder().setSegmentIndex(index).setNode(node).setStartMs(start).setDurationUs(duration)
            .setOutcomeValue(outcome).setUnknownFields(unknown).build());
  }

  /** Protobuf descriptors with arbitrary field values: almost all refused somewhere. */
  static Arbitrary<Descriptor> randomDescriptorMessages() {
    Arbitrary<ByteString> chainIds = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofSize(16)),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(20)))
        .map(ByteString::copyFrom);
    Arbitrary<Integer> majors = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.just(1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    return Builders.withBuilder(Descriptor::newBuilder)
        .use(majors).in(Descriptor.Builder::setMajorVersion)
        .use(Arbitraries.integers()).withProbability(0.3).in(Descriptor.Builder::setMinorVersion)
        .use(chainIds).in(Descriptor.Builder::setChainId)
        .use(anyText()).withProbability(0.3).in(Descriptor.Builder::setChainName)
        .use(segmentMessages().list().ofMaxSize(5)).in(Descriptor.Builder::addAllSegments)
        .use(anyInt(5)).in(Descriptor.Builder::setPointer)
        .use(anyInt(8)).in(Descriptor.Builder::setHopLimit)
        .use(entryMessages().list().ofMaxSize(3)).in(Descriptor.Builder::addAllEdgeMetadata)
        .use(entryMessages().list().ofMaxSize(3)).in(Descriptor.Builder::addAllContextMetadata)
        .use(anyMillis()).in(Descriptor.Builder::setIssuedAtMs)
        .use(anyMillis()).in(Descriptor.Builder::setExpiresAtMs)
        .use(anyMillis()).withProbability(0.3).in(Descriptor.Builder::setDeadlineMs)
        .use(anyInt(3)).withProbability(0.5).in(Descriptor.Builder::setReturnModeValue)
        .use(segmentMessages()).withProbability(0.4).in(Descriptor.Builder::setReplyTo)
        .use(recordMessages().list().ofMaxSize(3)).in(Descriptor.Builder::addAllRoute)
        .use(anyInt(4)).withProbability(0.4).in(Descriptor.Builder::setInsertedSegments)
        .use(unknownFields()).in(Descriptor.Builder::setUnknownFields)
        .build(Descriptor.Builder::build);
  }

  /** One change to a descriptor message. */
  private interface Mutation {
    void apply(Descriptor.Builder b);
  }

  private static Arbitrary<Mutation> mutation(Arbitrary<Mutation> arbitrary) {
    return arbitrary;
  }

  /** A change to one field of segment {@code index} (modulo the count), if there is any segment. */
  private static Mutation onSegment(int index,
      java.util.function.UnaryOperator<io.chainmesh.core.internal.proto.Segment.Builder> change) {
    return b -> {
      if (b.getSegmentsCount() > 0) {
        int i = Math.floorMod(index, b.getSegmentsCount());
        b.setSegments(i, change.apply(b.getSegments(i).toBuilder()));
      }
    };
  }

  private static Mutation onRecord(int index,
      java.util.function.UnaryOperator<io.chainmesh.core.internal.proto.RouteRecord.Builder> change) {
    return b -> {
      if (b.getRouteCount() > 0) {
        int i = Math.floorMod(index, b.getRouteCount());
        b.setRoute(i, change.apply(b.getRoute(i).toBuilder()));
      }
    };
  }

  private static Arbitrary<Mutation> mutations() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
    return Arbitraries.oneOf(List.of(
        mutation(anyInt(3).map(v -> b -> b.setMajorVersion(v))),
        mutation(Arbitraries.integers().map(v -> b -> b.setMinorVersion(v))),
        mutation(Arbitraries.bytes().array(byte[].class).ofMaxSize(17).map(v -> b -> b.setChainId(ByteString.copyFrom(v)))),
        mutation(anyText().map(v -> b -> b.setChainName(v))),
        mutation(segmentMessages().map(v -> b -> b.addSegments(v))),
        mutation(Arbitraries.just(b -> b.clearSegments())),
        mutation(Combinators.combine(index, anyText()).as((i, v) -> onSegment(i, s -> s.setService(v)))),
        mutation(Combinators.combine(index, anyText()).as((i, v) -> onSegment(i, s -> s.setFunction(v)))),
        mutation(Combinators.combine(index, anyText()).as((i, v) -> onSegment(i, s -> s.setUrl(v)))),
        mutation(Combinators.combine(index, entryMessages()).as((i, v) -> onSegment(i, s -> s.addArguments(v)))),
        mutation(Combinators.combine(index, unknownFields()).as((i, v) -> onSegment(i, s -> s.setUnknownFields(v)))),
        mutation(anyInt(9).map(v -> b -> b.setPointer(v))),
        mutation(anyInt(9).map(v -> b -> b.setHopLimit(v))),
        mutation(entryMessages().map(v -> b -> b.addEdgeMetadata(v))),
        mutation(entryMessages().map(v -> b -> b.addContextMetadata(v))),
        mutation(anyMillis().map(v -> b -> b.setIssuedAtMs(v))),
        mutation(anyMillis().map(v -> b -> b.setExpiresAtMs(v))),
        mutation(anyMillis().map(v -> b -> b.setDeadlineMs(v))),
        mutation(anyInt(3).map(v -> b -> b.setReturnModeValue(v))),
        mutation(segmentMessages().map(v -> b -> b.setReplyTo(v))),
        mutation(Arbitraries.just(b -> b.clearReplyTo())),
        mutation(recordMessages().map(v -> b -> b.addRoute(v))),
        mutation(Combinators.combine(index, anyInt(9)).as((i, v) -> onRecord(i, r -> r.setSegmentIndex(v)))),
        mutation(Combinators.combine(index, Arbitraries.longs()).as((i, v) -> onRecord(i, r -> r.setDurationUs(v)))),
        mutation(Combinators.combine(index, anyInt(6)).as((i, v) -> onRecord(i, r -> r.setOutcomeValue(v)))),
        mutation(Combinators.combine(index, anyText()).as((i, v) -> onRecord(i, r -> r.setNode(v)))),
        mutation(anyInt(9).map(v -> b -> b.setInsertedSegments(v))),
        mutation(unknownFields().map(v -> b -> b.setUnknownFields(v)))));
  }

  /**
   * Messages of valid descriptors with up to three fields changed to arbitrary values, and a few
   * messages with every field arbitrary: the decoder's input past the MAC, valid and not.
   */
  static Arbitrary<Descriptor> descriptorMessages() {
    Arbitrary<Descriptor> mutated = Combinators.combine(descriptors(), mutations().list().ofMaxSize(3))
        .as((d, changes) -> {
          Descriptor.Builder b = DescriptorMapping.toProto(d).toBuilder();
          changes.forEach(m -> m.apply(b));
          return b.build();
        });
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, mutated),
        net.jqwik.api.Tuple.of(1, randomDescriptorMessages()));
  }
}
