package io.chainmesh.core.internal.commandline;

import io.chainmesh.core.internal.DurationGrammar;
import io.chainmesh.core.internal.Excerpt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A program's arguments, parsed once against the {@link Option}s it declares: positional arguments
 * in order, and option values by name. Accepts {@code --name value}, {@code --name=value}, flags,
 * repeatable options, {@code -h} for {@code --help} (which wins over every other mistake), {@code -}
 * as a positional (standard input) and {@code --} to end options. Values are read as numbers and as
 * durations ({@link DurationGrammar}) here too, so that every program says the same thing about the
 * same mistake. Every mistake is a {@link UsageException} that names the option.
 */
public final class CommandLine {
  /** {@code --help}, accepted by every program; also spelled {@code -h}. */
  public static final Option HELP = Option.flag("help", "show this help");

  private final List<String> positionals;
  private final Map<String, List<String>> values;

  private CommandLine(List<String> positionals, Map<String, List<String>> values) {
    this.positionals = positionals;
    this.values = values;
  }

  /**
   * Parses {@code args} against {@code options} ({@link #HELP} is always accepted).
   *
   * @throws UsageException for an unknown option, a missing value, a value given to a flag, or an
   *     option given twice that is not repeatable
   */
  public static CommandLine parse(List<Option> options, List<String> args) throws UsageException {
    if (asksForHelp(args)) {
      return new CommandLine(List.of(), Map.of(HELP.name(), List.of("")));
    }
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
    return new CommandLine(List.copyOf(positionals), values);
  }

  /** Whether {@code --help} (or {@code -h}) was given; nothing else was then read. */
  public boolean helpRequested() {
    return values.containsKey(HELP.name());
  }

  /** Whether the option was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The option's value, if given. */
  public Optional<String> value(String name) {
    List<String> given = values.get(name);
    return given == null ? Optional.empty() : Optional.of(given.get(0));
  }

  /** Every value of a repeatable option, in order; empty if not given. */
  public List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  /**
   * The option's value as a whole number in {@code [min, max]}, if given.
   *
   * @throws UsageException {@code --name must be a number from min to max, was "text"}
   */
  public Optional<Integer> number(String name, int min, int max) throws UsageException {
    Optional<String> text = value(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      int n = Integer.parseInt(text.get());
      if (n >= min && n <= max) {
        return Optional.of(n);
      }
    } catch (NumberFormatException e) {
      // said below, like a number out of range
    }
    throw new UsageException("--" + name + " must be a number from " + min + " to " + max + ", was "
        + Excerpt.of(text.get()));
  }

  /**
   * The option's value read by the {@link DurationGrammar}, if given; zero is allowed.
   *
   * @throws UsageException {@code --name "text" is not a duration; write ...}
   */
  public Optional<Duration> duration(String name) throws UsageException {
    return duration(name, DurationGrammar::parse);
  }

  /**
   * The option's value read by the {@link DurationGrammar}, if given; it must be longer than zero.
   *
   * @throws UsageException as {@link #duration}, or {@code --name must be longer than 0, was "0s"}
   */
  public Optional<Duration> positiveDuration(String name) throws UsageException {
    return duration(name, DurationGrammar::parsePositive);
  }

  private Optional<Duration> duration(String name, Function<String, Duration> grammar) throws UsageException {
    try {
      return value(name).map(grammar);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + " " + e.getMessage());
    }
  }

  /**
   * The positional arguments, checked against the names the program expects: every required one
   * present, none extra.
   *
   * @throws UsageException {@code missing <name>} or {@code unexpected argument "x"}
   */
  public List<String> positionals(int required, String... names) throws UsageException {
    if (positionals.size() < required) {
      throw new UsageException("missing " + names[positionals.size()]);
    }
    if (positionals.size() > names.length) {
      String extra = positionals.get(names.length);
      throw new UsageException("unexpected argument " + Excerpt.of(extra)
          + (names.length == 0 ? "; options start with --" : " after " + String.join(" ", names)));
    }
    return positionals;
  }

  /**
   * The options' lines for a help text, {@link #HELP} last: {@code "  --name value  help"}, the
   * help texts aligned, a help text's further lines indented to its column.
   */
  public static List<String> describe(List<Option> options) {
    List<Option> all = new ArrayList<>(options);
    all.add(HELP);
    int width = Math.max(10, all.stream().mapToInt(o -> o.synopsis().length()).max().orElse(0));
    List<String> lines = new ArrayList<>();
    for (Option o : all) {
      String synopsis = o == HELP ? "-h, --help" : o.synopsis();
      List<String> help = o.help().lines().toList();
      lines.add("  " + pad(synopsis, width) + "  " + help.get(0)
          + (o.repeatable() && help.size() == 1 ? " (repeatable)" : ""));
      for (int i = 1; i < help.size(); i++) {
        lines.add("  " + " ".repeat(width) + "  " + help.get(i)
            + (o.repeatable() && i == help.size() - 1 ? " (repeatable)" : ""));
      }
    }
    return lines;
  }

  /** {@code " (did you mean --x?)"} for a near miss among {@code names}, or nothing. */
  public static String didYouMean(String given, Collection<String> names) {
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
  public static int distance(String a, String b) {
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

  /** {@code --help} or {@code -h} before any {@code --}: help is shown whatever else is wrong. */
  private static boolean asksForHelp(List<String> args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  private static boolean looksLikeOption(String arg) {
    return arg.startsWith("--") && arg.length() > 2;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
