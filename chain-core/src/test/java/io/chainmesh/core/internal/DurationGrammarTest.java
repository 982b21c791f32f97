package io.chainmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar of the catalogue, the edge's command line and chain-cli's. */
class DurationGrammarTest {
  @Test
  void readsAWholeNumberAndAUnitWithOrWithoutOneSpace() {
    assertEquals(Duration.ofMillis(250), DurationGrammar.parse("250ms"));
    assertEquals(Duration.ofMillis(250), DurationGrammar.parse("250 ms"));
    assertEquals(Duration.ofSeconds(5), DurationGrammar.parse("5s"));
    assertEquals(Duration.ofSeconds(5), DurationGrammar.parse("5 s"));
    assertEquals(Duration.ofMinutes(2), DurationGrammar.parse("2m"));
    assertEquals(Duration.ofMinutes(2), DurationGrammar.parse("2 min"));
    assertEquals(Duration.ofHours(1), DurationGrammar.parse("1h"));
    assertEquals(Duration.ofSeconds(5), DurationGrammar.parse("  5s\n"));
  }

  @Test
  void readsIso8601WithoutASign() {
    assertEquals(Duration.ofSeconds(5), DurationGrammar.parse("PT5S"));
    assertEquals(Duration.ofSeconds(5), DurationGrammar.parse("pt5s"));
    assertEquals(Duration.ofMillis(250), DurationGrammar.parse("PT0.25S"));
    assertEquals(Duration.ofMinutes(90), DurationGrammar.parse("PT1H30M"));
    assertEquals(Duration.ofDays(1), DurationGrammar.parse("P1D"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "s", "5", "5  s", "5\ts", "5 seconds", "5S", "5M", "1.5s", "-5s", "+5s",
      "PT-5S", "-PT5S", "P", "PT", "5s5s", "1234567890s", "\uff15s", "P106751991167301D"})
  void refusesEverythingElseSayingWhatToWrite(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationGrammar.parse(text));
    assertEquals(Excerpt.of(text) + " is not a duration; write a whole number and a unit (ms, s, m or min, h),"
        + " like 250ms, 5s or 5 s, or ISO-8601 like PT5S", e.getMessage());
  }

  @Test
  void refusesLongTextWithoutEchoingItWhole() {
    String text = "5" + " ".repeat(100) + "s";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationGrammar.parse(text));
    assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
    assertFalse(e.getMessage().contains(text), e.getMessage());
  }

  @Test
  void refusesMoreThanTheIntegerFormCanWrite() {
    assertEquals(Duration.ofHours(999_999_999), DurationGrammar.parse("999999999h"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DurationGrammar.parse("PT1000000000H"));
    assertEquals("\"PT1000000000H\" is longer than 999999999h, the longest duration", e.getMessage());
  }

  @Test
  void zeroIsADurationButNotAPositiveOne() {
    assertEquals(Duration.ZERO, DurationGrammar.parse("0s"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DurationGrammar.parsePositive("0 ms"));
    assertEquals("must be longer than 0, was \"0 ms\"", e.getMessage());
    assertEquals(Duration.ofMillis(1), DurationGrammar.parsePositive("1ms"));
  }

  @Test
  void formatWritesTextTheGrammarReadsBack() {
    for (Duration d : new Duration[] {Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofMinutes(10),
        Duration.ofMillis(61_001)}) {
      assertEquals(d, DurationGrammar.parse(DurationGrammar.format(d)), DurationGrammar.format(d));
    }
    assertEquals("5s", DurationGrammar.format(Duration.ofSeconds(5)));
    assertEquals("250ms", DurationGrammar.format(Duration.ofMillis(250)));
  }
}
