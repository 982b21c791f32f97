package io.chainmesh.core.internal.commandline;

import java.util.Objects;

/**
 * One option a program accepts: {@code --name} alone (a flag) or followed by a value, given once
 * or, if {@code repeatable}, several times.
 *
 * @param name the name without the leading {@code --}
 * @param valueName what the value is, for help ({@code file}, {@code id:secret}); null for a flag
 * @param repeatable whether the option may be given more than once
 * @param help what it does, for help; a line break starts a continuation line
 */
public record Option(String name, String valueName, boolean repeatable, String help) {
  /** Checks the name and the help. */
  public Option {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
  }

  /** A flag: {@code --name}, no value. */
  public static Option flag(String name, String help) {
    return new Option(name, null, false, help);
  }

  /** An option with a value, given at most once. */
  public static Option value(String name, String valueName, String help) {
    return new Option(name, valueName, false, help);
  }

  /** An option with a value, given any number of times. */
  public static Option repeated(String name, String valueName, String help) {
    return new Option(name, valueName, true, help);
  }

  /** Whether a value follows the name. */
  public boolean takesValue() {
    return valueName != null;
  }

  /** {@code --name value} as it appears in help. */
  public String synopsis() {
    return "--" + name + (takesValue() ? " " + valueName : "");
  }
}
