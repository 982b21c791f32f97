package io.chainmesh.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command's arguments, parsed once against the options it declares: positional arguments in
 * order, and option values by name. Accepts {@code --name value}, {@code --name=value}, {@code -h}
 * for {@code --help}, {@code -} as a positional (standard input) and {@code --} to end options.
 * Every mistake is a {@link UsageException} that names the option.
 */
final class Arguments {
  static final Option HELP = Option.flag("help", "show this help");

  private final List<String> positionals;
  private final Map<String, List<String>> values;

  private Arguments(List<String> positionals, Map<String, List<String>> values) {
    this.positionals = positionals;
    this.values = values;
  }

  static Arguments parse(List<Option> options, List<String> args) throws UsageException {
    Map<String, Option> byName = new LinkedHashMap<>();
    byName.put(HELP.name(), HELP);
    options.forEach(o -> byName.put(o.name(), o));
    List<String> positionals = new ArrayList<>();
    Map<String, List<String>> values = new LinkedHashMap<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
        positionals.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unknown option " + arg + " (options are spelled --name)" + didYouMean(arg, byName.keySet()));
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option option = byName.get(name);
      if (option == null) {
        throw new UsageException("unknown option --" + name + didYouMean(name, byName.keySet()));
      }
      String value;
      if (option.takesValue()) {
        if (inline != null) {
          value = inline;
        } else if (i + 1 < args.size() && !looksLikeOption(args.get(i + 1))) {
          value = args.get(++i);
        } else {
          throw new UsageException("option --" + name + " needs a value: " + option.synopsis());
        }
      } else if (inline != null) {
        throw new UsageException("option --" + name + " takes no value");
      } else {
        value = "";
      }
      List<String> given = values.computeIfAbsent(name, n -> new ArrayList<>());
      if (!given.isEmpty() && !option.repeatable()) {
        throw new UsageException("option --" + name + " is given more than once");
      }
      given.add(value);
    }
    return new Arguments(List.copyOf(positionals), values);
  }

  /** Whether {@code --help} (or {@code -h}) was given. */
  boolean helpRequested() {
    return values.containsKey(HELP.name());
  }

  /** Whether the option was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The option's value, if given. */
  Optional<String> value(String name) {
    List<String> given = values.get(name);
    return given == null ? Optional.empty() : Optional.of(given.get(0));
  }

  /** Every value of a repeatable option, in order; empty if not given. */
  List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  /**
   * The command's positional arguments, checked against the names the command expects: every
   * required one present, none extra.
   */
  List<String> positionals(int required, String... names) throws UsageException {
    if (positionals.size() < required) {
      throw new UsageException("missing " + names[positionals.size()]);
    }
    if (positionals.size() > names.length) {
      String extra = positionals.get(names.length);
      throw new UsageException("unexpected argument " + Excerpts.quote(extra)
          + (names.length == 0 ? "" : " after " + String.join(" ", names)));
    }
    return positionals;
  }

  private static boolean looksLikeOption(String arg) {
    return arg.startsWith("--") && arg.length() > 2;
  }

  /** " (did you mean --x?)" for a near miss, or nothing. */
  static String didYouMean(String given, Collection<String> names) {
    String bare = given.replaceFirst("^-+", "");
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : names) {
      int d = name.startsWith(bare) && !bare.isEmpty() ? 1 : distance(bare, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= 2 ? " (did you mean --" + best + "?)" : "";
  }

  /** Levenshtein distance, for suggestions only. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
