package io.chainmesh.cli;

import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.util.List;

/** One {@code chain-cli} command: what it is called, how it is used, and what it does. */
interface Command {
  /** The name typed after {@code chain-cli}. */
  String name();

  /** One line for the list of commands. */
  String summary();

  /** The synopsis after {@code chain-cli }, e.g. {@code decode <header-value | -> [options]}. */
  String synopsis();

  /** What the command does, for its help: a few lines. */
  String description();

  /** The options it accepts ({@code --help} is always accepted). */
  List<Option> options();

  /** Example invocations, for its help. */
  List<String> examples();

  /**
   * Runs the command.
   *
   * @return the exit code
   * @throws UsageException for a mistake on the command line
   * @throws IOException when a file or standard input cannot be read
   */
  ExitCode run(CommandLine args, Terminal terminal) throws UsageException, IOException;
}
