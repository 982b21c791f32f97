package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.KeyRing;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code keygen}: fresh keys that a key ring accepts. */
class KeygenCommandTest {
  @Test
  void printsAKeyARingAccepts() {
    Cli.Run run = Cli.run("keygen", "shop-2026-07");
    assertEquals(0, run.exit(), run.toString());
    String entry = run.out().strip();
    assertTrue(entry.startsWith("shop-2026-07:"), entry);
    assertEquals(32, Base64.getUrlDecoder().decode(entry.substring(entry.indexOf(':') + 1)).length);
    assertEquals(List.copyOf(KeyRing.parse(entry).keyIds()), List.of("shop-2026-07"));
    assertTrue(run.err().contains("keep it secret"), run.err());
  }

  @Test
  void everyKeyIsNew() {
    assertNotEquals(Cli.run("keygen", "k").out(), Cli.run("keygen", "k").out());
  }

  @Test
  void defaultIdIsDated() {
    Cli.Run run = Cli.run("keygen", "--bytes", "48");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().matches("key-\\d{8}:[A-Za-z0-9_-]{64}\\R"), run.out());
  }

  @Test
  void refusesUnusableIdsAndLengths() {
    Cli.Run id = Cli.run("keygen", "bad id!");
    assertEquals(2, id.exit(), id.toString());
    assertTrue(id.err().contains("key id \"bad id!\" is not usable"), id.err());
    Cli.Run shortKey = Cli.run("keygen", "--bytes", "16");
    assertEquals(2, shortKey.exit(), shortKey.toString());
    assertTrue(shortKey.err().contains("--bytes must be a number from 32 to 256"), shortKey.err());
  }
}
