package io.chainmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacKeyTest {
  private static final byte[] SECRET = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] DESCRIPTOR = "descriptor bytes".getBytes(StandardCharsets.US_ASCII);

  @Test
  void macInputIsLabelZeroVersionKeyIdLengthKeyIdAndDescriptor() throws Exception {
    Mac reference = Mac.getInstance("HmacSHA256");
    reference.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] input = HexFormat.of().parseHex(
        "636861696e6d6573682e76312e656e76656c6f7065" // "chainmesh.v1.envelope"
            + "00" // separator
            + "01" // envelope version
            + "02" + "6b31"); // u8(len("k1")) "k1"
    reference.update(input);
    reference.update(DESCRIPTOR);

    assertArrayEquals(reference.doFinal(), new HmacKey("k1", SECRET).mac(1, DESCRIPTOR));
  }

  @Test
  void macIsThirtyTwoBytes() {
    assertEquals(HmacKey.MAC_BYTES, new HmacKey("k1", SECRET).mac(1, DESCRIPTOR).length);
  }

  @Test
  void macDependsOnKeyIdVersionAndDescriptor() {
    byte[] mac = new HmacKey("k1", SECRET).mac(1, DESCRIPTOR);

    assertFalse(Arrays.equals(mac, new HmacKey("k2", SECRET).mac(1, DESCRIPTOR)));
    assertFalse(Arrays.equals(mac, new HmacKey("k1", SECRET).mac(2, DESCRIPTOR)));
    assertFalse(Arrays.equals(mac, new HmacKey("k1", SECRET).mac(1, "descriptor byteS".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void verifyAcceptsOnlyTheExactMac() {
    HmacKey key = new HmacKey("k1", SECRET);
    byte[] mac = key.mac(1, DESCRIPTOR);

    assertTrue(key.verify(1, DESCRIPTOR, mac));
    byte[] flipped = mac.clone();
    flipped[31] ^= 1;
    assertFalse(key.verify(1, DESCRIPTOR, flipped));
    assertFalse(key.verify(1, DESCRIPTOR, Arrays.copyOf(mac, 31)));
  }

  @Test
  void copiesTheSecret() {
    byte[] secret = SECRET.clone();
    HmacKey key = new HmacKey("k1", secret);
    Arrays.fill(secret, (byte) 0);

    assertTrue(key.hasSecret(SECRET));
    assertArrayEquals(new HmacKey("k1", SECRET).mac(1, DESCRIPTOR), key.mac(1, DESCRIPTOR));
  }

  @Test
  void toStringNamesOnlyTheKeyId() {
    assertEquals("HmacKey{k1}", new HmacKey("k1", SECRET).toString());
  }

  @Test
  void concurrentMacsAreAllCorrect() throws Exception {
    HmacKey key = new HmacKey("k1", SECRET);
    byte[] expected = key.mac(1, DESCRIPTOR);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> {
          for (int j = 0; j < 200; j++) {
            if (!Arrays.equals(expected, key.mac(1, DESCRIPTOR))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
