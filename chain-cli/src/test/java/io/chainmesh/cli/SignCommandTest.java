package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sign}: JSON in, a header value out that a hop with the same keys accepts. */
class SignCommandTest {
  static final String NOW = "2026-03-01T10:00:00Z";
  static final String TEMPLATE = """
      {
        "chainName": "quote",
        "segments": [ {"service": "validate"}, {"service": "price", "arguments": {"currency": "EUR"}} ],
        "edgeMetadata": {"customer.tier": "gold"}
      }
      """;

  @TempDir
  Path dir;

  @Test
  void signsATemplateAndFillsInWhatOnlyAFreshDescriptorHas() throws IOException {
    Path file = write("quote.json", TEMPLATE);
    Cli.Run run = Cli.run("sign", file.toString(), "--key", TestKeys.T1, "--now", NOW);
    assertEquals(0, run.exit(), run.toString());
    String header = run.out().strip();
    assertFalse(header.contains("\n"), run.out());
    ChainDescriptor d = codecAt(NOW).decode(header);
    assertEquals("quote", d.chainName().orElseThrow());
    assertEquals(Segment.builder("price").argument("currency", "EUR").build(), d.segments().get(1));
    assertEquals("gold", d.metadata("customer.tier").orElseThrow());
    assertEquals(Instant.parse(NOW), d.issuedAt());
    assertEquals(Instant.parse(NOW).plusSeconds(60), d.expiresAt());
    assertTrue(run.err().contains("filled in: chainId " + d.chainId().toHex() + " (random"), run.err());
    assertTrue(run.err().contains("filled in: issuedAt " + NOW), run.err());
    assertTrue(run.err().contains("signed with key t1: chain " + d.chainId().toHex() + " (quote), 2 segment(s)"),
        run.err());
  }

  @Test
  void roundTripsWhatDecodePrintsKeepingEveryField() throws IOException {
    String header = codecAt(NOW).encode(DecodeCommandTest.CHAIN);
    Cli.Run decoded = Cli.run("decode", header, "--key", TestKeys.T1, "--now", "2026-03-01T10:00:30Z");
    assertEquals(0, decoded.exit(), decoded.toString());
    Cli.Run signed = Cli.withStdin(decoded.out(), "sign", "-", "--key", TestKeys.T1);
    assertEquals(0, signed.exit(), signed.toString());
    assertEquals(header, signed.out().strip(), "same descriptor, same key: the same header value");
    assertFalse(signed.err().contains("filled in"), signed.err());
  }

  @Test
  void lifetimeRenewsTheValidityWindowOfADecodedDescriptor() throws IOException {
    Path file = write("old.json", ChainJson.toPrettyJson(DecodeCommandTest.CHAIN));
    Cli.Run stale = Cli.run("sign", file.toString(), "--key", TestKeys.T1, "--now", "2026-03-02T00:00:00Z");
    assertEquals(0, stale.exit(), stale.toString());
    assertTrue(stale.err().contains("warning: it expired at 2026-03-01T10:01:00Z"), stale.err());
    assertTrue(stale.err().contains("pass --lifetime 60s to renew it"), stale.err());

    Cli.Run renewed = Cli.run("sign", file.toString(), "--key", TestKeys.T1, "--now", "2026-03-02T00:00:00Z",
        "--lifetime", "90s");
    assertEquals(0, renewed.exit(), renewed.toString());
    assertFalse(renewed.err().contains("warning"), renewed.err());
    ChainDescriptor d = codecAt("2026-03-02T00:00:10Z").decode(renewed.out().strip());
    assertEquals(DecodeCommandTest.CHAIN.chainId(), d.chainId(), "the chain id is kept");
    assertEquals(Instant.parse("2026-03-02T00:00:00Z"), d.issuedAt());
    assertEquals(Instant.parse("2026-03-02T00:01:30Z"), d.expiresAt());
  }

  @Test
  void warnsWhenHopsWouldRefuseTheLifetime() throws IOException {
    Path file = write("quote.json", TEMPLATE);
    Cli.Run run = Cli.run("sign", file.toString(), "--key", TestKeys.T1, "--now", NOW, "--lifetime", "1h");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.err().contains("warning: it is valid for 60 min 0 s; hops accept at most 10 min 0 s"), run.err());
    assertTrue(run.err().contains("(descriptor.lifetime_too_long)"), run.err());
  }

  @Test
  void signsWithTheFirstKeyOfAKeyFile() throws IOException {
    Path keys = write("keys.txt", "# rotation in progress: t2 signs, t1 still verifies\n" + TestKeys.T2 + "\n"
        + TestKeys.T1 + "\n");
    Cli.Run run = Cli.withStdin(TEMPLATE, "sign", "-", "--keys-file", keys.toString(), "--now", NOW);
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.err().contains("signed with key t2"), run.err());
    ChainCodec t2Only = ChainCodec.builder(TestKeys.ring(TestKeys.T2)).clock(fixed(NOW)).build();
    assertEquals("quote", t2Only.decode(run.out().strip()).chainName().orElseThrow());
  }

  @Test
  void refusesAnUnknownPropertyNamingItsJsonPath() {
    Cli.Run run = Cli.withStdin("{\"segments\":[{\"service\":\"validate\",\"fucntion\":\"x\"}]}",
        "sign", "-", "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("error: descriptor.malformed: unknown property \"fucntion\" (at $.segments[0])"),
        run.err());
  }

  @Test
  void refusesInvalidJsonNamingLineAndColumn() {
    Cli.Run run = Cli.withStdin("{\n  \"segments\": [\n    {\"service\": \"validate\"},\n  ]\n}",
        "sign", "-", "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.malformed: not valid JSON at line 4, column 3: "), run.err());
  }

  @Test
  void refusesAnInvalidSegmentNameWithItsReason() {
    Cli.Run run = Cli.withStdin("{\"segments\":[{\"service\":\"http://evil.example/\"}]}", "sign", "-",
        "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: segment.invalid_name: "), run.err());
    assertTrue(run.err().contains("(at $.segments[0].service)"), run.err());
  }

  @Test
  void refusesAChainOverTheLimitsHopsApply() {
    StringBuilder json = new StringBuilder("{\"segments\":[");
    for (int i = 0; i < 65; i++) {
      json.append(i == 0 ? "" : ",").append("{\"service\":\"s").append(i).append("\"}");
    }
    Cli.Run run = Cli.withStdin(json.append("]}").toString(), "sign", "-", "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: limits.segments: "), run.err());
  }

  @Test
  void needsAKey() {
    Cli.Run run = Cli.withStdin(TEMPLATE, "sign", "-");
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("no key given: sign needs the key that signs"), run.err());
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static ChainCodec codecAt(String now) {
    return ChainCodec.builder(TestKeys.ring(TestKeys.T1)).clock(fixed(now)).maxLifetime(Duration.ofHours(2)).build();
  }

  private static Clock fixed(String now) {
    return Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
  }
}
