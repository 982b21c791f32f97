package io.chainmesh.core.internal.commandline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one command-line parser of chain-cli and the standalone edge: both syntaxes, and every mistake named. */
class CommandLineTest {
  private static final Option PORT = Option.value("port", "n", "port to listen on");
  private static final Option TIMEOUT = Option.value("timeout", "duration", "how long to wait");
  private static final Option KEY = Option.repeated("key", "id:secret", "a key");
  private static final Option ROUTE = Option.flag("route", "show the route");
  private static final List<Option> OPTIONS = List.of(PORT, TIMEOUT, KEY, ROUTE);

  private static CommandLine parse(String... args) throws UsageException {
    return CommandLine.parse(OPTIONS, List.of(args));
  }

  private static String mistake(String... args) {
    return assertThrows(UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void takesAValueAfterASpaceOrAfterAnEqualsSign() throws UsageException {
    assertEquals(Optional.of("8080"), parse("--port", "8080").value("port"));
    assertEquals(Optional.of("8080"), parse("--port=8080").value("port"));
    assertEquals(Optional.of("a=b"), parse("--port=a=b").value("port"));
    assertEquals(Optional.of(""), parse("--port=").value("port"));
  }

  @Test
  void flagsAreGivenOrNot() throws UsageException {
    assertTrue(parse("--route").has("route"));
    assertFalse(parse("--port", "1").has("route"));
  }

  @Test
  void repeatableOptionsKeepEveryValueInOrder() throws UsageException {
    assertEquals(List.of("k1:a", "k2:b", "k3:c"), parse("--key", "k1:a", "--key=k2:b", "--key", "k3:c").values("key"));
    assertEquals(List.of(), parse().values("key"));
  }

  @Test
  void positionalsKeepTheirOrderAndDoubleDashEndsOptions() throws UsageException {
    CommandLine line = parse("a", "--route", "-", "--", "--port", "-x");
    assertEquals(List.of("a", "-", "--port", "-x"), line.positionals(0, "a", "b", "c", "d"));
    assertTrue(line.has("route"));
    assertFalse(line.has("port"));
  }

  @Test
  void helpWinsOverEveryOtherMistake() throws UsageException {
    assertTrue(parse("--help").helpRequested());
    assertTrue(parse("-h").helpRequested());
    assertTrue(parse("--colour", "--port", "--help").helpRequested());
    assertFalse(parse("--", "--help").helpRequested());
  }

  @Test
  void unknownOptionIsNamedWithTheNearestKnownOne() {
    assertEquals("unknown option --prot (did you mean --port?)", mistake("--prot", "1"));
    assertEquals("unknown option --colour", mistake("--colour=blue"));
    assertEquals("unknown option -port (options are spelled --name) (did you mean --port?)", mistake("-port", "1"));
  }

  @Test
  void missingValueIsNamedAtTheEndAndBeforeAnotherOption() {
    assertEquals("option --port needs a value: --port n", mistake("--port"));
    assertEquals("option --port needs a value: --port n", mistake("--port", "--route"));
  }

  @Test
  void flagGivenAValueIsRefused() {
    assertEquals("option --route takes no value", mistake("--route=yes"));
  }

  @Test
  void singleOptionGivenTwiceIsRefusedInEitherSyntax() {
    assertEquals("option --port is given more than once", mistake("--port", "1", "--port=2"));
  }

  @Test
  void numbersAreCheckedAgainstTheirRangeNamingTheOption() throws UsageException {
    assertEquals(Optional.of(8080), parse("--port=8080").number("port", 0, 65535));
    assertEquals(Optional.empty(), parse().number("port", 0, 65535));
    assertEquals("--port must be a number from 0 to 65535, was \"http\"",
        assertThrows(UsageException.class, () -> parse("--port", "http").number("port", 0, 65535)).getMessage());
    assertEquals("--port must be a number from 0 to 65535, was \"70000\"",
        assertThrows(UsageException.class, () -> parse("--port=70000").number("port", 0, 65535)).getMessage());
  }

  @Test
  void durationsFollowTheOneGrammarNamingTheOption() throws UsageException {
    assertEquals(Optional.of(Duration.ofSeconds(5)), parse("--timeout", "5 s").duration("timeout"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), parse("--timeout=PT5S").positiveDuration("timeout"));
    assertEquals(Optional.of(Duration.ZERO), parse("--timeout=0s").duration("timeout"));
    assertEquals("--timeout \"5 parsecs\" is not a duration; write a whole number and a unit (ms, s, m or min, h),"
        + " like 250ms, 5s or 5 s, or ISO-8601 like PT5S",
        assertThrows(UsageException.class, () -> parse("--timeout", "5 parsecs").duration("timeout")).getMessage());
    assertEquals("--timeout must be longer than 0, was \"0ms\"",
        assertThrows(UsageException.class, () -> parse("--timeout=0ms").positiveDuration("timeout")).getMessage());
  }

  @Test
  void positionalsAreCheckedAgainstTheNamesExpected() throws UsageException {
    assertEquals("missing <url>",
        assertThrows(UsageException.class, () -> parse().positionals(1, "<url>")).getMessage());
    assertEquals("unexpected argument \"b\" after <url>",
        assertThrows(UsageException.class, () -> parse("a", "b").positionals(1, "<url>")).getMessage());
    assertEquals("unexpected argument \"a\"; options start with --",
        assertThrows(UsageException.class, () -> parse("a").positionals(0)).getMessage());
  }

  @Test
  void describeAlignsEveryOptionAndEndsWithHelp() {
    List<String> lines = CommandLine.describe(List.of(PORT, KEY, Option.flag("watch", "first line\nsecond line")));
    assertEquals(List.of(
        "  --port n         port to listen on",
        "  --key id:secret  a key (repeatable)",
        "  --watch          first line",
        "                   second line",
        "  -h, --help       show this help"), lines);
  }

  @Test
  void distanceIsLevenshtein() {
    assertEquals(0, CommandLine.distance("key", "key"));
    assertEquals(2, CommandLine.distance("kye", "key"));
    assertEquals(1, CommandLine.distance("keys-fil", "keys-file"));
    assertEquals(3, CommandLine.distance("", "abc"));
  }
}
