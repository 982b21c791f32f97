package io.chainmesh.cli;

/** The process exit codes of {@code chain-cli}; documented in every command's help. */
enum ExitCode {
  /** The command did what was asked. */
  OK(0),
  /** A descriptor or a chain was refused, or failed, with a reason code (printed on stderr). */
  REFUSED(1),
  /** The command line is wrong: unknown command or option, missing or bad argument, bad key text. */
  USAGE(2),
  /** A file or standard input could not be read. */
  IO(3);

  /** The one-paragraph explanation shown in help. */
  static final String HELP = "exit codes: 0 ok; 1 refused or failed with a reason code; 2 usage error; 3 I/O error";

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }
}
