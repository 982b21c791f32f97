package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a whole: help, version, and how mistakes are reported (exit code 2 and 3). */
class ChainCliTest {
  @TempDir
  Path dir;

  @Test
  void noArgumentsPrintsTheOverviewOnStderrAndExitsWithUsage() {
    Cli.Run run = Cli.run();
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("usage: chain-cli <command>"), run.toString());
    assertEquals("", run.out());
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
      Cli.Run run = Cli.run(args);
      assertEquals(0, run.exit(), run.toString());
      for (String command : List.of("decode", "sign", "send", "keygen")) {
        assertTrue(run.out().contains("  " + command + " "), command + " in\n" + run.out());
      }
      assertTrue(run.out().contains("exit codes: 0 ok; 1 refused"), run.out());
    }
  }

  @Test
  void everyCommandHasHelpWithOptionsExamplesAndExitCodes() {
    for (String command : List.of("decode", "sign", "send", "keygen")) {
      for (Cli.Run run : List.of(Cli.run(command, "--help"), Cli.run(command, "-h"), Cli.run("help", command))) {
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("usage: chain-cli " + command), run.out());
        assertTrue(run.out().contains("options:"), run.out());
        assertTrue(run.out().contains("-h, --help"), run.out());
        assertTrue(run.out().contains("examples:\n  chain-cli " + command), run.out());
        assertTrue(run.out().contains("exit codes:"), run.out());
      }
    }
  }

  @Test
  void helpWinsOverMissingArguments() {
    Cli.Run run = Cli.run("send", "--help");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("--chain json-file"), run.out());
  }

  @Test
  void versionIsPrinted() {
    Cli.Run run = Cli.run("--version");
    assertEquals(0, run.exit());
    assertTrue(run.out().startsWith("chain-cli "), run.out());
  }

  @Test
  void unknownCommandSuggestsTheNearestOne() {
    Cli.Run run = Cli.run("decod", "x");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("unknown command \"decod\" (did you mean decode?)"), run.err());
  }

  @Test
  void unknownOptionSuggestsTheNearestOneAndShowsUsage() {
    Cli.Run run = Cli.run("decode", "abc", "--keysfile", "k.txt");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("chain-cli decode: unknown option --keysfile (did you mean --keys-file?)"), run.err());
    assertTrue(run.err().contains("usage: chain-cli decode <header-value | ->"), run.err());
    assertTrue(run.err().contains("run 'chain-cli decode --help'"), run.err());
  }

  @Test
  void singleDashOptionsAreRefusedWithTheirLongSpelling() {
    Cli.Run run = Cli.run("keygen", "-bytes", "32");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("unknown option -bytes (options are spelled --name) (did you mean --bytes?)"),
        run.err());
  }

  @Test
  void missingPositionalIsNamed() {
    Cli.Run run = Cli.run("decode");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("chain-cli decode: missing <header-value | ->"), run.err());
  }

  @Test
  void extraPositionalIsRefused() {
    Cli.Run run = Cli.run("decode", "abc", "def");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("unexpected argument \"def\""), run.err());
  }

  @Test
  void optionWithoutItsValueIsRefused() {
    Cli.Run end = Cli.run("decode", "abc", "--keys-file");
    assertEquals(2, end.exit());
    assertTrue(end.err().contains("option --keys-file needs a value: --keys-file file"), end.err());
    Cli.Run followedByOption = Cli.run("decode", "abc", "--now", "--skew", "1s");
    assertEquals(2, followedByOption.exit());
    assertTrue(followedByOption.err().contains("option --now needs a value"), followedByOption.err());
  }

  @Test
  void flagWithValueAndRepeatedSingleOptionsAreRefused() {
    Cli.Run flag = Cli.run("decode", "abc", "--route=yes");
    assertEquals(2, flag.exit());
    assertTrue(flag.err().contains("option --route takes no value"), flag.err());
    Cli.Run twice = Cli.run("decode", "abc", "--now", "2026-01-01T00:00:00Z", "--now=2026-01-01T00:00:00Z");
    assertEquals(2, twice.exit());
    assertTrue(twice.err().contains("option --now is given more than once"), twice.err());
  }

  @Test
  void keysFromTwoSourcesAreRefused() {
    Cli.Run run = Cli.run("decode", "abc", "--key", TestKeys.T1, "--keys-env", "CHAIN_KEYS");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("give keys one way"), run.err());
  }

  @Test
  void badKeyTextIsAUsageErrorThatNeverEchoesTheSecret() {
    Cli.Run run = Cli.run("decode", "abc", "--key", "k1:dG9vLXNob3J0");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--key: key ring text: entry 1: key k1 has 9 bytes"), run.err());
    assertFalse(run.err().contains("dG9vLXNob3J0"), run.err());
  }

  @Test
  void unsetKeysEnvIsNamed() {
    Cli.Run run = Cli.run("decode", "abc", "--keys-env", "NO_SUCH_VARIABLE");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("environment variable NO_SUCH_VARIABLE is not set"), run.err());
  }

  @Test
  void badDurationsAndInstantsAreExplained() {
    Cli.Run skew = Cli.run("decode", "abc", "--skew", "5 parsecs");
    assertEquals(2, skew.exit());
    assertTrue(skew.err().contains("--skew \"5 parsecs\" is not a duration; write a whole number and a unit"
        + " (ms, s, m or min, h), like 250ms, 5s or 5 s, or ISO-8601 like PT5S"), skew.err());
    Cli.Run tooMuch = Cli.run("decode", "abc", "--skew", "6m");
    assertEquals(2, tooMuch.exit());
    assertTrue(tooMuch.err().contains("--skew may be at most 5 min 0 s"), tooMuch.err());
    Cli.Run now = Cli.run("decode", "abc", "--now", "yesterday");
    assertEquals(2, now.exit());
    assertTrue(now.err().contains("--now \"yesterday\" is not an ISO-8601 instant"), now.err());
  }

  @Test
  void durationsFollowTheCatalogueGrammar() {
    for (String skew : List.of("5 s", "5s", "PT5S", "2 min")) {
      Cli.Run run = Cli.run("decode", "abc", "--skew=" + skew);
      assertEquals(1, run.exit(), run.toString()); // the options were read; the header is refused
    }
    Cli.Run upperCase = Cli.run("decode", "abc", "--skew", "5S");
    assertEquals(2, upperCase.exit(), upperCase.toString());
    assertTrue(upperCase.err().contains("--skew \"5S\" is not a duration"), upperCase.err());
    Cli.Run help = Cli.run("decode", "--help");
    assertTrue(help.out().contains("a duration is a whole number and a unit (ms, s, m or min, h)"), help.out());
  }

  @Test
  void unreadableFilesExitWithIoError() throws IOException {
    Cli.Run missing = Cli.run("sign", dir.resolve("nope.json").toString(), "--key", TestKeys.T1);
    assertEquals(3, missing.exit(), missing.toString());
    assertTrue(missing.err().startsWith("error: cannot read "), missing.err());
    assertTrue(missing.err().contains("nope.json: no such file"), missing.err());

    Cli.Run keyFile = Cli.run("decode", "abc", "--keys-file", dir.resolve("keys.txt").toString());
    assertEquals(3, keyFile.exit(), keyFile.toString());
    assertTrue(keyFile.err().contains("cannot read the key file"), keyFile.err());

    Files.createDirectory(dir.resolve("a-directory"));
    Cli.Run directory = Cli.run("sign", dir.resolve("a-directory").toString(), "--key", TestKeys.T1);
    assertEquals(3, directory.exit(), directory.toString());
    assertTrue(directory.err().contains("it is a directory"), directory.err());
  }

  @Test
  void doubleDashEndsOptions() {
    // '-' is in the base64url alphabet, so a header value may start with it; "--" makes it a positional.
    Cli.Run run = Cli.run("decode", "--", "-abc");
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().startsWith("error: descriptor.malformed: "), run.err());
  }
}
