package io.chainmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The header-size comparison computes what the RFCs say and measures what the codec writes. */
class HeaderSizeTest {
  private final List<HeaderSize.Line> lines = HeaderSize.compute(64);

  @Test
  void srhIsEightOctetsPlusSixteenPerSegmentPlusTheFortyOctetHmacTlv() {
    assertEquals(8 + 16 + 40, lines.get(0).srh());
    assertEquals(8 + 16 * 64 + 40, lines.get(63).srh());
    lines.forEach(l -> assertEquals(0, l.srh() % 8, "an SRH is a whole number of 8-octet units"));
  }

  @Test
  void nshCarriesTheSameValuesInConstantSpaceWithinItsMaximum() {
    int perValue = 4 + 24; // context header + a 24-octet value, already 4-aligned
    assertEquals(8 + 8 * perValue, lines.get(0).nshContext());
    assertTrue(lines.get(0).nshContext() <= HeaderSize.NSH_MAX);
    lines.forEach(l -> assertEquals(lines.get(0).nshContext(), l.nshContext(), "NSH does not carry the path"));
  }

  @Test
  void chainmeshHeaderGrowsWithSegmentsMetadataAndRoute() {
    for (int i = 1; i < lines.size(); i++) {
      assertTrue(lines.get(i).noMetadata() > lines.get(i - 1).noMetadata(), "grows with segments");
    }
    for (HeaderSize.Line l : lines) {
      assertTrue(l.withMetadata() > l.noMetadata(), "metadata adds bytes");
      assertTrue(l.atLastHop() >= l.withMetadata(), "route records add bytes");
      assertTrue(l.withMetadata() > l.descriptorBytes() * 4 / 3, "base64 of descriptor plus envelope");
    }
  }
}
