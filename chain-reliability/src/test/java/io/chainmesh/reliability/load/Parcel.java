package io.chainmesh.reliability.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The body of an accounted request: a unique id, a payload, and the CRC32 of the payload. Each hop
 * checks the CRC and mixes the payload deterministically with its service name (SHA-256 of name and
 * payload over the first 64 characters; the rest kept), so the driver can compute the exact answer a
 * request must get and tell a lost, corrupted or misdelivered one from a correct one.
 *
 * @param id the request's unique id
 * @param payload hex text, at least 64 characters
 * @param crc CRC32 of the payload's UTF-8 bytes
 */
public record Parcel(long id, String payload, long crc) {
  private static final HexFormat HEX = HexFormat.of();

  /** A parcel for request {@code id} with {@code payloadChars} of payload drawn from {@code id}. */
  public static Parcel forRequest(long id, int payloadChars) {
    Random random = new Random(id * 0x9E3779B97F4A7C15L);
    byte[] bytes = new byte[(payloadChars + 1) / 2];
    random.nextBytes(bytes);
    String payload = HEX.formatHex(bytes).substring(0, payloadChars);
    return new Parcel(id, payload, crcOf(payload));
  }

  /** Whether the CRC matches the payload. */
  public boolean intact() {
    return crc == crcOf(payload);
  }

  /** What the hop of {@code service} makes of this parcel. */
  public Parcel mixedBy(String service) {
    String head = HEX.formatHex(sha256(service + ":" + payload));
    String mixed = head + payload.substring(head.length());
    return new Parcel(id, mixed, crcOf(mixed));
  }

  /** What this parcel must become through {@code services}, in order. */
  public Parcel expectedThrough(List<String> services) {
    Parcel p = this;
    for (String service : services) {
      p = p.mixedBy(service);
    }
    return p;
  }

  private static long crcOf(String payload) {
    CRC32 crc = new CRC32();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
