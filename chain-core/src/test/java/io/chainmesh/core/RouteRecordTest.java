package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.NOW;
import static io.chainmesh.core.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteRecordTest {
  private static RouteRecord.Builder valid() {
    return RouteRecord.builder().segmentIndex(2).node("pricing-7f9c").start(NOW);
  }

  @Test
  void forwardedIsTheDefaultOutcomeAndZeroTheDefaultDuration() {
    RouteRecord r = valid().build();

    assertEquals(Outcome.FORWARDED, r.outcome());
    assertEquals(Duration.ZERO, r.duration());
    assertEquals(2, r.segmentIndex());
    assertEquals("pricing-7f9c", r.node());
  }

  @Test
  void truncatesStartToMillisecondsAndDurationToMicroseconds() {
    RouteRecord r = valid().start(NOW.plusNanos(1_999_999)).duration(Duration.ofNanos(2_500_999)).build();

    assertEquals(NOW.plusMillis(1), r.start());
    assertEquals(Duration.ofNanos(2_500_000), r.duration());
  }

  @Test
  void refusesNegativeDuration() {
    refused(Reason.DESCRIPTOR_MALFORMED, "duration", () -> valid().duration(Duration.ofNanos(-1)));
  }

  @Test
  void refusesMissingSegmentIndex() {
    refused(Reason.DESCRIPTOR_MALFORMED, "segmentIndex",
        () -> RouteRecord.builder().node("n").start(NOW).build());
  }

  @Test
  void refusesMissingNodeAndStart() {
    refused(Reason.DESCRIPTOR_MALFORMED, "node", () -> RouteRecord.builder().segmentIndex(0).start(NOW).build());
    refused(Reason.DESCRIPTOR_MALFORMED, "start", () -> RouteRecord.builder().segmentIndex(0).node("n").build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-node", "node 1", "node/1"})
  void refusesBadNodeIds(String node) {
    refused(Reason.SEGMENT_INVALID_NAME, "node", () -> valid().node(node).build());
  }

  @Test
  void equalRecordsHaveEqualHashCodes() {
    assertEquals(valid().build(), valid().build());
    assertEquals(valid().build().hashCode(), valid().build().hashCode());
    assertNotEquals(valid().build(), valid().outcome(Outcome.FAILED).build());
  }

  @Test
  void toStringShowsIndexNodeOutcomeAndDuration() {
    RouteRecord r = valid().duration(Duration.ofNanos(1_500_000)).outcome(Outcome.ENDED_EARLY).build();

    assertEquals("#2@pricing-7f9c ended_early +1500us", r.toString());
  }
}
