package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.KeyRing;
import io.chainmesh.edge.EdgeMain;
import io.chainmesh.core.internal.commandline.UsageException;
import io.chainmesh.edge.internal.EdgeCommandLine;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.SegmentResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat "published keys" (issue 13, item 4): an operator pastes the ready-made {@code CHAIN_KEYS}
 * line of docs/wire-format.md §6.1 (the test vectors' keys) or a short secret, and the chain domain
 * accepts descriptors that anyone can sign. A hop and the edge refuse to start with such a key, and
 * the message names the key id (never the secret) and says how to make a key.
 */
class PublishedKeysAttackTest {
  /** The line docs/wire-format.md §6.1 printed for copying, before this was fixed: the vector keys k2 and k1. */
  static final String WIRE_FORMAT_LINE =
      "k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8,k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  /** 16 bytes: a secret an operator might think is enough. */
  static final String SIXTEEN_BYTES = "k1:" + Base64.getUrlEncoder().withoutPadding()
      .encodeToString("sixteen-bytes-ok".getBytes(StandardCharsets.US_ASCII));
  static final String CATALOGUE = """
      services:
        validate: http://127.0.0.1:1/
      chains:
        - {name: quote, match: POST /quote, segments: [validate]}
      """;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void standaloneEdgeGivenTheWireFormatKeysLineRefusesToStart(@TempDir Path dir) throws Exception {
    Path catalogue = Files.writeString(dir.resolve("chains.yaml"), CATALOGUE);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder edge = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        EdgeMain.class.getName(), "--catalogue", catalogue.toString(), "--bind", "127.0.0.1", "--port", "0")
        .redirectErrorStream(true);
    edge.environment().put("CHAIN_KEYS", WIRE_FORMAT_LINE);

    Exit exit = Exit.of(edge.start(), 60);

    assertTrue(exit.exited(), () -> "the edge started with the published keys:\n" + exit.output());
    assertEquals(2, exit.status(), exit::output);
    assertTrue(exit.output().contains("chain-edge: CHAIN_KEYS: key ring text: entry 1: key k2 is a key chainmesh"
        + " publishes"), exit::output);
    assertRefusalSaysHowToMakeAKey(exit.output());
  }

  @Test
  void hopGivenTheWireFormatKeysLineCannotBeBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChainHop.builder().functions(new TargetFunctions.Alpha(new Invocations())).serviceName("alpha")
            .resolver(SegmentResolver.staticMap(Map.of())).keys(KeyRing.parse(WIRE_FORMAT_LINE)).build());

    assertTrue(e.getMessage().contains("key k2 is a key chainmesh publishes"), e.getMessage());
    assertRefusalSaysHowToMakeAKey(e.getMessage());
  }

  @Test
  void edgeGivenTheWireFormatKeysInAKeyFileRefusesToStart(@TempDir Path dir) throws IOException {
    Path catalogue = Files.writeString(dir.resolve("chains.yaml"), CATALOGUE);
    Path keys = Files.writeString(dir.resolve("keys"), "# pasted from the docs\n" + WIRE_FORMAT_LINE + "\n");

    UsageException e = assertThrows(UsageException.class, () -> EdgeCommandLine
        .parse(new String[] {"--catalogue", catalogue.toString(), "--keys-file", keys.toString()}, Map.of()));

    assertTrue(e.getMessage().contains("entry 1: key k2 is a key chainmesh publishes"), e.getMessage());
    assertRefusalSaysHowToMakeAKey(e.getMessage());
  }

  @Test
  void edgeGivenASixteenByteSecretRefusesToStart(@TempDir Path dir) throws IOException {
    Path catalogue = Files.writeString(dir.resolve("chains.yaml"), CATALOGUE);

    UsageException e = assertThrows(UsageException.class, () -> EdgeCommandLine
        .parse(new String[] {"--catalogue", catalogue.toString()}, Map.of("CHAIN_KEYS", SIXTEEN_BYTES)));

    assertTrue(e.getMessage().startsWith("CHAIN_KEYS: key ring text: entry 1: key k1 has 16 bytes"), e.getMessage());
    assertRefusalSaysHowToMakeAKey(e.getMessage());
  }

  @Test
  void hopGivenASixteenByteSecretCannotBeBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChainHop.builder().functions(new TargetFunctions.Alpha(new Invocations())).serviceName("alpha")
            .resolver(SegmentResolver.staticMap(Map.of())).keys(KeyRing.parse(SIXTEEN_BYTES)).build());

    assertTrue(e.getMessage().contains("key k1 has 16 bytes"), e.getMessage());
    assertRefusalSaysHowToMakeAKey(e.getMessage());
  }

  /** The documented refusal: how to make a key, and nothing of any secret it was given. */
  private static void assertRefusalSaysHowToMakeAKey(String message) {
    assertTrue(message.contains("chain-cli keygen") && message.contains("java -jar chain-cli.jar keygen <key-id>"),
        message);
    for (String entry : (WIRE_FORMAT_LINE + "," + SIXTEEN_BYTES).split(",")) {
      String secret = entry.substring(entry.indexOf(':') + 1);
      assertFalse(message.contains(secret.substring(0, 12)), () -> "secret material in: " + message);
    }
  }

  /**
   * How a process ended, with everything it printed; not ended ({@code exited} false) when it said
   * it listens or was still running after {@code seconds}.
   */
  private record Exit(boolean exited, int status, String output) {
    static Exit of(Process process, int seconds) throws InterruptedException {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try (InputStream in = process.getInputStream()) {
          in.transferTo(output);
        } catch (IOException ignored) {
          // the process ended
        }
      });
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      boolean exited = false;
      while (!exited && System.nanoTime() < deadline && !printed(output, "listening on")) {
        exited = process.waitFor(100, TimeUnit.MILLISECONDS);
      }
      if (!exited) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5000);
      return new Exit(exited, exited ? process.exitValue() : -1, output.toString(StandardCharsets.UTF_8));
    }

    private static boolean printed(ByteArrayOutputStream output, String text) {
      return output.toString(StandardCharsets.UTF_8).contains(text); // ByteArrayOutputStream is synchronized
    }
  }
}
