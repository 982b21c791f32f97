package io.chainmesh.edge;

import static io.chainmesh.edge.EdgeTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proof-of-transit check on crafted final descriptors. */
class ProofOfTransitTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final ChainDescriptor ISSUED = ChainDescriptor.builder()
      .chainName("shout")
      .segments(segments("a", "b", "c"))
      .hopLimit(7)
      .issuedAt(T0)
      .lifetime(Duration.ofSeconds(60))
      .deadline(T0.plusSeconds(5))
      .edgeMetadata("tenant", "acme")
      .build();

  private static RouteRecord record(int index, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(index).node("node-" + index).start(T0.plusMillis(index))
        .duration(Duration.ofMillis(1)).outcome(outcome).build();
  }

  /** The descriptor honest hops return: forwarded through every segment before {@code stop}, then {@code last}. */
  private static ChainDescriptor walked(ChainDescriptor d, int stop, Outcome last) {
    for (int i = d.pointer(); i < stop; i++) {
      d = d.advance(record(i, Outcome.FORWARDED));
    }
    return d.recordFinal(record(stop, last));
  }

  /** A descriptor a key holder could sign: the issued one's fields with the given list, pointer and route. */
  private static ChainDescriptor crafted(List<Segment> segments, int pointer, int hopLimit, int inserted,
      RouteRecord... route) {
    ChainDescriptor.Builder b = ChainDescriptor.builder()
        .chainId(ISSUED.chainId())
        .chainName("shout")
        .segments(segments)
        .pointer(pointer)
        .hopLimit(hopLimit)
        .insertedSegments(inserted)
        .issuedAt(ISSUED.issuedAt())
        .expiresAt(ISSUED.expiresAt())
        .deadline(ISSUED.deadline().orElseThrow())
        .edgeMetadata("tenant", "acme");
    for (RouteRecord r : route) {
      b.routeRecord(r);
    }
    return b.build();
  }

  private static String violation(ChainDescriptor returned) {
    ProofOfTransit proof = ProofOfTransit.verify(ISSUED, returned);
    assertFalse(proof.isVerified(), "expected a violation for " + returned);
    return proof.violation().orElseThrow();
  }

  @Test
  void completeRouteIsVerified() {
    ProofOfTransit proof = ProofOfTransit.verify(ISSUED, walked(ISSUED, 2, Outcome.ANSWERED));

    assertTrue(proof.isVerified(), proof::toString);
    assertEquals(2, proof.stoppedAt().orElseThrow());
    assertEquals(Outcome.ANSWERED, proof.outcome().orElseThrow());
  }

  @Test
  void earlyEndIsVerifiedUpToTheSegmentThatEnded() {
    ProofOfTransit proof = ProofOfTransit.verify(ISSUED, walked(ISSUED, 1, Outcome.ENDED_EARLY));

    assertTrue(proof.isVerified(), proof::toString);
    assertEquals(1, proof.stoppedAt().orElseThrow());
  }

  @Test
  void failureAtTheFirstSegmentIsVerified() {
    assertTrue(ProofOfTransit.verify(ISSUED, walked(ISSUED, 0, Outcome.FAILED)).isVerified());
  }

  @Test
  void insertedSubChainIsVerified() {
    ChainDescriptor d = ISSUED.advance(record(0, Outcome.FORWARDED))
        .insertAfterCurrent(List.of(Segment.of("x")));

    ChainDescriptor returned = walked(d, 3, Outcome.ANSWERED);

    assertEquals(segments("a", "b", "x", "c"), returned.segments());
    assertTrue(ProofOfTransit.verify(ISSUED, returned).isVerified());
  }

  @Test
  void skippedSegmentIsRefused() {
    ChainDescriptor returned = crafted(ISSUED.segments(), 2, 6, 0,
        record(0, Outcome.FORWARDED), record(2, Outcome.ANSWERED));

    assertEquals("segment 1 (b) was skipped: the route goes from segment 0 to segment 2", violation(returned));
  }

  @Test
  void skippedFirstSegmentIsRefused() {
    ChainDescriptor returned = crafted(ISSUED.segments(), 2, 6, 0,
        record(1, Outcome.FORWARDED), record(2, Outcome.ANSWERED));

    assertEquals("segment 0 (a) was skipped: the route goes from the edge to segment 1", violation(returned));
  }

  @Test
  void routeEndingWithAForwardIsRefused() {
    ChainDescriptor returned = crafted(ISSUED.segments(), 2, 5, 0,
        record(0, Outcome.FORWARDED), record(1, Outcome.FORWARDED));

    assertEquals("segment 1 (b) forwarded but segment 2 (c) never answered", violation(returned));
  }

  @Test
  void answerBeforeTheLastSegmentIsRefused() {
    ChainDescriptor returned = crafted(ISSUED.segments(), 1, 6, 0,
        record(0, Outcome.FORWARDED), record(1, Outcome.ANSWERED));

    assertTrue(violation(returned).contains("answered as if it were the last, but segments 2..2 were never visited"));
  }

  @Test
  void reorderedSegmentsAreRefused() {
    ChainDescriptor returned = walked(crafted(segments("a", "c", "b"), 0, 7, 0), 2, Outcome.ANSWERED);

    assertEquals("issued segment 2 (c) is missing from the returned list or out of order", violation(returned));
  }

  @Test
  void removedSegmentIsRefused() {
    ChainDescriptor returned = walked(crafted(segments("a", "c"), 0, 7, 0), 1, Outcome.ANSWERED);

    assertEquals("2 segments came back for the 3 issued, but the descriptor counts 0 inserted", violation(returned));
  }

  @Test
  void extraSegmentNotCountedAsInsertedIsRefused() {
    ChainDescriptor returned = walked(crafted(segments("a", "x", "b", "c"), 0, 7, 0), 3, Outcome.ANSWERED);

    assertEquals("4 segments came back for the 3 issued, but the descriptor counts 0 inserted", violation(returned));
  }

  @Test
  void routeOfAnotherChainIsRefused() {
    ChainDescriptor other = ChainDescriptor.builder().chainId(ChainId.random()).segments(ISSUED.segments())
        .hopLimit(7).build();

    assertTrue(violation(walked(other, 2, Outcome.ANSWERED)).startsWith("the route belongs to chain "));
  }

  @Test
  void changedEdgeMetadataIsRefused() {
    ChainDescriptor returned = ChainDescriptor.builder().chainId(ISSUED.chainId()).chainName("shout")
        .segments(ISSUED.segments()).hopLimit(7).issuedAt(T0).expiresAt(ISSUED.expiresAt())
        .deadline(ISSUED.deadline().orElseThrow()).edgeMetadata("tenant", "evil").build();

    assertEquals("the returned descriptor's edge metadata differs from what the edge issued",
        violation(walked(returned, 2, Outcome.ANSWERED)));
  }

  @Test
  void hopLimitNotLoweredByEachForwardIsRefused() {
    ChainDescriptor returned = crafted(ISSUED.segments(), 2, 7, 0,
        record(0, Outcome.FORWARDED), record(1, Outcome.FORWARDED), record(2, Outcome.ANSWERED));

    assertEquals("the hop limit went from 7 to 7 over 2 forwards", violation(returned));
  }

  @Test
  void descriptorWithoutAnyRecordIsRefused() {
    assertEquals("no hop recorded serving the chain", violation(ISSUED));
  }
}
