package io.chainmesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the descriptor model, its wire form and its JSON form, for arbitrary valid descriptors. */
class DescriptorProperties {
  private final ChainCodec codec = Fixtures.codec();

  @Provide
  Arbitrary<ChainDescriptor> descriptors() {
    return ChainArbitraries.descriptors();
  }

  @Provide
  Arbitrary<List<Segment>> subChains() {
    return ChainArbitraries.segments().list().ofMaxSize(4);
  }

  private static RouteRecord recordFor(ChainDescriptor d, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(d.pointer()).node("hop-" + d.pointer()).start(Fixtures.NOW)
        .outcome(outcome).build();
  }

  private static boolean routeHasCurrent(ChainDescriptor d) {
    return !d.route().isEmpty() && d.route().get(d.route().size() - 1).segmentIndex() == d.pointer();
  }

  @Property
  void encodeThenDecodeGivesTheSameDescriptor(@ForAll("descriptors") ChainDescriptor d) {
    assertEquals(d, codec.decode(codec.encode(d)));
  }

  @Property
  void reencodingADecodedHeaderReproducesItExactly(@ForAll("descriptors") ChainDescriptor d) {
    String header = codec.encode(d);

    assertEquals(header, codec.encode(codec.decode(header)));
  }

  @Property
  void jsonRoundTripGivesTheSameDescriptor(@ForAll("descriptors") ChainDescriptor d) {
    assertEquals(d, ChainJson.fromJson(ChainJson.toJson(d)));
  }

  @Property
  void prettyAndCompactJsonDescribeTheSameDescriptor(@ForAll("descriptors") ChainDescriptor d) {
    assertEquals(ChainJson.fromJson(ChainJson.toJson(d)), ChainJson.fromJson(ChainJson.toPrettyJson(d)));
  }

  @Property
  void advanceMovesThePointerUpByOneAndTheHopLimitDownByOneOrIsRefused(@ForAll("descriptors") ChainDescriptor d) {
    ChainDescriptor current = d;
    while (true) {
      ChainDescriptor next;
      try {
        next = current.advance(recordFor(current, Outcome.FORWARDED));
      } catch (ChainException e) {
        Reason expected = current.isLastSegment() ? Reason.POINTER_OUT_OF_RANGE
            : current.hopLimit() <= 1 ? Reason.HOP_LIMIT_EXCEEDED
            : Reason.DESCRIPTOR_MALFORMED; // the route already holds a record for the current segment
        assertEquals(expected, e.reason(), e.getMessage());
        if (expected == Reason.DESCRIPTOR_MALFORMED) {
          assertTrue(routeHasCurrent(current), e.getMessage());
        }
        return;
      }
      assertEquals(current.pointer() + 1, next.pointer());
      assertEquals(current.hopLimit() - 1, next.hopLimit());
      assertTrue(next.hopLimit() >= 1);
      assertEquals(current.route().size() + 1, next.route().size());
      current = next;
    }
  }

  /**
   * Whatever a hop does — advance, end the chain, add context, insert a sub-chain — the pointer never
   * goes back, the hop limit never rises, the segments already visited and the route so far never
   * change, and edge metadata stays as the edge set it.
   */
  @Property
  void noHopOperationRewritesThePast(@ForAll("descriptors") ChainDescriptor d,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 3) Integer> operations,
      @ForAll("subChains") List<Segment> subChain) {
    ChainDescriptor current = d;
    for (int op : operations) {
      ChainDescriptor next;
      try {
        next = switch (op) {
          case 0 -> current.advance(recordFor(current, Outcome.FORWARDED));
          case 1 -> current.recordFinal(recordFor(current, Outcome.ENDED_EARLY));
          case 2 -> current.withContext("hop." + current.pointer(), "v" + current.route().size());
          default -> current.insertAfterCurrent(subChain);
        };
      } catch (ChainException e) {
        continue;
      }
      assertTrue(next.pointer() >= current.pointer());
      assertTrue(next.hopLimit() <= current.hopLimit());
      assertTrue(next.hopLimit() >= 1);
      assertEquals(current.segments().subList(0, current.pointer() + 1),
          next.segments().subList(0, current.pointer() + 1));
      assertEquals(current.route(), next.route().subList(0, current.route().size()));
      assertEquals(current.edgeMetadata(), next.edgeMetadata());
      assertTrue(next.insertedSegments() >= current.insertedSegments());
      assertEquals(d.chainId(), next.chainId());
      assertEquals(d.expiresAt(), next.expiresAt());
      current = next;
    }
    assertEquals(current, codec.decode(codec.encode(current)));
  }

  @Property
  void insertAfterCurrentKeepsTheVisitedPrefixAndPutsTheSubChainNext(@ForAll("descriptors") ChainDescriptor d,
      @ForAll("subChains") List<Segment> subChain) {
    DecodeLimits limits = DecodeLimits.builder().maxInsertedSegments(8).maxSegments(10).build();
    int p = d.pointer();
    ChainDescriptor r;
    try {
      r = d.insertAfterCurrent(subChain, limits);
    } catch (ChainException e) {
      int inserted = d.insertedSegments() + subChain.size();
      int size = d.segments().size() + subChain.size();
      Reason expected = inserted > limits.maxInsertedSegments() ? Reason.LIMITS_INSERTED_SEGMENTS
          : size > limits.maxSegments() ? Reason.LIMITS_SEGMENTS
          : Reason.HOP_LIMIT_EXCEEDED;
      assertEquals(expected, e.reason(), e.getMessage());
      if (expected == Reason.HOP_LIMIT_EXCEEDED) {
        assertTrue(d.hopLimit() < size - p, e.getMessage());
      }
      return;
    }
    int n = subChain.size();
    assertEquals(d.segments().subList(0, p + 1), r.segments().subList(0, p + 1));
    assertEquals(subChain, r.segments().subList(p + 1, p + 1 + n));
    assertEquals(d.remainingSegments(), r.segments().subList(p + 1 + n, r.segments().size()));
    assertEquals(p, r.pointer());
    assertEquals(d.hopLimit(), r.hopLimit());
    assertEquals(d.route(), r.route());
    assertEquals(d.edgeMetadata(), r.edgeMetadata());
    assertEquals(d.contextMetadata(), r.contextMetadata());
    assertEquals(d.insertedSegments() + n, r.insertedSegments());
    assertTrue(r.hopLimit() >= r.segments().size() - p || n == 0);
  }

  @Property
  void withContextIsRefusedExactlyForEdgeKeysAndNeverChangesEdgeMetadata(@ForAll("descriptors") ChainDescriptor d,
      @ForAll("keys") String freshKey, @ForAll boolean useAnEdgeKey) {
    List<String> edgeKeys = List.copyOf(d.edgeMetadata().keySet());
    String key = useAnEdgeKey && !edgeKeys.isEmpty()
        ? edgeKeys.get(Math.floorMod(freshKey.hashCode(), edgeKeys.size()))
        : freshKey;
    try {
      ChainDescriptor next = d.withContext(key, "x");
      assertTrue(!d.edgeMetadata().containsKey(key));
      assertEquals("x", next.contextMetadata().get(key));
      assertEquals(d.edgeMetadata(), next.edgeMetadata());
    } catch (ChainException e) {
      assertEquals(Reason.METADATA_READ_ONLY, e.reason(), e.getMessage());
      assertTrue(d.edgeMetadata().containsKey(key));
    }
  }

  @Provide
  Arbitrary<String> keys() {
    return ChainArbitraries.keys();
  }
}
