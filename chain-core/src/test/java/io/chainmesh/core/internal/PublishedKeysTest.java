package io.chainmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.KeyMaterialScan.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The list of published keys stays complete: every key the repository publishes (docs, READMEs,
 * manifests, test vectors, examples) is one that {@link PublishedKeys} names and {@link KeyRing}
 * refuses. A key published tomorrow fails this test until its SHA-256 is added.
 */
class PublishedKeysTest {
  private static Path root;
  private static List<Finding> published;

  @BeforeAll
  static void scanTheRepository() throws IOException {
    root = KeyMaterialScan.repositoryRoot();
    published = KeyMaterialScan.published(root);
  }

  @Test
  void everyKeyTheRepositoryPublishesIsRefused() {
    Map<String, List<String>> missing = new TreeMap<>();
    for (Finding f : published) {
      if (!PublishedKeys.contains(f.secret())) {
        missing.computeIfAbsent(PublishedKeys.sha256Hex(f.secret()), sha -> new ArrayList<>()).add(f.toString());
      }
    }
    assertTrue(missing.isEmpty(), () -> "the repository publishes keys that KeyRing would accept; add each"
        + " SHA-256 to io.chainmesh.core.internal.PublishedKeys (and docs/wire-format.md §6.1):"
        + missing.entrySet().stream().map(e -> "\n  " + e.getKey() + ", published at " + e.getValue())
            .collect(Collectors.joining()));
    for (Finding f : published) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KeyRing.builder().addKey("published", f.secret()), f::toString);
      assertTrue(e.getMessage().contains("chain-cli keygen"), e.getMessage());
    }
  }

  @Test
  void theScanFindsEveryKeyEntryOfTheTestVectors() throws IOException {
    Path vectors = root.resolve("chain-core/src/test/resources/vectors");
    List<Path> files;
    try (Stream<Path> list = Files.list(vectors)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    JsonMapper mapper = JsonMapper.builder().build();
    int entries = 0;
    for (Path file : files) {
      String name = root.relativize(file).toString();
      JsonNode keys = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("context").path("keys");
      Set<String> found = published.stream().filter(f -> f.where().startsWith(name + ":"))
          .map(f -> PublishedKeys.sha256Hex(f.secret())).collect(Collectors.toSet());
      assertTrue(found.size() >= keys.size(), () -> name + ": " + keys.size() + " key entries, but the scan reads "
          + found.size() + " secrets there; teach KeyMaterialScan the form they are written in");
      entries += keys.size();
    }
    assertTrue(entries >= 2, "the vectors hold key entries: " + entries);
  }

  @Test
  void theScanFindsTheWorkedExampleKeyOfTheSpecification() {
    byte[] k1 = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    assertTrue(published.stream().anyMatch(f -> f.where().startsWith("docs/wire-format.md:")
        && Arrays.equals(k1, f.secret())), "docs/wire-format.md §23.1 shows k1");
  }

  @Test
  void theScanReadsEveryFormAKeyIsWrittenIn() {
    byte[] secret = fresh();
    String url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String std = Base64.getEncoder().encodeToString(secret);
    String hex = HexFormat.of().formatHex(secret);
    String literal = "a-literal-secret-of-the-shop-example-0123";

    for (String text : List.of(
        "CHAIN_KEYS=\"shop-2026-07:" + url + ",shop-2026-01:" + url + "\"",
        "  CHAIN_KEYS: \"k1:" + std + "\"",
        "{ \"id\": \"k9\", \"secret\": \"" + url + "\" }",
        "{ \"id\": \"k9\", \"secretHex\" : \"" + hex + "\" }",
        "- Key `k9`, secret (32 bytes) `" + hex + "`, signs.",
        "byte[] s = HexFormat.of().parseHex(\"" + hex + "\");")) {
      List<Finding> found = KeyMaterialScan.in("sample", text);
      assertFalse(found.isEmpty(), text);
      found.forEach(f -> assertTrue(Arrays.equals(secret, f.secret()), text));
    }
    List<Finding> inCode = KeyMaterialScan.in("Example.java",
        "KeyRing.builder().addKey(\"k\", \"" + literal + "\".getBytes(StandardCharsets.UTF_8))");
    assertEquals(1, inCode.size(), inCode::toString);
    assertTrue(Arrays.equals(literal.getBytes(StandardCharsets.UTF_8), inCode.get(0).secret()));
  }

  @Test
  void aKeyPublishedTomorrowWouldFailTheScan() {
    String line = "CHAIN_KEYS=\"tomorrow:" + Base64.getUrlEncoder().withoutPadding().encodeToString(fresh()) + "\"";

    List<Finding> found = KeyMaterialScan.in("docs/tomorrow.md", line);

    assertEquals(1, found.size());
    assertFalse(PublishedKeys.contains(found.get(0).secret()), "so everyKeyTheRepositoryPublishesIsRefused fails");
  }

  @Test
  void placeholdersDigestsAndJvmFlagsAreNotKeys() {
    for (String text : List.of(
        "CHAIN_KEYS: \"shop-1:!!REPLACE-ME-with-the-output-of-chain-cli-keygen!!\"",
        "CHAIN_KEYS=\"shop-2026-07:3q2-7wAAAAA...,shop-2026-01:q83vEjRWeJA...\"",
        "image: chainmesh/edge@sha256:" + "ab".repeat(32),
        "-XX:+ExitOnOutOfMemoryError",
        "\"keys\": [ { \"id\": \"k1\", \"secretHex\": \"0001…1f\", \"secret\": \"<the same, base64url>\" } ]",
        "- `" + "cd".repeat(32) + "` (vector key `k1`)")) {
      assertEquals(List.of(), KeyMaterialScan.in("sample", text), text);
    }
  }

  @Test
  void theListNamesSecretsByHashNeverByValue() {
    assertFalse(PublishedKeys.contains(fresh()));
    assertEquals("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
        PublishedKeys.sha256Hex(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")));
  }

  private static byte[] fresh() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
