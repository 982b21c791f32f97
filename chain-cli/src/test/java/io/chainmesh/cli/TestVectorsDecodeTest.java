package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainmesh.core.DecodeLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code decode} against the language-neutral test vectors of chain-core, when they are there: a
 * valid vector decodes to its JSON, an invalid one is refused with its reason code and exit code 1.
 * The insecure-mode file is left out (the command line has no insecure mode, by design); any other
 * file whose context it cannot reproduce fails, and so does a vector set that shrank. The vectors'
 * keys are published, which every key ring refuses (and the command line with them): these
 * runs opt in, as tests only can.
 */
class TestVectorsDecodeTest {
  /** chain-core's vectors; {@code -Dchainmesh.vectors=dir} runs others (a branch's, another implementation's). */
  static final Path VECTORS = Path.of(System.getProperty("chainmesh.vectors", "../chain-core/src/test/resources/vectors"));
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  @TestFactory
  Stream<DynamicNode> decodeAgreesWithTheVectors() throws IOException {
    assertTrue(Files.isDirectory(VECTORS), "no test vectors at " + VECTORS.toAbsolutePath());
    List<Path> files;
    try (Stream<Path> list = Files.list(VECTORS)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no test vector files in " + VECTORS.toAbsolutePath());
    List<DynamicNode> containers = new ArrayList<>();
    int cases = 0;
    for (Path file : files) {
      JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (root.path("context").path("insecureDevelopmentMode").asBoolean(false)) {
        continue; // the command line has no insecure mode, by design
      }
      List<DynamicNode> tests = cases(root).toList();
      cases += tests.size();
      containers.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests.stream()));
    }
    int ran = cases;
    containers.add(DynamicTest.dynamicTest("the vectors are there to run", () ->
        assertTrue(ran >= 150, "only " + ran + " vector cases found; the format may have changed")));
    return containers.stream();
  }

  @Test
  void withoutTheTestsOptInTheVectorKeysAreRefused() throws IOException {
    JsonNode key = MAPPER.readTree(Files.readString(VECTORS.resolve("valid.json"), StandardCharsets.UTF_8))
        .path("context").path("keys").get(0);

    Cli.Run run = Cli.run("decode", "abc", "--key", key.get("id").asString() + ":" + key.get("secret").asString());

    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("--key: key ring text: entry 1: key " + key.get("id").asString()
        + " is a key chainmesh publishes"), run.err());
    assertTrue(run.err().contains("chain-cli keygen"), run.err());
    assertFalse(run.err().contains(key.get("secret").asString().substring(0, 12)), run.err());
  }

  private static Stream<DynamicNode> cases(JsonNode root) {
    List<String> context = context(root.path("context"));
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode c : root.path("valid")) {
      tests.add(DynamicTest.dynamicTest("valid: " + c.path("name").asString(), () -> {
        assertNotNull(context, "a context this command line cannot reproduce");
        Cli.Run run = Cli.withPublishedKeysForTesting(args(c, context));
        assertEquals(0, run.exit(), run.toString());
        assertEquals(c.get("descriptor"), MAPPER.readTree(run.out()), "decoded JSON");
      }));
    }
    for (JsonNode c : root.path("invalid")) {
      tests.add(DynamicTest.dynamicTest("invalid: " + c.path("name").asString(), () -> {
        assertNotNull(context, "a context this command line cannot reproduce");
        Cli.Run run = Cli.withPublishedKeysForTesting(args(c, context));
        assertEquals(1, run.exit(), run.toString());
        String expected = "error: " + c.get("reason").asString() + ": ";
        assertTrue(run.err().startsWith(expected), expected + " in\n" + run.err());
        if (c.hasNonNull("field")) {
          assertTrue(run.err().contains("(at " + c.get("field").asString() + ")"), run.err());
        }
        if (c.hasNonNull("offset")) {
          assertTrue(run.err().contains("(at offset " + c.get("offset").asInt() + ")"), run.err());
        }
      }));
    }
    return tests.stream();
  }

  private static String[] args(JsonNode c, List<String> context) {
    assumeTrue(c.hasNonNull("header"), "the vector has a header");
    String header = c.get("header").asString();
    // decode cleans up pasted values (white space around, quotes, a header name); such vectors test
    // the codec, which chain-core's own vector test runs.
    assumeTrue(DecodeCommand.headerValue(header).equals(header), "a value decode would clean up first");
    List<String> args = new ArrayList<>(List.of("decode"));
    args.addAll(context);
    args.add("--"); // a base64url value may start with '-'
    args.add(header);
    return args.toArray(String[]::new);
  }

  /** The options that reproduce a vector file's context, or null when they cannot. */
  private static List<String> context(JsonNode context) {
    if (context.path("insecureDevelopmentMode").asBoolean(false) || !context.path("keys").isArray()
        || context.path("keys").isEmpty() || !context.hasNonNull("now") || !sameLimits(context.path("limits"))) {
      return null;
    }
    String signer = context.path("signingKeyId").asString("");
    List<String> args = new ArrayList<>();
    for (JsonNode key : context.get("keys")) {
      if (!key.hasNonNull("id") || !key.hasNonNull("secret")) {
        return null;
      }
      List<String> entry = List.of("--key", key.get("id").asString() + ":" + key.get("secret").asString());
      if (key.get("id").asString().equals(signer)) {
        args.addAll(0, entry);
      } else {
        args.addAll(entry);
      }
    }
    args.addAll(List.of("--now", context.get("now").asString()));
    if (context.hasNonNull("clockSkewMs")) {
      args.addAll(List.of("--skew", context.get("clockSkewMs").asLong() + "ms"));
    }
    if (context.hasNonNull("maxLifetimeMs")) {
      args.addAll(List.of("--max-lifetime", context.get("maxLifetimeMs").asLong() + "ms"));
    }
    return args;
  }

  private static boolean sameLimits(JsonNode limits) {
    if (limits.isMissingNode() || limits.isNull()) {
      return true;
    }
    DecodeLimits d = DecodeLimits.DEFAULTS;
    Map<String, Integer> defaults = Map.of("maxHeaderBytes", d.maxHeaderBytes(), "maxSegments", d.maxSegments(),
        "maxNameLength", d.maxNameLength(), "maxMetadataEntries", d.maxMetadataEntries(),
        "maxMetadataKeyLength", d.maxMetadataKeyLength(), "maxMetadataValueBytes", d.maxMetadataValueBytes(),
        "maxArgumentsPerSegment", d.maxArgumentsPerSegment(), "maxHopLimit", d.maxHopLimit(),
        "maxRouteRecords", d.maxRouteRecords(), "maxInsertedSegments", d.maxInsertedSegments());
    for (Map.Entry<String, JsonNode> e : limits.properties()) {
      Integer expected = defaults.get(e.getKey());
      if (expected == null || expected != e.getValue().asInt()) {
        return false;
      }
    }
    return true;
  }
}
