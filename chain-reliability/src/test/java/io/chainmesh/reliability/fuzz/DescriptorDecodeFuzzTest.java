package io.chainmesh.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.internal.proto.Envelope;
import java.lang.management.ManagementFactory;
import java.security.GeneralSecurityException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing {@code ChainCodec.decode}, the first thing every hop does with untrusted input. The
 * contract, whatever the header: a verified descriptor or a {@link ChainException} with a
 * {@code Reason} — never another exception type — and at most {@value #MAX_ALLOCATED_BYTES} bytes
 * allocated per decode of a header of at most 8 KiB.
 *
 * <p>Tries: {@code @FuzzBudget}, 5 000 per property by default, 100 000 with
 * {@code -Dreliability.long=true}; the counts are printed and written to {@code fuzz-counts.txt}.
 */
class DescriptorDecodeFuzzTest {
  static final long MAX_ALLOCATED_BYTES = 64 * 1024;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @BeforeContainer
  static void warmUp() {
    // Class loading and first-call initialisation allocate too; they are not the decoder's per-call cost.
    String header = Descriptors.signedHeaders().sample();
    for (int i = 0; i < 2_000; i++) {
      Descriptors.CODEC.decode(header);
      try {
        Descriptors.CODEC.decode(header.substring(0, header.length() / 2) + "=");
      } catch (ChainException expected) {
        // warming the refusal path
      }
    }
  }

  /**
   * Decodes {@code header}; returns the descriptor, or null for a coded refusal. Fails the try for
   * any other exception and for allocating more than the bound.
   *
   * <p>The allocation is measured on a second decode of the same header: the first use of a code
   * path allocates once per JVM (class initialisation, linking each string concatenation's
   * invokedynamic call site: ~100 KiB), which is not a per-request cost an attacker can repeat.
   */
  static ChainDescriptor decodeWithinContract(String header) {
    assertTrue(header.length() <= 8 * 1024, "fuzz inputs stay within 8 KiB");
    ChainDescriptor decoded = decodeOrRefuse(header);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    decodeOrRefuse(header);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated <= MAX_ALLOCATED_BYTES,
        () -> "decode allocated " + allocated + " bytes for a header of " + header.length() + " characters");
    return decoded;
  }

  private static ChainDescriptor decodeOrRefuse(String header) {
    try {
      return Descriptors.CODEC.decode(header);
    } catch (ChainException e) {
      if (e.reason() == null || e.reason().httpStatus() == 500) {
        fail("a refusal without a reason, or answered as a server error: " + e);
      }
      return null;
    } catch (RuntimeException | Error e) {
      return fail("decode threw " + e.getClass().getName() + " instead of ChainException", e);
    }
  }

  @Property
  @FuzzBudget(tries = 5_000, longTries = 100_000)
  void mutatedSignedDescriptorIsRefusedOrUnchanged(@ForAll("valid") ChainDescriptor original,
      @ForAll("mutations") List<Mutation> mutations) {
    String header = Descriptors.CODEC.encode(original);
    String mutated = header;
    for (Mutation m : mutations) {
      mutated = m.applyTo(mutated);
    }

    ChainDescriptor decoded = decodeWithinContract(mutated);

    if (decoded != null) {
      // Strict base64url and the MAC leave one way to succeed: the very bytes that were signed.
      // (Compared with the decoded original: a lone surrogate in a value is written as '?'.)
      assertEquals(Descriptors.CODEC.decode(header), decoded, "a mutated header decoded to another descriptor");
    }
  }

  @Property
  @FuzzBudget(tries = 5_000, longTries = 100_000)
  void arbitraryTextIsRefusedWithAReason(@ForAll("text") String header) {
    decodeWithinContract(header);
  }

  @Property
  @FuzzBudget(tries = 5_000, longTries = 100_000)
  void arbitraryBytesUnderValidBase64AreRefusedWithAReason(@ForAll("bytes") byte[] envelope) {
    decodeWithinContract(Base64.getUrlEncoder().withoutPadding().encodeToString(envelope));
  }

  /**
   * Past the MAC: bytes mutated inside the descriptor and signed again with the real key, so the
   * protobuf parser, limits and structural rules see them (what a buggy or compromised key holder
   * could send).
   */
  @Property
  @FuzzBudget(tries = 5_000, longTries = 100_000)
  void mutatedDescriptorBytesSignedWithTheRealKeyAreRefusedOrValid(@ForAll("valid") ChainDescriptor original,
      @ForAll("mutations") List<Mutation> mutations) throws Exception {
    Envelope envelope = Envelope.parseFrom(Base64.getUrlDecoder().decode(Descriptors.CODEC.encode(original)));
    String bytesAsText = Base64.getUrlEncoder().withoutPadding().encodeToString(envelope.getDescriptorBytes().toByteArray());
    for (Mutation m : mutations) {
      bytesAsText = m.applyTo(bytesAsText);
    }
    byte[] descriptorBytes;
    try {
      descriptorBytes = Base64.getUrlDecoder().decode(bytesAsText);
    } catch (IllegalArgumentException noLongerBase64) {
      descriptorBytes = bytesAsText.getBytes(StandardCharsets.UTF_8);
    }

    decodeWithinContract(resigned(descriptorBytes));
  }

  @Property
  @FuzzBudget(tries = 5_000, longTries = 100_000)
  void randomDescriptorBytesSignedWithTheRealKeyAreRefusedWithAReason(@ForAll("bytes") byte[] descriptorBytes) {
    decodeWithinContract(resigned(descriptorBytes));
  }

  private static String resigned(byte[] descriptorBytes) {
    byte[] mac;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(Descriptors.SECRET, "HmacSHA256"));
      hmac.update("chainmesh.v1.envelope".getBytes(StandardCharsets.US_ASCII));
      hmac.update(new byte[] {0, 1, (byte) Descriptors.KEY_ID.length()});
      hmac.update(Descriptors.KEY_ID.getBytes(StandardCharsets.US_ASCII));
      mac = hmac.doFinal(descriptorBytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] envelope = Envelope.newBuilder().setVersion(1).setKeyId(Descriptors.KEY_ID)
        .setDescriptorBytes(ByteString.copyFrom(descriptorBytes)).setMac(ByteString.copyFrom(mac)).build().toByteArray();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(envelope);
  }

  @Provide
  Arbitrary<ChainDescriptor> valid() {
    return Descriptors.valid();
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutation.several();
  }

  /*
   * Text and bytes are drawn from a seeded java.util.Random rather than element by element through
   * jqwik: a hundred times cheaper for kilobytes of noise, and the failing seed still reproduces.
   */
  private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String NEAR_BASE64 = "AQgCEhoiKjI6-_=+/ \t,";
  private static final byte[] PROTOBUF_BYTES = {0x08, 0x12, 0x1a, 0x22, 0x2a, 0x30, 0x38, 0x42, 0x7a, (byte) 0x80,
      (byte) 0xff, 0x01, 0x00, 0x0b, 0x0c, (byte) 0xa3, 0x06};

  @Provide
  Arbitrary<String> text() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 8 * 1024),
        Arbitraries.integers().between(0, 2)).as((seed, length, alphabet) -> {
          Random random = new Random(seed);
          char[] chars = new char[length];
          for (int i = 0; i < length; i++) {
            chars[i] = switch (alphabet) {
              case 0 -> (char) random.nextInt(Character.MAX_VALUE + 1);
              case 1 -> BASE64URL.charAt(random.nextInt(BASE64URL.length()));
              default -> NEAR_BASE64.charAt(random.nextInt(NEAR_BASE64.length()));
            };
          }
          return new String(chars);
        });
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 3 * 1024), Arbitraries.of(true, false))
        .as((seed, length, protobufShaped) -> {
          Random random = new Random(seed);
          byte[] bytes = new byte[length];
          if (protobufShaped) {
            // tags and lengths of the envelope's and descriptor's fields, group starts, varint continuations
            for (int i = 0; i < length; i++) {
              bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : PROTOBUF_BYTES[random.nextInt(PROTOBUF_BYTES.length)];
            }
          } else {
            random.nextBytes(bytes);
          }
          return bytes;
        });
  }
}
