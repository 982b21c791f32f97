package io.chainmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void quotesShortInputWhole() {
    assertEquals("\"pricing\"", Excerpt.of("pricing"));
  }

  @Test
  void quotesInputOfExactlyTheCapWithoutEllipsis() {
    String input = "x".repeat(Excerpt.MAX_CHARS);

    assertEquals("\"" + input + "\"", Excerpt.of(input));
  }

  @Test
  void capsLongerInputAndMarksTheCut() {
    String input = "x".repeat(Excerpt.MAX_CHARS) + "SECRET-TAIL";

    assertEquals("\"" + "x".repeat(Excerpt.MAX_CHARS) + "\"...", Excerpt.of(input));
  }

  @Test
  void escapesQuotesAndBackslashes() {
    assertEquals("\"a\\\"b\\\\c\"", Excerpt.of("a\"b\\c"));
  }

  @Test
  void escapesControlAndNonAsciiCharacters() {
    assertEquals("\"a\\u000d\\u000ab\\u00e9\\u2028\\u007f\"", Excerpt.of("a\r\nb\u00e9\u2028\u007f"));
  }
}
