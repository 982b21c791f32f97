package io.chainmesh.reliability.fuzz;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Valid signed descriptors to mutate: the seeds of the fuzzing. Issued at a fixed instant and
 * decoded with a codec whose clock stands there, so validity windows never decide a try.
 */
final class Descriptors {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final KeyRing KEYS = KeyRing.builder()
      .addKey("fuzz-2026", "fuzzing-secret-0123456789-abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII)).build();
  static final ChainCodec CODEC = ChainCodec.builder(KEYS).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  static final String KEY_ID = "fuzz-2026";
  static final byte[] SECRET = "fuzzing-secret-0123456789-abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII);

  private Descriptors() {}

  private static Arbitrary<String> names() {
    return Arbitraries.of("alpha", "beta", "gamma", "pricing", "fraud.check", "a", "svc-9", "x.y.z");
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '-', '_').ofMinLength(0).ofMaxLength(12)
        .map(s -> "k" + s);
  }

  private static Arbitrary<String> values() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  private static Arbitrary<Segment> segments() {
    Arbitrary<Map<String, String>> arguments = Arbitraries.maps(keys(), values()).ofMaxSize(3);
    return Combinators.combine(names(), names().injectNull(0.5), arguments).as((service, function, args) -> {
      Segment.Builder b = Segment.builder(service);
      if (function != null) {
        b.function(function.replace('.', '-'));
      }
      return b.arguments(args).build();
    });
  }

  /** A valid descriptor: 1–8 segments, metadata, a pointer somewhere along with its route records. */
  static Arbitrary<ChainDescriptor> valid() {
    Arbitrary<List<Segment>> list = segments().list().ofMinSize(1).ofMaxSize(8);
    Arbitrary<Map<String, String>> edge = Arbitraries.maps(keys().map(k -> "e" + k), values()).ofMaxSize(6);
    Arbitrary<Map<String, String>> context = Arbitraries.maps(keys().map(k -> "c" + k), values()).ofMaxSize(4);
    return Combinators.combine(list, edge, context, Arbitraries.integers().between(0, 7),
        Arbitraries.integers().between(0, 40), Arbitraries.integers().between(1, 600), Arbitraries.of(true, false))
        .as((segs, edgeMd, contextMd, pointerWish, extraHops, lifetimeSeconds, async) -> {
          ChainDescriptor.Builder b = ChainDescriptor.builder().chainName("fuzz").segments(segs)
              .hopLimit(segs.size() + extraHops).issuedAt(NOW).lifetime(Duration.ofSeconds(lifetimeSeconds));
          edgeMd.forEach(b::edgeMetadata);
          contextMd.forEach((k, v) -> {
            if (!edgeMd.containsKey(k)) {
              b.contextMetadata(k, v);
            }
          });
          if (async) {
            b.async(Segment.of("edge"));
          }
          ChainDescriptor d = b.build();
          int pointer = Math.min(pointerWish, segs.size() - 1);
          for (int i = 0; i < pointer; i++) {
            d = d.advance(RouteRecord.builder().segmentIndex(i).node("node-" + i).start(NOW)
                .duration(Duration.ofNanos(1_000L * i)).outcome(Outcome.FORWARDED).build());
          }
          return d;
        });
  }

  /** The header of a valid descriptor, signed with {@link #KEYS}. */
  static Arbitrary<String> signedHeaders() {
    return valid().map(CODEC::encode);
  }
}
