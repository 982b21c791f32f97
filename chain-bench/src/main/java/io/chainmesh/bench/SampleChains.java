package io.chainmesh.bench;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The descriptors the figures are quoted for, built the same way by the micro benchmark and the
 * header-size table so that their numbers describe the same bytes.
 *
 * <p>Shape: segments {@code service-NN/apply} (a 10-character service name and a 5-character
 * function), metadata entries split between the edge (first half, rounded up) and the context,
 * keys {@code meta.key-NN}, values 24 ASCII characters; a chain name; a deadline; route records
 * {@code node-NN-0a1b2c} with start time, duration and outcome, one per segment already served.
 */
public final class SampleChains {
  /** Id of the benchmark key. */
  public static final String KEY_ID = "bench-1";

  private SampleChains() {}

  /** A ring holding one fixed 32-byte key: fixed so that encoded sizes are reproducible. */
  public static KeyRing keys() {
    return KeyRing.builder().addKey(KEY_ID, secret()).build();
  }

  /** The benchmark key's secret (a fresh copy). */
  static byte[] secret() {
    return "chainmesh-bench-key-0123456789ab".getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A synchronous descriptor with {@code segments} segments, {@code metadata} entries and
   * {@code routeRecords} records, its pointer at the segment after the last recorded one.
   *
   * @throws IllegalArgumentException unless {@code routeRecords < segments}
   */
  public static ChainDescriptor descriptor(int segments, int metadata, int routeRecords, Instant issuedAt) {
    if (routeRecords >= segments) {
      throw new IllegalArgumentException("route records (" + routeRecords + ") must be fewer than segments ("
          + segments + ") so that the pointer stays inside the list");
    }
    ChainDescriptor.Builder b = ChainDescriptor.builder()
        .chainId(ChainId.random())
        .chainName("checkout")
        .issuedAt(issuedAt)
        .expiresAt(issuedAt.plus(Duration.ofMinutes(5)))
        .deadline(issuedAt.plus(Duration.ofSeconds(30)))
        .pointer(routeRecords)
        .hopLimit(segments - routeRecords + 2);
    for (int i = 0; i < segments; i++) {
      b.segment(Segment.of("service-" + twoDigits(i), "apply"));
    }
    int edge = (metadata + 1) / 2;
    for (int i = 0; i < metadata; i++) {
      String key = "meta.key-" + twoDigits(i);
      String value = metadataValue(i);
      if (i < edge) {
        b.edgeMetadata(key, value);
      } else {
        b.contextMetadata(key, value);
      }
    }
    for (int i = 0; i < routeRecords; i++) {
      b.routeRecord(RouteRecord.builder()
          .segmentIndex(i)
          .node("node-" + twoDigits(i) + "-0a1b2c")
          .start(issuedAt.plusMillis(i))
          .duration(Duration.ofNanos(412_000 + 1000L * i))
          .outcome(Outcome.FORWARDED)
          .build());
    }
    return b.build();
  }

  /** The value of metadata entry {@code i}: 24 ASCII characters. */
  static String metadataValue(int i) {
    return "value-" + twoDigits(i) + "-abcdefghijklmno";
  }

  private static String twoDigits(int i) {
    return i < 10 ? "0" + i : Integer.toString(i);
  }
}
