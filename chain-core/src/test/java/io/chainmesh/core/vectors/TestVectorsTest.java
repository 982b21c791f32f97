package io.chainmesh.core.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every language-neutral test vector in {@code src/test/resources/vectors} (format described in
 * docs/wire-format.md) against {@link ChainCodec}: each valid case decodes to its expected JSON form
 * and its step re-encodes to the expected header exactly, and a hop serves it or refuses it as its
 * {@code serve} says; each invalid case is refused with exactly
 * its reason code (and field or offset, where the vector names one) and nothing else is thrown.
 */
class TestVectorsTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> FILE_PROPERTIES = Set.of("format", "description", "context", "valid", "invalid");
  private static final Set<String> CONTEXT_PROPERTIES = Set.of("insecureDevelopmentMode", "keys", "signingKeyId",
      "now", "nowMs", "clockSkewMs", "maxLifetimeMs", "limits");
  private static final Set<String> VALID_PROPERTIES = Set.of("name", "description", "header", "descriptor", "step",
      "intermediate", "serve");
  private static final Set<String> SERVE_PROPERTIES = Set.of("reason", "status", "field");
  private static final Set<String> STEP_PROPERTIES = Set.of("op", "record", "header", "descriptor", "reason");
  private static final Set<String> INVALID_PROPERTIES = Set.of("name", "description", "header", "reason", "status",
      "field", "offset");
  private static final Set<String> INTERMEDIATE_PROPERTIES = Set.of("descriptorHex", "macInputHex", "macHex",
      "envelopeHex", "advancedDescriptorHex", "advancedMacHex");

  @TestFactory
  Stream<DynamicNode> everyVectorFile() throws IOException {
    List<DynamicNode> files = new ArrayList<>();
    for (Path file : vectorFiles()) {
      String name = file.getFileName().toString();
      if (!name.endsWith(".json")) {
        files.add(DynamicTest.dynamicTest(name, () -> fail(name + " is in the vectors directory but is not a"
            + " vector file (*.json); every file there must be consumed")));
        continue;
      }
      JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      files.add(DynamicContainer.dynamicContainer(name, cases(name, root)));
    }
    return files.stream();
  }

  private static Stream<DynamicNode> cases(String file, JsonNode root) {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(DynamicTest.dynamicTest("file shape", () -> {
      onlyProperties(root, FILE_PROPERTIES, file);
      assertEquals(VectorGenerator.FORMAT, root.get("format").stringValue());
      assertTrue(root.get("valid").isArray() && root.get("invalid").isArray(), file);
      onlyProperties(root.get("context"), CONTEXT_PROPERTIES, file + " context");
    }));
    ChainCodec codec = codec(root.get("context"));
    for (JsonNode c : root.get("valid")) {
      tests.add(DynamicTest.dynamicTest("valid: " + c.get("name").stringValue(), () -> runValid(codec, c)));
    }
    for (JsonNode c : root.get("invalid")) {
      tests.add(DynamicTest.dynamicTest("invalid: " + c.get("name").stringValue(), () -> runInvalid(codec, c)));
    }
    return tests.stream();
  }

  private static void runValid(ChainCodec codec, JsonNode c) {
    onlyProperties(c, VALID_PROPERTIES, c.get("name").stringValue());
    String header = c.get("header").stringValue();
    ChainDescriptor d = codec.decode(header);
    assertEquals(c.get("descriptor"), tree(ChainJson.toJson(d)), "decoded descriptor, as JSON");
    assertEquals(d, ChainJson.fromJson(c.get("descriptor").toString()),
        "the JSON form reads back to the same descriptor");
    runServe(d, c.get("serve"));

    JsonNode step = c.get("step");
    onlyProperties(step, STEP_PROPERTIES, "step");
    RouteRecord record = record(step.get("record"));
    String op = step.get("op").stringValue();
    if (step.has("reason")) {
      ChainException e = assertThrows(ChainException.class, () -> codec.encode(apply(op, d, record)));
      assertEquals(step.get("reason").stringValue(), e.reason().code(), e.getMessage());
      assertFalse(step.has("header") || step.has("descriptor"), "a refused step has no result");
      return;
    }
    ChainDescriptor next = apply(op, d, record);
    String nextHeader = codec.encode(next);
    assertEquals(step.get("header").stringValue(), nextHeader, "header after " + op);
    assertEquals(step.get("descriptor"), tree(ChainJson.toJson(next)), "descriptor after " + op + ", as JSON");
    assertEquals(next, codec.decode(nextHeader), "the step's header decodes to the step's descriptor");
    assertUnknownFieldsSurvive(header, nextHeader);
    if (c.has("intermediate")) {
      assertIntermediates(c.get("intermediate"), header, nextHeader);
    }
  }

  /** Serving {@code d}: refused as {@code serve} says, or, without it, past the checks of the descriptor. */
  private static void runServe(ChainDescriptor d, JsonNode serve) {
    if (serve == null) {
      d.requireServable();
      return;
    }
    onlyProperties(serve, SERVE_PROPERTIES, "serve");
    ChainException e = assertThrows(ChainException.class, d::requireServable, "a hop refuses to serve it");
    Reason expected = Reason.fromCode(serve.get("reason").stringValue())
        .orElseThrow(() -> new AssertionError("unknown reason code " + serve.get("reason")));
    assertEquals(expected, e.reason(), e.getMessage());
    assertEquals(expected.httpStatus(), serve.get("status").intValue(), "status of " + expected);
    if (serve.has("field")) {
      assertEquals(serve.get("field").stringValue(), e.field().orElse(null), e.getMessage());
    }
  }

  private static ChainDescriptor apply(String op, ChainDescriptor d, RouteRecord record) {
    return switch (op) {
      case "advance" -> d.advance(record);
      case "recordFinal" -> d.recordFinal(record);
      default -> throw new AssertionError("unknown step op " + op);
    };
  }

  private static void runInvalid(ChainCodec codec, JsonNode c) {
    onlyProperties(c, INVALID_PROPERTIES, c.get("name").stringValue());
    String header = c.get("header").stringValue();
    ChainException e = assertThrows(ChainException.class, () -> codec.decode(header));
    Reason expected = Reason.fromCode(c.get("reason").stringValue())
        .orElseThrow(() -> new AssertionError("unknown reason code " + c.get("reason")));
    assertEquals(expected, e.reason(), e.getMessage());
    assertEquals(expected.httpStatus(), c.get("status").intValue(), "status of " + expected);
    if (c.has("field")) {
      assertEquals(c.get("field").stringValue(), e.field().orElse(null), e.getMessage());
    }
    if (c.has("offset")) {
      assertEquals(c.get("offset").intValue(), e.offset().orElse(-1), e.getMessage());
    }
    if (header.length() > 48) {
      assertFalse(e.getMessage().contains(header), "the message must not echo the header");
    }
  }

  /** Unknown fields of the descriptor, its segments and its route records come through unchanged. */
  private static void assertUnknownFieldsSurvive(String before, String after) {
    Descriptor in = descriptorOf(before);
    Descriptor out = descriptorOf(after);
    assertEquals(in.getUnknownFields().toByteString(), out.getUnknownFields().toByteString(),
        "descriptor unknown fields");
    // Segments are only ever inserted after the current one, never by advance or recordFinal.
    assertEquals(in.getSegmentsCount(), out.getSegmentsCount());
    for (int i = 0; i < in.getSegmentsCount(); i++) {
      assertEquals(in.getSegments(i).getUnknownFields().toByteString(),
          out.getSegments(i).getUnknownFields().toByteString(), "segment " + i + " unknown fields");
    }
    for (int i = 0; i < in.getRouteCount(); i++) {
      assertEquals(in.getRoute(i).getUnknownFields().toByteString(),
          out.getRoute(i).getUnknownFields().toByteString(), "route record " + i + " unknown fields");
    }
    assertEquals(in.getMinorVersion(), out.getMinorVersion(), "a hop keeps the minor version");
  }

  /** The worked example's intermediate values, recomputed from the specification. */
  private static void assertIntermediates(JsonNode in, String header, String advancedHeader) {
    onlyProperties(in, INTERMEDIATE_PROPERTIES, "intermediate");
    byte[] envelope = HEX.parseHex(in.get("envelopeHex").stringValue());
    assertEquals(header, Base64.getUrlEncoder().withoutPadding().encodeToString(envelope),
        "header = base64url(envelope)");
    Envelope parsed = parse(envelope);
    byte[] descriptor = HEX.parseHex(in.get("descriptorHex").stringValue());
    assertArrayEquals(descriptor, parsed.getDescriptorBytes().toByteArray(), "envelope field 3");
    byte[] macInput = HEX.parseHex(in.get("macInputHex").stringValue());
    assertArrayEquals(VectorGenerator.macInput(1, parsed.getKeyId(), descriptor), macInput, "MAC input");
    byte[] mac = HEX.parseHex(in.get("macHex").stringValue());
    assertArrayEquals(VectorGenerator.hmac(VectorGenerator.K1.secret(), macInput), mac, "HMAC-SHA256(k1, MAC input)");
    assertArrayEquals(mac, parsed.getMac().toByteArray(), "envelope field 4");
    Envelope advanced = parse(Base64.getUrlDecoder().decode(advancedHeader));
    assertArrayEquals(HEX.parseHex(in.get("advancedDescriptorHex").stringValue()),
        advanced.getDescriptorBytes().toByteArray(), "advanced descriptor bytes");
    assertArrayEquals(HEX.parseHex(in.get("advancedMacHex").stringValue()), advanced.getMac().toByteArray(),
        "advanced MAC");
  }

  @Test
  void thereAreEnoughVectorsAndNamesAreUnique() throws IOException {
    int valid = 0;
    int invalid = 0;
    Set<String> names = new HashSet<>();
    for (Path file : vectorFiles()) {
      JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      for (String kind : List.of("valid", "invalid")) {
        for (JsonNode c : root.get(kind)) {
          assertTrue(names.add(c.get("name").stringValue()), "duplicate vector name " + c.get("name"));
          assertTrue(c.get("description").stringValue().length() > 5, "every vector says what it is");
        }
      }
      valid += root.get("valid").size();
      invalid += root.get("invalid").size();
    }
    assertTrue(valid >= 10, "at least 10 valid vectors, found " + valid);
    assertTrue(invalid >= 40, "at least 40 invalid vectors, found " + invalid);
  }

  @Test
  void generatorReproducesTheCommittedFiles() throws IOException {
    Map<String, String> generated = new TreeMap<>(VectorGenerator.render());
    Map<String, String> committed = new TreeMap<>();
    for (Path file : vectorFiles()) {
      committed.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }
    assertEquals(generated.keySet(), committed.keySet(), "vector files");
    for (String name : generated.keySet()) {
      assertEquals(generated.get(name), committed.get(name), name + " differs from what VectorGenerator writes;"
          + " rerun it (see docs/wire-format.md, 'Test vectors') and review the diff");
    }
  }

  @Test
  void everyInvalidVectorCarriesTheStatusOfItsReason() throws IOException {
    for (Path file : vectorFiles()) {
      for (JsonNode c : MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8)).get("invalid")) {
        Reason reason = Reason.fromCode(c.get("reason").stringValue()).orElseThrow();
        assertEquals(reason.httpStatus(), c.get("status").intValue(), c.get("name").stringValue());
      }
    }
  }

  @Test
  void workedExampleInTheSpecificationMatchesTheVector() throws IOException {
    Set<String> blocks = codeBlocks(Files.readString(specification(), StandardCharsets.UTF_8));
    JsonNode example = null;
    for (Path file : vectorFiles()) {
      for (JsonNode c : MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8)).get("valid")) {
        if (c.has("intermediate")) {
          example = c;
        }
      }
    }
    assertNotNull(example, "a valid vector carries the worked example's intermediate values");
    for (Map.Entry<String, JsonNode> value : example.get("intermediate").properties()) {
      assertTrue(blocks.contains(value.getValue().stringValue()),
          "docs/wire-format.md shows the worked example's " + value.getKey() + " as a code block of its own");
    }
    assertTrue(blocks.contains(example.get("header").stringValue()), "docs/wire-format.md shows the header");
    assertTrue(blocks.contains(example.get("step").get("header").stringValue()),
        "docs/wire-format.md shows the advanced header");
  }

  /** The content of every fenced code block, white space removed, a leading header name dropped. */
  private static Set<String> codeBlocks(String markdown) {
    Set<String> blocks = new HashSet<>();
    StringBuilder block = null;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("```")) {
        if (block == null) {
          block = new StringBuilder();
        } else {
          String content = block.toString().replaceAll("\\s+", "");
          String name = ChainHeaders.DESCRIPTOR + ":";
          blocks.add(content.startsWith(name) ? content.substring(name.length()) : content);
          block = null;
        }
      } else if (block != null) {
        block.append(line);
      }
    }
    return blocks;
  }

  @Test
  void everyReasonCodeIsSpecified() throws IOException {
    String spec = Files.readString(specification(), StandardCharsets.UTF_8);
    for (Reason reason : Reason.values()) {
      String row = "| `" + reason.code() + "` | " + reason.httpStatus() + " |";
      assertTrue(spec.contains(row), "docs/wire-format.md has the row " + row);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static ChainCodec codec(JsonNode context) {
    KeyRing ring;
    if (context.has("insecureDevelopmentMode") && context.get("insecureDevelopmentMode").booleanValue()) {
      assertEquals(0, context.get("keys").size(), "an insecure ring holds no key");
      ring = KeyRing.insecureDevelopmentMode();
    } else {
      KeyRing.Builder b = KeyRing.builder().allowPublishedKeysForTesting(); // the vectors' keys are published
      for (JsonNode key : context.get("keys")) {
        byte[] secret = HEX.parseHex(key.get("secretHex").stringValue());
        assertArrayEquals(secret, Base64.getUrlDecoder().decode(key.get("secret").stringValue()),
            "secret and secretHex of " + key.get("id"));
        b.addKey(key.get("id").stringValue(), secret);
      }
      ring = b.signWith(context.get("signingKeyId").stringValue()).build();
    }
    Instant now = Instant.parse(context.get("now").stringValue());
    assertEquals(now.toEpochMilli(), context.get("nowMs").longValue(), "now and nowMs");
    JsonNode l = context.get("limits");
    DecodeLimits limits = DecodeLimits.builder()
        .maxHeaderBytes(l.get("maxHeaderBytes").intValue())
        .maxSegments(l.get("maxSegments").intValue())
        .maxNameLength(l.get("maxNameLength").intValue())
        .maxMetadataEntries(l.get("maxMetadataEntries").intValue())
        .maxMetadataKeyLength(l.get("maxMetadataKeyLength").intValue())
        .maxMetadataValueBytes(l.get("maxMetadataValueBytes").intValue())
        .maxArgumentsPerSegment(l.get("maxArgumentsPerSegment").intValue())
        .maxHopLimit(l.get("maxHopLimit").intValue())
        .maxRouteRecords(l.get("maxRouteRecords").intValue())
        .maxInsertedSegments(l.get("maxInsertedSegments").intValue())
        .build();
    assertEquals(10, l.size(), "every limit is given");
    return ChainCodec.builder(ring)
        .limits(limits)
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .clockSkew(Duration.ofMillis(context.get("clockSkewMs").longValue()))
        .maxLifetime(Duration.ofMillis(context.get("maxLifetimeMs").longValue()))
        .build();
  }

  private static RouteRecord record(JsonNode r) {
    return RouteRecord.builder()
        .segmentIndex(r.get("segmentIndex").intValue())
        .node(r.get("node").stringValue())
        .start(Instant.parse(r.get("start").stringValue()))
        .duration(Duration.ofNanos(r.get("durationMicros").longValue() * 1000))
        .outcome(Outcome.valueOf(r.get("outcome").stringValue().toUpperCase(Locale.ROOT)))
        .build();
  }

  private static Descriptor descriptorOf(String header) {
    try {
      return Descriptor.parseFrom(parse(Base64.getUrlDecoder().decode(header)).getDescriptorBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static Envelope parse(byte[] envelope) {
    try {
      return Envelope.parseFrom(envelope);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode tree(String json) {
    return MAPPER.readTree(json);
  }

  private static void onlyProperties(JsonNode node, Set<String> allowed, String where) {
    assertNotNull(node, where + " is missing");
    for (String name : node.propertyNames()) {
      assertTrue(allowed.contains(name), where + ": property '" + name + "' is not part of the vector format");
    }
  }

  private static List<Path> vectorFiles() throws IOException {
    URL url = TestVectorsTest.class.getResource("/vectors");
    assertNotNull(url, "the vectors directory is on the test class path");
    Path dir;
    try {
      dir = Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  /** docs/wire-format.md, found from the working directory (the module or the repository root). */
  private static Path specification() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path spec = dir.resolve("docs/wire-format.md");
      if (Files.isRegularFile(spec)) {
        return spec;
      }
    }
    throw new AssertionError("docs/wire-format.md not found above " + Path.of("").toAbsolutePath());
  }
}
