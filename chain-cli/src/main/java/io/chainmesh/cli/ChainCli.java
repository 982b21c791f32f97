package io.chainmesh.cli;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.DurationGrammar;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code chain-cli} command line: {@code decode}, {@code sign}, {@code send} and
 * {@code keygen}. What a developer reaches for when a hop refuses a request and they want to know
 * why: every refusal is printed as {@code error: <reason.code>: <detail> (at <where>)}, with the
 * same stable reason codes as the library, and hints.
 *
 * <p>Exit codes: 0 ok; 1 refused or failed with a reason code; 2 usage error; 3 I/O error.
 */
public final class ChainCli {
  private static final Map<String, Command> COMMANDS = commands(
      new DecodeCommand(), new SignCommand(), new SendCommand(), new KeygenCommand());

  private ChainCli() {}

  /**
   * Runs a command and exits with its exit code; 70 (EX_SOFTWARE) with the stack trace for an
   * unexpected exception, which is a bug of chain-cli, so that exit code 1 keeps meaning "refused".
   */
  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err);
    } catch (RuntimeException | Error e) {
      System.err.println("chain-cli: internal error, please report it with this trace:");
      e.printStackTrace(System.err);
      code = 70;
    }
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs a command in-process, reading standard input from {@code System.in} and the environment
   * from {@code System.getenv}.
   *
   * @return the exit code: 0 ok; 1 refused or failed with a reason code; 2 usage error; 3 I/O error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, new Terminal(System.in, out, err, System::getenv, KeyRing::builder));
  }

  /** Runs a command with the given standard input and environment. */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    return run(args, Terminal.of(in, out, err, Map.copyOf(env)));
  }

  static int run(String[] args, Terminal terminal) {
    List<String> arguments = Arrays.asList(args);
    if (arguments.isEmpty()) {
      printOverview(terminal.err());
      return ExitCode.USAGE.code();
    }
    String first = arguments.get(0);
    switch (first) {
      case "-h", "--help" -> {
        printOverview(terminal.out());
        return ExitCode.OK.code();
      }
      case "help" -> {
        return help(arguments.subList(1, arguments.size()), terminal);
      }
      case "--version" -> {
        terminal.out().println("chain-cli " + version());
        return ExitCode.OK.code();
      }
      default -> {
        // a command
      }
    }
    Command command = COMMANDS.get(first);
    if (command == null) {
      terminal.err().println("chain-cli: unknown command " + Excerpts.quote(first) + suggestion(first));
      terminal.err().println("commands: " + String.join(", ", COMMANDS.keySet()) + "; run 'chain-cli --help'");
      return ExitCode.USAGE.code();
    }
    try {
      CommandLine parsed = CommandLine.parse(command.options(), arguments.subList(1, arguments.size()));
      if (parsed.helpRequested()) {
        printHelp(command, terminal.out());
        return ExitCode.OK.code();
      }
      return command.run(parsed, terminal).code();
    } catch (UsageException e) {
      terminal.err().println("chain-cli " + command.name() + ": " + e.getMessage());
      terminal.err().println("usage: chain-cli " + command.synopsis());
      terminal.err().println("run 'chain-cli " + command.name() + " --help' for details");
      return ExitCode.USAGE.code();
    } catch (IOException e) {
      terminal.err().println("error: " + e.getMessage());
      return ExitCode.IO.code();
    } catch (UncheckedIOException e) {
      terminal.err().println("error: " + e.getCause().getMessage());
      return ExitCode.IO.code();
    } catch (ChainException e) {
      terminal.err().println("error: " + e.getMessage());
      return ExitCode.REFUSED.code();
    }
  }

  private static int help(List<String> topics, Terminal terminal) {
    if (topics.isEmpty()) {
      printOverview(terminal.out());
      return ExitCode.OK.code();
    }
    Command command = COMMANDS.get(topics.get(0));
    if (command == null) {
      terminal.err().println("chain-cli help: unknown command " + Excerpts.quote(topics.get(0)) + suggestion(topics.get(0)));
      return ExitCode.USAGE.code();
    }
    printHelp(command, terminal.out());
    return ExitCode.OK.code();
  }

  private static void printOverview(PrintStream out) {
    out.println("chain-cli " + version() + ": decode, verify, sign and send chainmesh chain descriptors");
    out.println();
    out.println("usage: chain-cli <command> [arguments] [options]");
    out.println();
    out.println("commands:");
    int width = COMMANDS.keySet().stream().mapToInt(String::length).max().orElse(0);
    COMMANDS.values().forEach(c -> out.println("  " + pad(c.name(), width) + "  " + c.summary()));
    out.println();
    out.println("Run 'chain-cli <command> --help' for a command's options and examples.");
    out.println("Keys are key ring text, as in CHAIN_KEYS: id:base64url-secret, comma-separated, the first signs.");
    out.println("Durations are " + DurationGrammar.SUMMARY + ", as in the edge's catalogue.");
    out.println(ExitCode.HELP);
  }

  static void printHelp(Command command, PrintStream out) {
    out.println("usage: chain-cli " + command.synopsis());
    out.println();
    command.description().lines().forEach(line -> out.println(line.isEmpty() ? "" : "  " + line));
    out.println();
    out.println("options:");
    CommandLine.describe(command.options()).forEach(out::println);
    if (command.options().stream().anyMatch(o -> "duration".equals(o.valueName()))) {
      out.println("  a duration is " + DurationGrammar.SUMMARY);
    }
    out.println();
    out.println("examples:");
    command.examples().forEach(e -> out.println("  " + e));
    out.println();
    out.println(ExitCode.HELP);
  }

  private static String suggestion(String given) {
    String best = null;
    int bestDistance = 3;
    for (String name : COMMANDS.keySet()) {
      int d = CommandLine.distance(given, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  private static String version() {
    String version = ChainCli.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static Map<String, Command> commands(Command... commands) {
    Map<String, Command> map = new LinkedHashMap<>();
    for (Command c : commands) {
      map.put(c.name(), c);
    }
    return map;
  }
}
