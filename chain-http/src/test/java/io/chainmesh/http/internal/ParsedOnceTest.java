package io.chainmesh.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsed values are kept per key, within a bound; a refusal to parse is never kept. */
class ParsedOnceTest {
  private final List<String> parsed = new ArrayList<>();

  private ParsedOnce<String, Object> memo(int capacity) {
    return new ParsedOnce<>(text -> {
      parsed.add(text);
      return text.startsWith("bad") ? null : new Object();
    }, capacity);
  }

  @Test
  void parsesEachKeyOnceAndReturnsTheSameValue() {
    ParsedOnce<String, Object> memo = memo(8);

    Object first = memo.get("http://a/");
    Object again = memo.get("http://a/");
    memo.get("http://b/");

    assertSame(first, again);
    assertEquals(List.of("http://a/", "http://b/"), parsed);
  }

  @Test
  void startsOverPastItsCapacityInsteadOfGrowing() {
    ParsedOnce<String, Object> memo = memo(2);
    memo.get("a");
    memo.get("b");

    memo.get("c");
    memo.get("a");

    assertEquals(List.of("a", "b", "c", "a"), parsed);
  }

  @Test
  void aValueThatDoesNotParseIsParsedAgainNextTime() {
    ParsedOnce<String, Object> memo = memo(8);

    assertNull(memo.get("bad type"));
    assertNull(memo.get("bad type"));

    assertEquals(List.of("bad type", "bad type"), parsed);
  }
}
