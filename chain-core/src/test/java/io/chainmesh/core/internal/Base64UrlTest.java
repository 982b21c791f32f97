package io.chainmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base64UrlTest {

  private static ChainException refusedAt(String text, int offset) {
    ChainException e = assertThrows(ChainException.class, () -> Base64Url.decode(text));
    assertEquals(Reason.DESCRIPTOR_MALFORMED, e.reason(), e.getMessage());
    assertEquals(OptionalInt.of(offset), e.offset(), e.getMessage());
    return e;
  }

  /** RFC 4648 §10, without the padding base64url-without-padding drops. */
  @ParameterizedTest
  @CsvSource(value = {"'',''", "f,Zg", "fo,Zm8", "foo,Zm9v", "foob,Zm9vYg", "fooba,Zm9vYmE", "foobar,Zm9vYmFy"})
  void encodesAndDecodesTheRfc4648TestVectors(String plain, String encoded) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

    assertEquals(encoded, Base64Url.encode(bytes));
    assertArrayEquals(bytes, Base64Url.decode(encoded));
  }

  @Test
  void usesTheUrlSafeAlphabet() {
    byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};

    assertEquals("-_-_", Base64Url.encode(bytes));
    assertArrayEquals(bytes, Base64Url.decode("-_-_"));
  }

  @Test
  void agreesWithTheJdkForEveryLengthUpTo64() {
    Random random = new Random(4648);
    for (int n = 0; n <= 64; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

      assertEquals(expected, Base64Url.encode(bytes));
      assertArrayEquals(bytes, Base64Url.decode(expected));
    }
  }

  @Test
  void refusesNonZeroTrailingBitsAfterOneByte() {
    assertArrayEquals(new byte[] {'f'}, Base64Url.decode("Zg"));

    refusedAt("Zh", 1);
    refusedAt("Zv", 1);
  }

  @Test
  void refusesNonZeroTrailingBitsAfterTwoBytes() {
    assertArrayEquals(new byte[] {'f', 'o'}, Base64Url.decode("Zm8"));

    ChainException e = refusedAt("Zm9", 2);
    assertTrue(e.detail().contains("non-canonical"), e.detail());
  }

  @Test
  void refusesPaddingAtItsOffset() {
    ChainException e = refusedAt("Zg==", 2);
    assertTrue(e.detail().contains("padding"), e.detail());

    refusedAt("Zm8=", 3);
    refusedAt("Zm9vYg==", 6);
  }

  @Test
  void refusesTheStandardAlphabetsPlusAndSlash() {
    ChainException plus = refusedAt("ab+d", 2);
    assertTrue(plus.detail().contains("standard base64"), plus.detail());

    refusedAt("abc/", 3);
  }

  @Test
  void refusesLengthThatCannotEncodeWholeBytes() {
    ChainException e = refusedAt("Zm9vY", 4);
    assertTrue(e.detail().contains("impossible"), e.detail());

    refusedAt("A", 0);
  }

  @Test
  void refusesWhitespaceAndNonAsciiAtTheirOffset() {
    refusedAt("Zm 9vY", 2);
    refusedAt("Zm9v\nA", 4);
    refusedAt("Zm9\u00e9", 3);
    refusedAt("Zm9\u0100", 3);
  }

  @Test
  void emptyTextIsNoBytes() {
    assertEquals(0, Base64Url.decode("").length);
    assertEquals("", Base64Url.encode(new byte[0]));
  }

  @Test
  void encodesInPlaceExactlyAsTheJdkForEveryLengthUpTo300() {
    Random random = new Random(7);
    for (int n = 0; n <= 300; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      byte[] buf = new byte[Base64Url.encodedLength(n)];
      random.nextBytes(buf); // whatever lies before the input is overwritten
      System.arraycopy(bytes, 0, buf, buf.length - n, n);

      assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
          Base64Url.encodeInPlace(buf, buf.length - n, n), "length " + n);
    }
  }

  @Test
  void decodesInPlaceIntoThePrefixOfTheTextsArrayForEveryLengthUpTo300() {
    Random random = new Random(11);
    for (int n = 0; n <= 300; n++) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      String text = Base64Url.encode(bytes);

      byte[] buf = Base64Url.decodeInPlace(text);

      assertEquals(text.length(), buf.length);
      assertEquals(n, Base64Url.decodedLength(text.length()));
      assertArrayEquals(bytes, java.util.Arrays.copyOf(buf, n), "length " + n);
    }
  }

  @ParameterizedTest
  @CsvSource(value = {"Zg==", "Zh", "Zm9", "Zm8=", "Z", "Zm9v+g", "Zm9v/w", "Zm9v Yg", "Zm9v\u00e9g", "Zm9v\u0141g"})
  void decodingInPlaceAnswersNullForAnythingButCanonicalText(String text) {
    assertNull(Base64Url.decodeInPlace(text), text);
  }

  @Test
  void decodingInPlaceAnswersNullForASurrogatePairInsteadOfReadingPastTheBytes() {
    // One code point, two chars, one byte in ISO-8859-1: the array is shorter than the text.
    assertNull(Base64Url.decodeInPlace("Zm9v\uD83D\uDE00g"));
    assertNull(Base64Url.decodeInPlace("\uBB3A\uD83D\uDE00\u19B8"));
  }

  @Test
  void referenceDecoderRefusesASurrogatePairNamingItsOffset() {
    ChainException e = assertThrows(ChainException.class, () -> Base64Url.decode("Zm9v\uD83D\uDE00g"));
    assertEquals(Reason.DESCRIPTOR_MALFORMED, e.reason());
    assertEquals(4, e.offset().getAsInt());
  }
}
