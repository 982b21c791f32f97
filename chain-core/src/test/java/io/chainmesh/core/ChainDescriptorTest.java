package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.CHAIN_ID;
import static io.chainmesh.core.Fixtures.NOW;
import static io.chainmesh.core.Fixtures.chain;
import static io.chainmesh.core.Fixtures.everyField;
import static io.chainmesh.core.Fixtures.record;
import static io.chainmesh.core.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChainDescriptorTest {

  private static List<Segment> segments(String... services) {
    List<Segment> list = new ArrayList<>();
    for (String s : services) {
      list.add(Segment.of(s));
    }
    return list;
  }

  @Nested
  class Building {
    @Test
    void defaultsPointerToFirstSegmentAndHopLimitToSegmentCount() {
      ChainDescriptor d = chain("a", "b", "c").build();

      assertEquals(0, d.pointer());
      assertEquals(3, d.hopLimit());
      assertEquals(Segment.of("a"), d.currentSegment());
    }

    @Test
    void defaultHopLimitCoversTheSegmentsFromThePointerOn() {
      ChainDescriptor d = chain("a", "b", "c", "d").pointer(2).build();

      assertEquals(2, d.hopLimit());
    }

    @Test
    void defaultHopLimitLetsTheChainReachItsLastSegmentExactly() {
      ChainDescriptor d = chain("a", "b", "c").build();
      d = d.advance(record(0)).advance(record(1));

      assertTrue(d.isLastSegment());
      assertEquals(1, d.hopLimit());
    }

    @Test
    void defaultsToAFreshRandomChainId() {
      ChainDescriptor first = ChainDescriptor.builder().segment(Segment.of("a")).build();
      ChainDescriptor second = ChainDescriptor.builder().segment(Segment.of("a")).build();

      assertNotEquals(first.chainId(), second.chainId());
    }

    @Test
    void defaultsIssueTimeToNowInMillisecondsAndExpiryToDefaultLifetime() {
      Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
      ChainDescriptor d = ChainDescriptor.builder().segment(Segment.of("a")).build();
      Instant after = Instant.ofEpochMilli(System.currentTimeMillis());

      assertFalse(d.issuedAt().isBefore(before));
      assertFalse(d.issuedAt().isAfter(after));
      assertEquals(0, d.issuedAt().getNano() % 1_000_000);
      assertEquals(d.issuedAt().plus(ChainDescriptor.DEFAULT_LIFETIME), d.expiresAt());
    }

    @Test
    void lifetimeSetsExpiryRelativeToIssueTime() {
      ChainDescriptor d = chain("a").lifetime(Duration.ofSeconds(5)).build();

      assertEquals(NOW.plusSeconds(5), d.expiresAt());
    }

    @Test
    void explicitExpiryWinsOverLifetime() {
      ChainDescriptor d = chain("a").lifetime(Duration.ofSeconds(5)).expiresAt(NOW.plusSeconds(9)).build();

      assertEquals(NOW.plusSeconds(9), d.expiresAt());
    }

    @Test
    void truncatesTimesToMilliseconds() {
      ChainDescriptor d = ChainDescriptor.builder().segment(Segment.of("a"))
          .issuedAt(NOW.plusNanos(123_456_789))
          .expiresAt(NOW.plusSeconds(1).plusNanos(999_999))
          .deadline(NOW.plusSeconds(2).plusNanos(1))
          .build();

      assertEquals(NOW.plusMillis(123), d.issuedAt());
      assertEquals(NOW.plusSeconds(1), d.expiresAt());
      assertEquals(Optional.of(NOW.plusSeconds(2)), d.deadline());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void refusesNonPositiveLifetime(long seconds) {
      ChainDescriptor.Builder b = chain("a");

      assertThrows(IllegalArgumentException.class, () -> b.lifetime(Duration.ofSeconds(seconds)));
    }

    @Test
    void isSynchronousWithoutReplyToByDefault() {
      ChainDescriptor d = chain("a").build();

      assertEquals(ReturnMode.SYNC, d.returnMode());
      assertEquals(Optional.empty(), d.replyTo());
      assertEquals(Optional.empty(), d.deadline());
      assertEquals(Optional.empty(), d.chainName());
      assertEquals(0, d.insertedSegments());
      assertEquals(List.of(), d.route());
      assertEquals(ChainDescriptor.MAJOR_VERSION, d.majorVersion());
      assertEquals(ChainDescriptor.MINOR_VERSION, d.minorVersion());
    }

    @Test
    void asyncReturnCarriesReplyTo() {
      ChainDescriptor d = chain("a").async(Segment.of("edge", "reply")).build();

      assertEquals(ReturnMode.ASYNC, d.returnMode());
      assertEquals(Optional.of(Segment.of("edge", "reply")), d.replyTo());
    }

    @Test
    void syncAfterAsyncDropsReplyTo() {
      ChainDescriptor d = chain("a").async(Segment.of("edge")).sync().build();

      assertEquals(ReturnMode.SYNC, d.returnMode());
      assertEquals(Optional.empty(), d.replyTo());
    }

    @Test
    void refusesEmptySegmentList() {
      refused(Reason.DESCRIPTOR_MALFORMED, "segments", () -> chain().build());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 100})
    void refusesPointerOutsideTheSegmentList(int pointer) {
      refused(Reason.POINTER_OUT_OF_RANGE, "pointer", () -> chain("a", "b", "c").pointer(pointer).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -5, Integer.MIN_VALUE})
    void refusesHopLimitBelowOne(int hopLimit) {
      refused(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", () -> chain("a").hopLimit(hopLimit).build());
    }

    @Test
    void acceptsHopLimitOf65535() {
      assertEquals(65535, chain("a").hopLimit(65535).build().hopLimit());
    }

    @Test
    void refusesHopLimitAbove65535() {
      refused(Reason.LIMITS_HOP_LIMIT, "hopLimit", () -> chain("a").hopLimit(65536).build());
    }

    @Test
    void acceptsInsertedSegmentsUpToAllButTheFirstSegment() {
      assertEquals(2, chain("a", "b", "c").insertedSegments(2).build().insertedSegments());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3})
    void refusesInsertedSegmentCountThatDoesNotFitTheList(int inserted) {
      refused(Reason.DESCRIPTOR_MALFORMED, "insertedSegments",
          () -> chain("a", "b", "c").insertedSegments(inserted).build());
    }

    @Test
    void refusesBadChainName() {
      refused(Reason.SEGMENT_INVALID_NAME, "chainName", () -> chain("a").chainName("check out").build());
    }

    @Test
    void refusesBadEdgeMetadataKey() {
      refused(Reason.METADATA_INVALID_KEY, "edgeMetadata",
          () -> chain("a").edgeMetadata("Customer-Tier", "gold").build());
    }

    @Test
    void refusesBadContextMetadataKey() {
      refused(Reason.METADATA_INVALID_KEY, "contextMetadata",
          () -> chain("a").contextMetadata("fraud score", "0.1").build());
    }

    @Test
    void refusesEdgeKeyGivenTwice() {
      ChainDescriptor.Builder b = chain("a").edgeMetadata("tier", "gold");

      refused(Reason.METADATA_DUPLICATE_KEY, "edgeMetadata", () -> b.edgeMetadata("tier", "silver"));
    }

    @Test
    void refusesContextKeyGivenTwice() {
      ChainDescriptor.Builder b = chain("a").contextMetadata("score", "1");

      refused(Reason.METADATA_DUPLICATE_KEY, "contextMetadata", () -> b.contextMetadata("score", "2"));
    }

    @Test
    void refusesKeyInBothEdgeAndContextMetadata() {
      refused(Reason.METADATA_DUPLICATE_KEY, "contextMetadata",
          () -> chain("a").edgeMetadata("tier", "gold").contextMetadata("tier", "silver").build());
    }

    @Test
    void refusesExpiryAtIssueTime() {
      refused(Reason.DESCRIPTOR_MALFORMED, "expiresAt", () -> chain("a").expiresAt(NOW).build());
    }

    @Test
    void refusesExpiryBeforeIssueTime() {
      refused(Reason.DESCRIPTOR_MALFORMED, "expiresAt", () -> chain("a").expiresAt(NOW.minusMillis(1)).build());
    }

    @Test
    void refusesAsyncReturnWithoutReplyTo() {
      refused(Reason.DESCRIPTOR_MALFORMED, "replyTo",
          () -> chain("a").returnMode(ReturnMode.ASYNC, null).build());
    }

    @Test
    void refusesReplyToInSyncReturn() {
      refused(Reason.DESCRIPTOR_MALFORMED, "replyTo",
          () -> chain("a").returnMode(ReturnMode.SYNC, Segment.of("edge")).build());
    }

    @Test
    void refusesRouteRecordsOutOfOrder() {
      refused(Reason.DESCRIPTOR_MALFORMED, "route[1].segmentIndex",
          () -> chain("a", "b", "c").pointer(2).routeRecord(record(1)).routeRecord(record(0)).build());
    }

    @Test
    void refusesTwoRouteRecordsForOneSegment() {
      refused(Reason.DESCRIPTOR_MALFORMED, "route[1].segmentIndex",
          () -> chain("a", "b", "c").pointer(2).routeRecord(record(1)).routeRecord(record(1)).build());
    }

    @Test
    void refusesRouteRecordAheadOfThePointer() {
      refused(Reason.DESCRIPTOR_MALFORMED, "route[0].segmentIndex",
          () -> chain("a", "b", "c").pointer(1).routeRecord(record(2)).build());
    }

    @Test
    void acceptsRouteRecordsWithGapsUpToThePointer() {
      ChainDescriptor d = chain("a", "b", "c").pointer(2).routeRecord(record(0)).routeRecord(record(2)).build();

      assertEquals(List.of(record(0), record(2)), d.route());
    }

    @Test
    void reusedBuilderComputesDefaultsAgainForEachChain() {
      ChainDescriptor.Builder b = ChainDescriptor.builder().segment(Segment.of("a"));
      ChainDescriptor first = b.build();
      b.segment(Segment.of("b"));
      ChainDescriptor second = b.build();

      assertNotEquals(first.chainId(), second.chainId());
      assertEquals(1, first.hopLimit());
      assertEquals(2, second.hopLimit());
    }

    @Test
    void reusedBuilderDerivesExpiryFromTheNewIssueTime() {
      ChainDescriptor.Builder b = chain("a");
      b.build();

      ChainDescriptor later = b.issuedAt(NOW.plusSeconds(3600)).build();

      assertEquals(NOW.plusSeconds(3600).plus(ChainDescriptor.DEFAULT_LIFETIME), later.expiresAt());
    }

    @Test
    void builtDescriptorDoesNotSeeLaterBuilderChanges() {
      ChainDescriptor.Builder b = chain("a").edgeMetadata("tier", "gold");
      ChainDescriptor d = b.build();

      b.segment(Segment.of("b")).edgeMetadata("zone", "eu").routeRecord(record(0));

      assertEquals(List.of(Segment.of("a")), d.segments());
      assertEquals(Map.of("tier", "gold"), d.edgeMetadata());
      assertEquals(List.of(), d.route());
    }
  }

  @Nested
  class Advancing {
    @Test
    void advanceMovesPointerAndDecrementsHopLimit() {
      ChainDescriptor d = chain("a", "b", "c").build();

      ChainDescriptor next = d.advance(record(0));

      assertEquals(1, next.pointer());
      assertEquals(2, next.hopLimit());
      assertEquals(Segment.of("b"), next.currentSegment());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Outcome.class, names = "FORWARDED",
        mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
    void advanceRefusesARecordThatDoesNotSayForwarded(Outcome outcome) {
      ChainDescriptor d = chain("a", "b").build();

      refused(Reason.DESCRIPTOR_MALFORMED, "route", () -> d.advance(record(0, outcome)));
    }

    @Test
    void descriptorsWithMetadataInAnotherOrderAreNotEqualBecauseTheyEncodeDifferently() {
      ChainDescriptor ab = chain("a").edgeMetadata("x", "1").edgeMetadata("y", "2").build();
      ChainDescriptor ba = chain("a").edgeMetadata("y", "2").edgeMetadata("x", "1").build();

      assertNotEquals(ab, ba);
    }

    @Test
    void advanceAppendsTheRecordToTheRoute() {
      ChainDescriptor d = chain("a", "b", "c").build().advance(record(0));

      ChainDescriptor next = d.advance(record(1));

      assertEquals(List.of(record(0), record(1)), next.route());
    }

    @Test
    void advanceLeavesTheOriginalUnchanged() {
      ChainDescriptor d = chain("a", "b").build();

      d.advance(record(0));

      assertEquals(0, d.pointer());
      assertEquals(2, d.hopLimit());
      assertEquals(List.of(), d.route());
    }

    @Test
    void advanceKeepsEverythingElse() {
      ChainDescriptor d = everyField();

      ChainDescriptor next = d.advance(record(2));

      assertEquals(d.chainId(), next.chainId());
      assertEquals(d.chainName(), next.chainName());
      assertEquals(d.segments(), next.segments());
      assertEquals(d.edgeMetadata(), next.edgeMetadata());
      assertEquals(d.contextMetadata(), next.contextMetadata());
      assertEquals(d.issuedAt(), next.issuedAt());
      assertEquals(d.expiresAt(), next.expiresAt());
      assertEquals(d.deadline(), next.deadline());
      assertEquals(d.returnMode(), next.returnMode());
      assertEquals(d.replyTo(), next.replyTo());
      assertEquals(d.insertedSegments(), next.insertedSegments());
      assertEquals(d.minorVersion(), next.minorVersion());
    }

    @Test
    void refusesAdvancingPastTheLastSegment() {
      ChainDescriptor d = chain("a", "b").hopLimit(5).build().advance(record(0));

      refused(Reason.POINTER_OUT_OF_RANGE, "pointer", () -> d.advance(record(1)));
    }

    @Test
    void refusesAdvanceWhenTheHopLimitWouldReachZero() {
      ChainDescriptor d = chain("a", "b", "c").hopLimit(1).build();

      refused(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", () -> d.advance(record(0)));
    }

    @Test
    void advancesWithHopLimitTwoToHopLimitOne() {
      ChainDescriptor d = chain("a", "b", "c").hopLimit(2).build();

      assertEquals(1, d.advance(record(0)).hopLimit());
    }

    @Test
    void refusesRecordForAnotherSegment() {
      ChainDescriptor d = chain("a", "b", "c").build();

      ChainException e = refused(Reason.POINTER_OUT_OF_RANGE, "route", () -> d.advance(record(1)));
      assertTrue(e.detail().contains("segment 1") && e.detail().contains("pointer is at 0"), e.detail());
    }

    @Test
    void navigationReflectsThePointer() {
      ChainDescriptor d = chain("a", "b", "c").build().advance(record(0));

      assertFalse(d.isLastSegment());
      assertEquals(Optional.of(Segment.of("c")), d.nextSegment());
      assertEquals(List.of(Segment.of("c")), d.remainingSegments());

      ChainDescriptor last = d.advance(record(1));
      assertTrue(last.isLastSegment());
      assertEquals(Optional.empty(), last.nextSegment());
      assertEquals(List.of(), last.remainingSegments());
    }
  }

  @Nested
  class Finishing {
    @Test
    void recordFinalAppendsTheRecordAndKeepsPointerAndHopLimit() {
      ChainDescriptor d = chain("a", "b").build().advance(record(0));

      ChainDescriptor done = d.recordFinal(record(1, Outcome.ANSWERED));

      assertEquals(1, done.pointer());
      assertEquals(1, done.hopLimit());
      assertEquals(List.of(record(0), record(1, Outcome.ANSWERED)), done.route());
    }

    @Test
    void anyHopMayEndTheChainEarly() {
      ChainDescriptor d = chain("a", "b", "c").build();

      ChainDescriptor done = d.recordFinal(record(0, Outcome.ENDED_EARLY));

      assertEquals(0, done.pointer());
      assertEquals(List.of(record(0, Outcome.ENDED_EARLY)), done.route());
    }

    @Test
    void failingHopRecordsItsFailure() {
      ChainDescriptor done = chain("a", "b").build().recordFinal(record(0, Outcome.FAILED));

      assertEquals(Outcome.FAILED, done.route().get(0).outcome());
    }

    @Test
    void refusesFinalRecordSayingForwarded() {
      ChainDescriptor d = chain("a").build();

      refused(Reason.POINTER_OUT_OF_RANGE, "route", () -> d.recordFinal(record(0, Outcome.FORWARDED)));
    }

    @Test
    void refusesFinalRecordForAnotherSegment() {
      ChainDescriptor d = chain("a", "b").build();

      refused(Reason.POINTER_OUT_OF_RANGE, "route", () -> d.recordFinal(record(1, Outcome.ANSWERED)));
    }

    @Test
    void finishedDescriptorIsNotServable() {
      ChainDescriptor d = chain("a", "b").build().advance(record(0));

      ChainDescriptor done = d.recordFinal(record(1, Outcome.ANSWERED));

      assertFalse(d.isFinished());
      d.requireServable();
      assertTrue(done.isFinished());
      ChainException e = refused(Reason.SEGMENT_ALREADY_SERVED, "route[1].segmentIndex", done::requireServable);
      assertTrue(e.detail().contains("segment 1"), e.detail());
    }

    @Test
    void chainEndedEarlyIsFinishedAtItsPointer() {
      ChainDescriptor done = chain("a", "b", "c").build().recordFinal(record(0, Outcome.ENDED_EARLY));

      assertTrue(done.isFinished());
      refused(Reason.SEGMENT_ALREADY_SERVED, "route[0].segmentIndex", done::requireServable);
    }

    @Test
    void routeRecordingTheCurrentSegmentIsNotServableWhateverItsOutcome() {
      ChainDescriptor forwardedHere = chain("a", "b").pointer(1).routeRecord(record(0)).routeRecord(record(1)).build();

      refused(Reason.SEGMENT_ALREADY_SERVED, "route[1].segmentIndex", forwardedHere::requireServable);
    }

    @Test
    void advancedDescriptorIsNeverFinished() {
      ChainDescriptor d = chain("a", "b", "c").build();

      for (int i = 0; i < 2; i++) {
        d = d.advance(record(i));
        assertFalse(d.isFinished(), "after advance " + i);
        d.requireServable();
      }
    }

    @Test
    void refusesASecondRecordForTheSameSegment() {
      ChainDescriptor done = chain("a", "b").build().recordFinal(record(0, Outcome.ENDED_EARLY));

      refused(Reason.DESCRIPTOR_MALFORMED, "route[1].segmentIndex", () -> done.advance(record(0)));
    }
  }

  @Nested
  class Inserting {
    @Test
    void insertsTheSubChainRightAfterTheCurrentSegment() {
      ChainDescriptor d = chain("a", "b", "c").hopLimit(8).build().advance(record(0));

      ChainDescriptor inserted = d.insertAfterCurrent(segments("x", "y"));

      assertEquals(segments("a", "b", "x", "y", "c"), inserted.segments());
      assertEquals(1, inserted.pointer());
      assertEquals(Optional.of(Segment.of("x")), inserted.nextSegment());
      assertEquals(7, inserted.hopLimit());
      assertEquals(2, inserted.insertedSegments());
      assertEquals(d.route(), inserted.route());
    }

    @Test
    void insertedSegmentsAreVisitedBeforeTheRest() {
      ChainDescriptor d = chain("a", "b").hopLimit(3).build().insertAfterCurrent(segments("x"));

      ChainDescriptor atX = d.advance(record(0));
      ChainDescriptor atB = atX.advance(record(1));

      assertEquals(Segment.of("x"), atX.currentSegment());
      assertEquals(Segment.of("b"), atB.currentSegment());
      assertTrue(atB.isLastSegment());
    }

    @Test
    void emptySubChainChangesNothing() {
      ChainDescriptor d = chain("a", "b").build();

      assertSame(d, d.insertAfterCurrent(List.of()));
    }

    @Test
    void countsInsertedSegmentsOverTheChainsLife() {
      ChainDescriptor d = chain("a", "b").hopLimit(10).build();

      ChainDescriptor twice = d.insertAfterCurrent(segments("x")).advance(record(0))
          .insertAfterCurrent(segments("y", "z"));

      assertEquals(3, twice.insertedSegments());
      assertEquals(segments("a", "x", "y", "z", "b"), twice.segments());
    }

    @Test
    void acceptsInsertionsUpToMaxInsertedSegments() {
      DecodeLimits limits = DecodeLimits.builder().maxInsertedSegments(3).build();
      ChainDescriptor d = chain("a").hopLimit(10).build().insertAfterCurrent(segments("x"), limits);

      assertEquals(3, d.insertAfterCurrent(segments("y", "z"), limits).insertedSegments());
    }

    @Test
    void refusesInsertionsBeyondMaxInsertedSegments() {
      DecodeLimits limits = DecodeLimits.builder().maxInsertedSegments(2).build();
      ChainDescriptor d = chain("a").hopLimit(10).build().insertAfterCurrent(segments("x"), limits);

      refused(Reason.LIMITS_INSERTED_SEGMENTS, "segments",
          () -> d.insertAfterCurrent(segments("y", "z"), limits));
    }

    @Test
    void defaultLimitsAllowSixteenInsertedSegments() {
      ChainDescriptor d = chain("a").hopLimit(255).build();
      List<Segment> sixteen = Collections.nCopies(16, Segment.of("x"));

      assertEquals(16, d.insertAfterCurrent(sixteen).insertedSegments());
      refused(Reason.LIMITS_INSERTED_SEGMENTS, "segments",
          () -> d.insertAfterCurrent(Collections.nCopies(17, Segment.of("x"))));
    }

    @Test
    void refusesInsertionsBeyondMaxSegments() {
      DecodeLimits limits = DecodeLimits.builder().maxSegments(4).build();
      ChainDescriptor d = chain("a", "b", "c").hopLimit(10).build();

      assertEquals(4, d.insertAfterCurrent(segments("x"), limits).segments().size());
      refused(Reason.LIMITS_SEGMENTS, "segments", () -> d.insertAfterCurrent(segments("x", "y"), limits));
    }

    @Test
    void refusesInsertionTheHopLimitCannotCover() {
      ChainDescriptor d = chain("a", "b", "c").build();

      refused(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", () -> d.insertAfterCurrent(segments("x")));
    }

    @Test
    void acceptsInsertionTheHopLimitCoversExactly() {
      ChainDescriptor d = chain("a", "b", "c").hopLimit(4).build().insertAfterCurrent(segments("x"));

      ChainDescriptor end = d.advance(record(0)).advance(record(1)).advance(record(2));
      assertTrue(end.isLastSegment());
      assertEquals(1, end.hopLimit());
    }
  }

  @Nested
  class Context {
    @Test
    void withContextAddsAnEntryForDownstreamHops() {
      ChainDescriptor d = chain("a", "b").build();

      ChainDescriptor next = d.withContext("fraud.score", "0.12");

      assertEquals(Map.of("fraud.score", "0.12"), next.contextMetadata());
      assertEquals(Optional.of("0.12"), next.metadata("fraud.score"));
      assertEquals(Map.of(), d.contextMetadata());
    }

    @Test
    void withContextReplacesAnEntryInPlace() {
      ChainDescriptor d = chain("a").contextMetadata("a", "1").contextMetadata("b", "2").build();

      ChainDescriptor next = d.withContext("a", "3");

      assertEquals(List.of("a", "b"), List.copyOf(next.contextMetadata().keySet()));
      assertEquals("3", next.contextMetadata().get("a"));
    }

    @Test
    void withContextOfTheSameValueReturnsTheSameDescriptor() {
      ChainDescriptor d = chain("a").contextMetadata("a", "1").build();

      assertSame(d, d.withContext("a", "1"));
    }

    @Test
    void refusesContextEntryForAnEdgeKey() {
      ChainDescriptor d = chain("a").edgeMetadata("customer.tier", "GOLD").build();

      refused(Reason.METADATA_READ_ONLY, "contextMetadata", () -> d.withContext("customer.tier", "PLATINUM"));
      assertEquals(Optional.of("GOLD"), d.metadata("customer.tier"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Score", "fraud score", "_x"})
    void refusesBadContextKey(String key) {
      ChainDescriptor d = chain("a").build();

      refused(Reason.METADATA_INVALID_KEY, "contextMetadata", () -> d.withContext(key, "v"));
    }

    @Test
    void metadataLooksUpEdgeAndContextEntries() {
      ChainDescriptor d = chain("a").edgeMetadata("tier", "gold").contextMetadata("score", "0.1").build();

      assertEquals(Optional.of("gold"), d.metadata("tier"));
      assertEquals(Optional.of("0.1"), d.metadata("score"));
      assertEquals(Optional.empty(), d.metadata("zone"));
    }

    @Test
    void metadataKeepsInsertionOrder() {
      ChainDescriptor d = chain("a").edgeMetadata("z", "1").edgeMetadata("a", "2").edgeMetadata("m", "3").build();

      assertEquals(List.of("z", "a", "m"), List.copyOf(d.edgeMetadata().keySet()));
    }
  }

  @Nested
  class Value {
    @Test
    void returnedCollectionsCannotBeModified() {
      ChainDescriptor d = everyField();

      assertThrows(UnsupportedOperationException.class, () -> d.segments().add(Segment.of("x")));
      assertThrows(UnsupportedOperationException.class, () -> d.segments().set(0, Segment.of("x")));
      assertThrows(UnsupportedOperationException.class, () -> d.remainingSegments().clear());
      assertThrows(UnsupportedOperationException.class, () -> d.edgeMetadata().put("tier", "x"));
      assertThrows(UnsupportedOperationException.class, () -> d.edgeMetadata().remove("tenant"));
      assertThrows(UnsupportedOperationException.class, () -> d.contextMetadata().put("a", "b"));
      assertThrows(UnsupportedOperationException.class, () -> d.route().add(record(2)));
      assertThrows(UnsupportedOperationException.class, () -> d.route().remove(0));
    }

    @Test
    void collectionsOfDerivedDescriptorsCannotBeModifiedEither() {
      ChainDescriptor d = everyField().withContext("extra", "1").advance(record(2))
          .insertAfterCurrent(segments("x"));

      assertThrows(UnsupportedOperationException.class, () -> d.segments().add(Segment.of("y")));
      assertThrows(UnsupportedOperationException.class, () -> d.contextMetadata().put("a", "b"));
      assertThrows(UnsupportedOperationException.class, () -> d.route().clear());
    }

    @Test
    void descriptorsWithTheSameFieldsAreEqual() {
      assertEquals(everyField(), everyField());
      assertEquals(everyField().hashCode(), everyField().hashCode());
    }

    @Test
    void descriptorsDifferingInOneFieldAreNotEqual() {
      ChainDescriptor d = chain("a", "b").build();

      assertNotEquals(d, chain("a", "b").pointer(1).build());
      assertNotEquals(d, chain("a", "b").hopLimit(3).build());
      assertNotEquals(d, chain("a", "c").build());
      assertNotEquals(d, chain("a", "b").edgeMetadata("k", "v").build());
      assertNotEquals(d, chain("a", "b").contextMetadata("k", "v").build());
      assertNotEquals(d, chain("a", "b").chainName("x").build());
      assertNotEquals(d, chain("a", "b").expiresAt(NOW.plusSeconds(61)).build());
      assertNotEquals(d, chain("a", "b").deadline(NOW.plusSeconds(1)).build());
      assertNotEquals(d, chain("a", "b").async(Segment.of("edge")).build());
      assertNotEquals(d, chain("a", "b").insertedSegments(1).build());
      assertNotEquals(d, chain("a", "b").chainId(ChainId.random()).build());
      assertNotEquals(chain("a").contextMetadata("k", "1").build(), chain("a").contextMetadata("k", "2").build());
    }

    @Test
    void toStringNamesTheChainAndMarksTheCurrentSegment() {
      ChainDescriptor d = chain("a", "b", "c").chainName("checkout").build().advance(record(0));

      String text = d.toString();

      assertTrue(text.contains(CHAIN_ID.toHex()), text);
      assertTrue(text.contains("name=checkout"), text);
      assertTrue(text.contains("segments=[a, >b, c]"), text);
      assertTrue(text.contains("hopLimit=2"), text);
      assertTrue(text.contains("route=1"), text);
    }

    @Test
    void toStringShowsMetadataKeysButNoValues() {
      ChainDescriptor d = chain("a").edgeMetadata("customer.id", "c-8842-secret")
          .contextMetadata("session", "tok-SENSITIVE").build();

      String text = d.toString();

      assertTrue(text.contains("customer.id") && text.contains("session"), text);
      assertFalse(text.contains("c-8842-secret"), text);
      assertFalse(text.contains("tok-SENSITIVE"), text);
    }
  }
}
