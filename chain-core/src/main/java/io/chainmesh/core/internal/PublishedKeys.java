package io.chainmesh.core.internal;

import java.security.MessageDigest;
import java.util.Arrays;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The secrets chainmesh itself publishes (in its documentation, its test vectors, its examples and
 * its manifests), which a key ring refuses: anyone can sign with them. They are held as the SHA-256
 * of the secret bytes, so that this list is not one more place that publishes them.
 *
 * <p>{@code PublishedKeysTest} scans the repository for key material and fails when a secret it
 * finds is missing here: a key published tomorrow is refused too, once its hash is added.
 */
public final class PublishedKeys {
  private static final Set<String> SHA256 = Set.of(
      // k1 of the test vectors (bytes 0x00..0x1f): docs/wire-format.md §6.1 and its worked example
      "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
      // k2 of the test vectors (bytes 0x20..0x3f): docs/wire-format.md §6.1
      "72dbb7336c76780023f83da4c355f2eeea85733b13d3477697917790c1229084");

  private PublishedKeys() {}

  /** HMAC-SHA256's block size: a shorter key is padded with zero bytes to it. */
  private static final int HMAC_BLOCK = 64;

  /**
   * Whether {@code secret} is one the project publishes, or the same HMAC key written longer: HMAC
   * pads a key of at most {@value #HMAC_BLOCK} bytes with zeros, so a published key with zero bytes
   * appended signs exactly as the published one does. Runs when a key is loaded, never per request.
   */
  public static boolean contains(byte[] secret) {
    return SHA256.contains(sha256Hex(hmacEquivalent(secret)));
  }

  /** {@code secret} without the trailing zero bytes HMAC would pad it with anyway. */
  static byte[] hmacEquivalent(byte[] secret) {
    if (secret.length > HMAC_BLOCK) {
      return secret;
    }
    int end = secret.length;
    while (end > 0 && secret[end - 1] == 0) {
      end--;
    }
    return Arrays.copyOf(secret, end);
  }

  /** The lower-case hex SHA-256 of {@code secret}: how a published secret is named in this list. */
  public static String sha256Hex(byte[] secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
