package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.SECRET_1;
import static io.chainmesh.core.Fixtures.SECRET_2;
import static io.chainmesh.core.Fixtures.SECRET_3;
import static io.chainmesh.core.Fixtures.codec;
import static io.chainmesh.core.Fixtures.envelope;
import static io.chainmesh.core.Fixtures.everyField;
import static io.chainmesh.core.Fixtures.ring;
import static io.chainmesh.core.Fixtures.ring12;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRingTest {
  private static final String S1 = Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET_1);
  private static final String S2 = Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET_2);
  /** 33 bytes of 0xff and 0xfb: standard base64 needs '/' and '+', base64url '_' and '-'. */
  private static final byte[] HIGH_SECRET = highSecret();

  private static byte[] highSecret() {
    byte[] s = new byte[33];
    for (int i = 0; i < s.length; i++) {
      // High bytes, so the encodings hold '-', '_', '+' and '/'; 17 different values, as a key needs.
      s[i] = (byte) (i % 2 == 0 ? 0xff - (i / 2 % 16) : 0xfb);
    }
    return s;
  }

  /** Whether two rings compute the same MACs for the same key id: they hold the same secret. */
  private static void assertSameSecret(KeyRing expected, KeyRing actual) {
    String header = codec(expected).encode(everyField());
    assertEquals(everyField(), codec(actual).decode(header));
  }

  /** Every rendering of a secret a careless message could contain. */
  private static List<String> renderings(byte[] secret) {
    return List.of(
        Base64.getEncoder().encodeToString(secret).substring(0, 16),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret).substring(0, 16),
        HexFormat.of().formatHex(secret).substring(0, 16),
        Arrays.toString(secret).substring(0, 16));
  }

  private static void assertNoSecret(String text, byte[]... secrets) {
    for (byte[] secret : secrets) {
      for (String rendering : renderings(secret)) {
        assertFalse(text.contains(rendering), () -> "secret material in: " + text);
      }
    }
  }

  @Nested
  class TextForm {
    @Test
    void parsesCommaSeparatedEntriesAndTheFirstSigns() {
      KeyRing ring = KeyRing.parse("k2:" + S2 + ",k1:" + S1);

      assertEquals(Optional.of("k2"), ring.signingKeyId());
      assertEquals(List.of("k2", "k1"), List.copyOf(ring.keyIds()));
      assertFalse(ring.isInsecureDevelopmentMode());
    }

    @Test
    void parsesEntriesSeparatedByWhitespaceAndNewLinesWithComments() {
      String text = "# chain keys, newest first\n\n  k2:" + S2 + "  \r\n# retired soon\nk1:" + S1 + "\tk3:"
          + Base64.getUrlEncoder().encodeToString(SECRET_3) + "\n";

      KeyRing ring = KeyRing.parse(text);

      assertEquals(List.of("k2", "k1", "k3"), List.copyOf(ring.keyIds()));
      assertEquals(Optional.of("k2"), ring.signingKeyId());
    }

    @Test
    void decodesBase64urlSecrets() {
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(HIGH_SECRET);
      assertTrue(encoded.contains("_") && encoded.contains("-"), encoded);

      assertSameSecret(KeyRing.builder().addKey("k1", HIGH_SECRET).build(), KeyRing.parse("k1:" + encoded));
    }

    @Test
    void decodesStandardBase64Secrets() {
      String encoded = Base64.getEncoder().encodeToString(HIGH_SECRET);
      assertTrue(encoded.contains("/") && encoded.contains("+"), encoded);

      assertSameSecret(KeyRing.builder().addKey("k1", HIGH_SECRET).build(), KeyRing.parse("k1:" + encoded));
    }

    @Test
    void acceptsPaddedSecretsInEitherAlphabet() {
      KeyRing expected = KeyRing.builder().addKey("k1", SECRET_1).build();

      assertSameSecret(expected, KeyRing.parse("k1:" + Base64.getEncoder().encodeToString(SECRET_1)));
      assertSameSecret(expected, KeyRing.parse("k1:" + Base64.getUrlEncoder().encodeToString(SECRET_1)));
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
      String short31 = Base64.getUrlEncoder().encodeToString(Arrays.copyOf(SECRET_1, 31));

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k1:" + short31));
      assertTrue(e.getMessage().contains("31 bytes") && e.getMessage().contains("32"), e.getMessage());
      assertFalse(e.getMessage().contains(short31.substring(0, 12)), e.getMessage());
    }

    @Test
    void refusesDuplicateKeyIdsWithoutQuotingSecrets() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KeyRing.parse("k1:" + S1 + ",k1:" + S2));

      assertTrue(e.getMessage().contains("entry 2") && e.getMessage().contains("twice"), e.getMessage());
      assertNoSecret(e.getMessage(), SECRET_1, SECRET_2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-k1", "k/1", "ké", ".k"})
    void refusesBadKeyIds(String id) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KeyRing.parse(id + ":" + S1));
      assertTrue(e.getMessage().contains("entry 1"), e.getMessage());
      assertNoSecret(e.getMessage(), SECRET_1);
    }

    @Test
    void refusesKeyIdLongerThan64Characters() {
      assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k".repeat(65) + ":" + S1));
      assertEquals(Optional.of("k".repeat(64)), KeyRing.parse("k".repeat(64) + ":" + S1).signingKeyId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k1", "k1:", ":secret"})
    void refusesEntriesThatAreNotIdColonSecret(String entry) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k0:" + S1 + "," + entry));
      assertTrue(e.getMessage().contains("entry 2"), e.getMessage());
    }

    @Test
    void refusesSecretThatIsNotBase64NamingTheKeyId() {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k1:not*base64*at*all"));

      assertTrue(e.getMessage().contains("k1"), e.getMessage());
      assertFalse(e.getMessage().contains("not*base64"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\n", "# only a comment\n", ", ,"})
    void refusesTextWithoutAnyKey(String text) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.parse(text));
      assertTrue(e.getMessage().contains("no key"), e.getMessage());
    }

    @Test
    void readsAKeyFile(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("chain-keys");
      Files.writeString(file, "# rotated 2026-01-31\nk2:" + S2 + "\nk1:" + S1 + "\n", StandardCharsets.UTF_8);

      KeyRing ring = KeyRing.fromFile(file);

      assertEquals(List.of("k2", "k1"), List.copyOf(ring.keyIds()));
      assertSameSecret(KeyRing.builder().addKey("k2", SECRET_2).build(), ring);
    }

    @Test
    void keyFileErrorsNameTheFileButNotTheSecret(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("chain-keys");
      String short20 = Base64.getUrlEncoder().encodeToString(new byte[20]);
      Files.writeString(file, "k1:" + short20 + "\n", StandardCharsets.UTF_8);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.fromFile(file));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertFalse(e.getMessage().contains(short20), e.getMessage());
    }

    @Test
    void missingKeyFileIsAnIoError(@TempDir Path dir) {
      assertThrows(UncheckedIOException.class, () -> KeyRing.fromFile(dir.resolve("absent")));
    }

    @Test
    void unsetEnvironmentVariableIsRefused() {
      String variable = "CHAINMESH_TEST_VARIABLE_THAT_IS_NEVER_SET";

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.fromEnv(variable));
      assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
  }

  /** The test vectors' keys, which docs/wire-format.md publishes. */
  private static final byte[] VECTOR_K1 = HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] VECTOR_K2 = HexFormat.of().parseHex(
      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

  private static void assertRefusedAsPublished(String id, byte[] secret, IllegalArgumentException e) {
    String m = e.getMessage();
    assertTrue(m.contains("key " + id + " ") && m.contains("publishes") && m.contains("chain-cli keygen"), m);
    assertNoSecret(m, secret);
  }

  @Nested
  class RefusedKeys {
    @Test
    void builderRefusesAPublishedKeyNamingItsIdAndHowToMakeOne() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KeyRing.builder().addKey("k1", VECTOR_K1));

      assertRefusedAsPublished("k1", VECTOR_K1, e);
    }

    @Test
    void textFormRefusesThePublishedKeysWhateverTheirIdOrAlphabet() {
      String url = Base64.getUrlEncoder().withoutPadding().encodeToString(VECTOR_K2);
      String std = Base64.getEncoder().encodeToString(VECTOR_K2);

      for (String text : List.of("mine:" + url, "k0:" + S1 + "\nmine:" + std)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.parse(text));
        assertRefusedAsPublished("mine", VECTOR_K2, e);
      }
    }

    @Test
    void keyFileWithAPublishedKeyIsRefused(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("keys");
      Files.writeString(file, "k1:" + Base64.getUrlEncoder().encodeToString(VECTOR_K1) + "\n");

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.fromFile(file));
      assertRefusedAsPublished("k1", VECTOR_K1, e);
      assertTrue(e.getMessage().startsWith("key file " + file), e.getMessage());
    }

    @Test
    void publishedKeyWithZeroBytesAppendedIsTheSameHmacKeyAndIsRefused() {
      for (int length : new int[] {33, 64}) {
        byte[] padded = Arrays.copyOf(VECTOR_K1, length);
        assertRefusedAsPublished("k1",
            padded, assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().addKey("k1", padded)));
      }
    }

    @Test
    void secretWrittenInHexIsRefusedSayingTheTextIsBase64url() {
      String hex = HexFormat.of().formatHex(VECTOR_K1);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k1:" + hex));

      assertTrue(e.getMessage().contains("written in hex") && e.getMessage().contains("chain-cli keygen"),
          e.getMessage());
      assertFalse(e.getMessage().contains(hex), e.getMessage());
    }

    @Test
    void secretThatIsNotRandomIsRefused() {
      byte[] zeros = new byte[32];
      byte[] letters = "abcdabcdabcdabcdabcdabcdabcdabcd".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

      for (byte[] weak : List.of(zeros, letters)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> KeyRing.builder().addKey("k1", weak));
        assertTrue(e.getMessage().contains("is not random") && e.getMessage().contains("chain-cli keygen"),
            e.getMessage());
      }
    }

    @Test
    void rotatingInAPublishedKeyIsRefused() {
      assertRefusedAsPublished("k9", VECTOR_K1,
          assertThrows(IllegalArgumentException.class, () -> ring().withKey("k9", VECTOR_K1)));
    }

    @Test
    void shortSecretIsRefusedSayingHowToMakeAKey() {
      byte[] short16 = Arrays.copyOf(SECRET_1, 16);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KeyRing.builder().addKey("k1", short16));
      assertTrue(e.getMessage().contains("16 bytes") && e.getMessage().contains("chain-cli keygen"), e.getMessage());
      assertNoSecret(e.getMessage(), short16);
    }

    @Test
    void testsOptInToThePublishedKeysExplicitly() {
      KeyRing ring = KeyRing.builder().allowPublishedKeysForTesting().addKey("k1", VECTOR_K1)
          .addKey("k2", VECTOR_K2).build();

      assertEquals(List.of("k1", "k2"), List.copyOf(ring.keyIds()));
      assertEquals(List.of("k1", "k2", "k3"), List.copyOf(ring.withKey("k3", SECRET_3).keyIds()));
    }

    @Test
    void theOptInLogsAWarningNamingThePublishedKeys() {
      PrintStream original = System.err;
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
      try {
        KeyRing.builder().allowPublishedKeysForTesting().addKey("k1", VECTOR_K1).addKey("k2", SECRET_2).build();
      } finally {
        System.setErr(original);
      }

      String line = log.toString(StandardCharsets.UTF_8);
      assertTrue(line.contains("WARN") && line.contains("FOR TESTS ONLY") && line.contains("[k1]"), line);
      assertNoSecret(line, VECTOR_K1, SECRET_2);
    }

    @Test
    void theOptInStillRefusesShortSecrets() {
      KeyRing.Builder builder = KeyRing.builder().allowPublishedKeysForTesting();

      assertThrows(IllegalArgumentException.class, () -> builder.addKey("k1", Arrays.copyOf(VECTOR_K1, 16)));
    }

    @Test
    void addKeysReadsTheTextFormIntoABuilder() {
      KeyRing ring = KeyRing.builder().allowPublishedKeysForTesting()
          .addKeys("k2:" + Base64.getUrlEncoder().withoutPadding().encodeToString(VECTOR_K2) + ",k1:" + S1).build();

      assertEquals(Optional.of("k2"), ring.signingKeyId());
      assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().addKeys("# nothing\n"));
    }
  }

  @Nested
  class Building {
    @Test
    void firstKeyAddedSigns() {
      assertEquals(Optional.of("k1"), ring12().signingKeyId());
    }

    @Test
    void signWithChoosesTheSigningKey() {
      KeyRing ring = KeyRing.builder().addKey("k1", SECRET_1).addKey("k2", SECRET_2).signWith("k2").build();

      assertEquals(Optional.of("k2"), ring.signingKeyId());
      assertEquals("k2", envelope(codec(ring).encode(everyField())).getKeyId());
    }

    @Test
    void signWithAnUnknownKeyIsRefusedAtBuild() {
      KeyRing.Builder b = KeyRing.builder().addKey("k1", SECRET_1).signWith("k9");

      assertThrows(IllegalArgumentException.class, b::build);
    }

    @Test
    void ringWithoutKeysIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().build());
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
      KeyRing.Builder b = KeyRing.builder();

      assertThrows(IllegalArgumentException.class, () -> b.addKey("k1", Arrays.copyOf(SECRET_1, 31)));
      b.addKey("k1", Arrays.copyOf(SECRET_1, 32));
    }

    @Test
    void copiesTheSecret() {
      byte[] secret = SECRET_1.clone();
      KeyRing ring = KeyRing.builder().addKey("k1", secret).build();

      Arrays.fill(secret, (byte) 0);

      assertSameSecret(ring(), ring);
    }

    @Test
    void keyIdsCannotBeModified() {
      assertThrows(UnsupportedOperationException.class, () -> ring().keyIds().add("k9"));
    }
  }

  @Nested
  class Rotation {
    @Test
    void withKeyAddsAVerificationKeyAndKeepsTheSigner() {
      KeyRing before = ring();

      KeyRing after = before.withKey("k2", SECRET_2);

      assertEquals(List.of("k1", "k2"), List.copyOf(after.keyIds()));
      assertEquals(Optional.of("k1"), after.signingKeyId());
      assertEquals(List.of("k1"), List.copyOf(before.keyIds()));
    }

    @Test
    void withKeyRefusesAnIdAlreadyHeld() {
      assertThrows(IllegalArgumentException.class, () -> ring().withKey("k1", SECRET_2));
    }

    @Test
    void signingWithSwitchesTheSigner() {
      KeyRing ring = ring12().signingWith("k2");

      assertEquals(Optional.of("k2"), ring.signingKeyId());
      assertEquals(List.of("k1", "k2"), List.copyOf(ring.keyIds()));
    }

    @Test
    void signingWithAnUnknownKeyIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> ring().signingWith("k2"));
    }

    @Test
    void withoutRetiresAVerificationKey() {
      KeyRing ring = ring12().signingWith("k2").without("k1");

      assertEquals(List.of("k2"), List.copyOf(ring.keyIds()));
      assertEquals(Optional.of("k2"), ring.signingKeyId());
    }

    @Test
    void withoutRefusesToRetireTheSigningKey() {
      assertThrows(IllegalArgumentException.class, () -> ring12().without("k1"));
    }

    @Test
    void withoutRefusesAnUnknownKey() {
      assertThrows(IllegalArgumentException.class, () -> ring12().without("k9"));
    }
  }

  @Nested
  class Text {
    @Test
    void toStringNamesSignerAndIdsButNeverSecrets() {
      KeyRing ring = KeyRing.parse("k2:" + S2 + ",k1:" + S1);

      String text = ring.toString();

      assertTrue(text.contains("signer=k2") && text.contains("k1"), text);
      assertNoSecret(text, SECRET_1, SECRET_2);
      assertFalse(text.contains(S1) || text.contains(S2), text);
    }

    @Test
    void insecureDevelopmentModeSaysSo() {
      KeyRing ring = KeyRing.insecureDevelopmentMode();

      assertTrue(ring.isInsecureDevelopmentMode());
      assertEquals(Optional.empty(), ring.signingKeyId());
      assertTrue(ring.keyIds().isEmpty());
      assertTrue(ring.toString().contains("INSECURE"), ring.toString());
    }

    @Test
    void aKeyRingIsItsOwnKeySource() {
      KeyRing ring = ring();

      assertEquals(ring, ring.keyRing());
    }
  }
}
