package io.chainmesh.cli;

/**
 * One option a command accepts: {@code --name} alone (a flag) or followed by a value, given once
 * or, if {@code repeatable}, several times.
 *
 * @param name the name without the leading {@code --}
 * @param valueName what the value is, for help ({@code file}, {@code id:secret}); null for a flag
 * @param repeatable whether the option may be given more than once
 * @param help one line for the command's help
 */
record Option(String name, String valueName, boolean repeatable, String help) {
  static Option flag(String name, String help) {
    return new Option(name, null, false, help);
  }

  static Option value(String name, String valueName, String help) {
    return new Option(name, valueName, false, help);
  }

  static Option repeated(String name, String valueName, String help) {
    return new Option(name, valueName, true, help);
  }

  boolean takesValue() {
    return valueName != null;
  }

  /** {@code --name value} as it appears in help. */
  String synopsis() {
    return "--" + name + (takesValue() ? " " + valueName : "");
  }
}
