package io.chainmesh.cli;

import io.chainmesh.core.KeyRing;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Fixed test keys (not secret: they exist only in these tests). */
final class TestKeys {
  static final String T1 = entry("t1", "chain-cli test key number one, 32+ bytes");
  static final String T2 = entry("t2", "chain-cli test key number two, 32+ bytes");
  /** Same id as T1, different secret: what a mis-copied key file looks like. */
  static final String T1_WRONG = entry("t1", "not the secret that t1 really has, 32+b");

  private TestKeys() {}

  static KeyRing ring(String... entries) {
    return KeyRing.parse(String.join(",", entries));
  }

  private static String entry(String id, String secret) {
    return id + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
  }
}
