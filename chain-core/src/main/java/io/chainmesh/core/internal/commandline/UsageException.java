package io.chainmesh.core.internal.commandline;

/** A mistake on a command line; the message names the option or argument at fault. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A mistake, said in {@code message}. */
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
