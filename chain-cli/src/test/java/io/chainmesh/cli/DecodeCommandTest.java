package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code decode}: verification as a hop does it, with the hop's reason codes and useful hints. */
class DecodeCommandTest {
  static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00Z");
  static final ChainDescriptor CHAIN = ChainDescriptor.builder()
      .chainName("checkout")
      .segment(Segment.of("validate"))
      .segment(Segment.builder("price").argument("currency", "EUR").build())
      .segment(Segment.of("receipt"))
      .edgeMetadata("customer.tier", "gold")
      .issuedAt(ISSUED)
      .lifetime(Duration.ofSeconds(60))
      .build();
  static final String HEADER = ChainCodec.builder(TestKeys.ring(TestKeys.T1)).build().encode(CHAIN);
  static final String DURING = "2026-03-01T10:00:30Z";

  @Test
  void verifiedDecodePrintsThePrettyJsonForm() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", DURING);
    assertEquals(0, run.exit(), run.toString());
    assertEquals(ChainJson.toPrettyJson(CHAIN) + System.lineSeparator(), run.out());
    assertEquals(CHAIN, ChainJson.fromJson(run.out()));
    assertTrue(run.err().startsWith("verified: MAC checked against key ring [t1]"), run.err());
  }

  @Test
  void anyKeyOfTheRingVerifies() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T2, "--key", TestKeys.T1, "--now", DURING);
    assertEquals(0, run.exit(), run.toString());
  }

  @Test
  void withoutKeysItDecodesButSaysNotVerified() {
    Cli.Run run = Cli.run("decode", HEADER, "--now", DURING);
    assertEquals(0, run.exit(), run.toString());
    assertEquals(CHAIN, ChainJson.fromJson(run.out()));
    assertTrue(run.err().startsWith("WARNING: NOT VERIFIED"), run.err());
    assertFalse(run.err().contains("expired"), run.err());
  }

  @Test
  void withoutKeysAnExpiredDescriptorIsPointedOut() {
    Cli.Run run = Cli.run("decode", HEADER, "--now", "2026-03-01T11:00:00Z");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.err().contains("note: it expired at 2026-03-01T10:01:00Z, 59 min 0 s ago: a hop would refuse it"
        + " with descriptor.expired"), run.err());
  }

  @Test
  void readsAPastedHeaderLineFromStdin() {
    Cli.Run run = Cli.withStdin("  Chain-Descriptor: \"" + HEADER + "\"\n", "decode", "-", "--key", TestKeys.T1,
        "--now", DURING);
    assertEquals(0, run.exit(), run.toString());
    assertEquals(CHAIN, ChainJson.fromJson(run.out()));
  }

  @Test
  void takesKeysFromTheEnvironment() {
    Cli.Run run = Cli.withEnv(Map.of("CHAIN_KEYS", TestKeys.T2 + "," + TestKeys.T1), "decode", HEADER,
        "--keys-env", "CHAIN_KEYS", "--now", DURING);
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.err().contains("key ring [t2, t1]"), run.err());
  }

  @Test
  void refusesAnExpiredDescriptorWithReasonFieldAndHints() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", "2026-03-01T10:01:06Z");
    assertEquals(1, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("error: descriptor.expired: the descriptor expired 6000 ms ago (at expiresAt)\n"),
        run.err());
    assertTrue(run.err().contains("hint: it expired at 2026-03-01T10:01:00Z, 6 s before 2026-03-01T10:01:06Z"),
        run.err());
    assertTrue(run.err().contains("the descriptor says (NOT VERIFIED; for diagnosis only):"), run.err());
    assertTrue(run.err().contains("segment 0 of 3 is validate"), run.err());
  }

  @Test
  void skewIsAllowedAsOnAHop() {
    Cli.Run withinDefault = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", "2026-03-01T10:01:04Z");
    assertEquals(0, withinDefault.exit(), withinDefault.toString());
    Cli.Run widened = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", "2026-03-01T10:01:20Z", "--skew", "30s");
    assertEquals(0, widened.exit(), widened.toString());
    Cli.Run none = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", "2026-03-01T10:01:00.001Z", "--skew", "0s");
    assertEquals(1, none.exit(), none.toString());
  }

  @Test
  void refusesADescriptorFromTheFutureAndBlamesTheClocks() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T1, "--now", "2026-03-01T09:59:00Z");
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.not_yet_valid: "), run.err());
    assertTrue(run.err().contains("(at issuedAt)"), run.err());
    assertTrue(run.err().contains("the signer's clock is ahead of this one"), run.err());
  }

  @Test
  void refusesALifetimeLongerThanHopsAcceptUnlessAllowed() {
    ChainDescriptor longLived = ChainDescriptor.builder().segment(Segment.of("validate")).issuedAt(ISSUED)
        .lifetime(Duration.ofMinutes(30)).build();
    String header = ChainCodec.builder(TestKeys.ring(TestKeys.T1)).build().encode(longLived);
    Cli.Run run = Cli.run("decode", header, "--key", TestKeys.T1, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.lifetime_too_long: "), run.err());
    assertTrue(run.err().contains("hops accept at most 10 min 0 s"), run.err());
    Cli.Run allowed = Cli.run("decode", header, "--key", TestKeys.T1, "--now", DURING, "--max-lifetime", "1h");
    assertEquals(0, allowed.exit(), allowed.toString());
  }

  @Test
  void refusesAnUnknownKeyAndListsTheKeysHeld() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T2, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: integrity.unknown_key: key id \"t1\" is not held by this hop (at envelope)"),
        run.err());
    assertTrue(run.err().contains("hint: the keys given here are [t2] (t2 signs)"), run.err());
    assertTrue(run.err().contains("key rotation order"), run.err());
  }

  @Test
  void refusesABadMacWhenTheSecretsDiffer() {
    Cli.Run run = Cli.run("decode", HEADER, "--key", TestKeys.T1_WRONG, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: integrity.bad_mac: the MAC does not match the descriptor (at envelope)"),
        run.err());
    assertTrue(run.err().contains("the secrets under that id differ"), run.err());
  }

  @Test
  void refusesATamperedDescriptor() {
    int at = HEADER.length() / 2;
    String tampered = HEADER.substring(0, at) + (HEADER.charAt(at) == 'A' ? 'B' : 'A') + HEADER.substring(at + 1);
    Cli.Run run = Cli.run("decode", tampered, "--key", TestKeys.T1, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: integrity.bad_mac: "), run.err());
  }

  @Test
  void refusesAnUnsignedDescriptor() {
    String unsigned = ChainCodec.builder(KeyRing.insecureDevelopmentMode()).build().encode(CHAIN);
    Cli.Run run = Cli.run("decode", unsigned, "--key", TestKeys.T1, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: integrity.missing: the envelope carries no key id (at envelope)"), run.err());
    assertTrue(run.err().contains("insecure development mode"), run.err());
  }

  @Test
  void refusesATruncatedValueAndSaysItMayBeCut() {
    Cli.Run run = Cli.run("decode", HEADER.substring(0, 40), "--key", TestKeys.T1, "--now", DURING);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.malformed: "), run.err());
    assertTrue(run.err().contains("(at offset "), run.err());
    assertTrue(run.err().contains("hint: the value is 40 characters long"), run.err());
  }

  @Test
  void refusesStandardBase64AndSaysSo() {
    Cli.Run run = Cli.run("decode", HEADER.replace('-', '+').replace('_', '/') + "==");
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.malformed: "), run.err());
    assertTrue(run.err().contains("header values are base64url"), run.err());
  }

  @Test
  void refusesAValueWithWhiteSpaceInside() {
    Cli.Run run = Cli.run("decode", HEADER.substring(0, 20) + " " + HEADER.substring(20));
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().contains("hint: the value has white space at offset 20"), run.err());
  }

  @Test
  void refusesAnOversizedValueBeforeDecodingIt() {
    Cli.Run run = Cli.run("decode", "A".repeat(5000), "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.too_large: the descriptor header is 5000 bytes; at most 4096"),
        run.err());
  }

  @Test
  void anEmptyValueIsMalformedAsOnAHop() {
    Cli.Run run = Cli.withStdin("\n", "decode", "-", "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.malformed: the descriptor header is empty"), run.err());
  }

  @Test
  void routeViewShowsOneLinePerSegment() {
    Instant start = ISSUED.plusSeconds(1);
    ChainDescriptor travelled = CHAIN
        .advance(record(0, "validate-a1", start, 1200, Outcome.FORWARDED))
        .advance(record(1, "price-b2", start.plusMillis(3), 2500, Outcome.FORWARDED))
        .recordFinal(record(2, "receipt-c3", start.plusMillis(7), 800, Outcome.ANSWERED));
    String route = ChainCodec.builder(TestKeys.ring(TestKeys.T1)).build().encode(travelled);
    Cli.Run run = Cli.run("decode", "Chain-Route: " + route, "--key", TestKeys.T1, "--now", DURING, "--route");
    assertEquals(0, run.exit(), run.toString());
    String[] lines = run.out().split("\n");
    assertEquals(5, lines.length, run.out());
    assertTrue(lines[0].startsWith("route of chain " + CHAIN.chainId().toHex() + " (checkout): 3 of 3 segments served"),
        lines[0]);
    assertTrue(lines[0].endsWith("[verified]"), lines[0]);
    assertTrue(lines[1].matches("\\s+#\\s+segment\\s+node\\s+start\\s+own time\\s+outcome"), lines[1]);
    assertTrue(lines[2].matches("\\s+0\\s+validate\\s+validate-a1\\s+\\+0\\.00 ms\\s+1\\.20 ms\\s+forwarded"), lines[2]);
    assertTrue(lines[3].matches("\\s+1\\s+price\\{currency=EUR}\\s+price-b2\\s+\\+3\\.00 ms\\s+2\\.50 ms\\s+forwarded"),
        lines[3]);
    assertTrue(lines[4].matches("\\s+2\\s+receipt\\s+receipt-c3\\s+\\+7\\.00 ms\\s+0\\.80 ms\\s+answered"), lines[4]);
  }

  @Test
  void routeViewOfADescriptorInFlightMarksTheCurrentSegment() {
    ChainDescriptor inFlight = CHAIN.advance(record(0, "validate-a1", ISSUED.plusSeconds(1), 900, Outcome.FORWARDED));
    String header = ChainCodec.builder(TestKeys.ring(TestKeys.T1)).build().encode(inFlight);
    Cli.Run run = Cli.run("decode", header, "--key", TestKeys.T1, "--now", DURING, "--route");
    assertEquals(0, run.exit(), run.toString());
    String[] lines = run.out().split("\n");
    assertTrue(lines[0].contains(": 1 of 3 segments served, hop limit left 2 [verified]"), lines[0]);
    assertTrue(lines[3].matches("\\s+1\\s+price\\{currency=EUR}\\s+\\*\\s+current: not served yet"), lines[3]);
    assertTrue(lines[4].matches("\\s+2\\s+receipt\\s+\\*\\s+not visited"), lines[4]);
  }

  static RouteRecord record(int index, String node, Instant start, long micros, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(index).node(node).start(start)
        .duration(Duration.ofNanos(micros * 1000)).outcome(outcome).build();
  }
}
