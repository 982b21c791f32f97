package io.chainmesh.cli;

import io.chainmesh.core.KeyRing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/** Runs chain-cli in-process and captures what it printed. */
final class Cli {
  /** What one run did: its exit code, stdout and stderr. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    return run("", Map.of(), args);
  }

  static Run withStdin(String stdin, String... args) {
    return run(stdin, Map.of(), args);
  }

  static Run withEnv(Map<String, String> env, String... args) {
    return run("", env, args);
  }

  static Run run(String stdin, Map<String, String> env, String... args) {
    return capture((o, e) -> ChainCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        o, e, env));
  }

  /**
   * Runs with key rings that accept the keys chainmesh publishes, for the tests that decode the
   * published test vectors; the command line itself has no such switch.
   */
  static Run withPublishedKeysForTesting(String... args) {
    return capture((o, e) -> ChainCli.run(args, new Terminal(InputStream.nullInputStream(), o, e, name -> null,
        () -> KeyRing.builder().allowPublishedKeysForTesting())));
  }

  private static Run capture(ToIntBiFunction<PrintStream, PrintStream> command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int exit = command.applyAsInt(o, e);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }
}
