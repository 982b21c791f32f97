package io.chainmesh.cli;

/** A mistake on the command line: reported with the command's usage, exit code 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message, null, false, false);
  }
}
