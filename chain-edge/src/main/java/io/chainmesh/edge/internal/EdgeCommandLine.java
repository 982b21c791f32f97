package io.chainmesh.edge.internal;

import io.chainmesh.core.KeyRing;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.edge.TransitPolicy;
import io.chainmesh.http.SegmentResolver;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The standalone edge's command line: options and environment turned into a {@link ChainEdge.Builder},
 * every mistake reported as a {@link UsageException} that names the option.
 */
public final class EdgeCommandLine {
  /** Environment variable holding the key ring text, when {@code --keys-file} is not given. */
  public static final String KEYS_ENV = "CHAIN_KEYS";
  /** Environment variable holding the resolver template, when {@code --resolver-template} is not given. */
  public static final String RESOLVER_ENV = "CHAIN_RESOLVER_TEMPLATE";

  /** The usage text. */
  public static final String USAGE = String.join("\n",
      "usage: java -jar chain-edge.jar --catalogue <chains.yaml> [options]",
      "",
      "  --catalogue <file>          the chain catalogue (YAML); reloaded when it changes",
      "  --port <n>                  port to listen on (default 8080; 0 for any free port)",
      "  --bind <address>            address to bind (default: all interfaces)",
      "  --keys-file <file>          key ring file (id:secret entries; first signs); default: $" + KEYS_ENV,
      "  --resolver-template <url>   e.g. http://{service}.shop.svc.cluster.local:8080; default:",
      "                              $" + RESOLVER_ENV + ", else the catalogue's services: URLs",
      "  --node-id <id>              node id in problems and logs (default edge-<random>)",
      "  --reply-service <name>      reply-to service of async chains (default "
          + ChainEdge.DEFAULT_REPLY_TO_SERVICE + ")",
      "  --max-parked <n>            async clients waiting at most (default "
          + ChainEdge.DEFAULT_MAX_PARKED_REQUESTS + ")",
      "  --async-timeout <duration>  longest wait for an async reply (default 30s)",
      "  --expose-route              give clients the Chain-Route response header",
      "  --transit refuse|flag       answers without proof of transit: refuse (502, default) or flag",
      "  --admin-port <n>            loopback admin endpoint: POST /reload, GET /stats",
      "  --watch <duration>|off      how often to check the catalogue file (default 2s)",
      "  --help                      this text");

  private static final Set<String> VALUE_OPTIONS = Set.of("--catalogue", "--port", "--bind", "--keys-file",
      "--resolver-template", "--node-id", "--reply-service", "--max-parked", "--async-timeout", "--transit",
      "--admin-port", "--watch");

  /** A command line mistake; the message names the option. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final ChainEdge.Builder builder;
  private final boolean help;

  private EdgeCommandLine(ChainEdge.Builder builder, boolean help) {
    this.builder = builder;
    this.help = help;
  }

  /** Whether {@code --help} was asked for (nothing else is then checked). */
  public boolean help() {
    return help;
  }

  /** The configured builder, ready to {@link ChainEdge.Builder#start()}. */
  public ChainEdge.Builder builder() {
    return builder;
  }

  /**
   * Parses {@code args} with {@code env} as the environment.
   *
   * @throws UsageException naming the option or variable at fault
   */
  public static EdgeCommandLine parse(String[] args, Map<String, String> env) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return new EdgeCommandLine(null, true);
      }
    }
    ChainEdge.Builder b = ChainEdge.builder();
    Path catalogue = null;
    Path keysFile = null;
    String template = null;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--expose-route")) {
        b.exposeRoute(true);
        continue;
      }
      if (!option.startsWith("--")) {
        throw new UsageException("unexpected argument \"" + option + "\"; options start with --");
      }
      if (!VALUE_OPTIONS.contains(option)) {
        throw new UsageException("unknown option " + option);
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new UsageException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--catalogue" -> catalogue = Path.of(value);
        case "--port" -> b.port(port(option, value));
        case "--bind" -> b.bindAddress(address(value));
        case "--keys-file" -> keysFile = Path.of(value);
        case "--resolver-template" -> template = value;
        case "--node-id" -> b.nodeId(value);
        case "--reply-service" -> b.replyToService(value);
        case "--max-parked" -> b.maxParkedRequests(number(option, value, 0, Integer.MAX_VALUE));
        case "--async-timeout" -> b.asyncTimeout(duration(option, value));
        case "--transit" -> b.proofOfTransit(transit(value));
        case "--admin-port" -> b.adminPort(port(option, value));
        case "--watch" -> b.catalogueWatch(value.equals("off") ? Duration.ZERO : duration(option, value));
        default -> throw new IllegalStateException("option " + option + " is listed but not handled");
      }
    }
    if (catalogue == null) {
      throw new UsageException("--catalogue is required");
    }
    if (!Files.isRegularFile(catalogue)) {
      throw new UsageException("--catalogue " + catalogue + ": no such file");
    }
    b.catalogue(catalogue);
    b.keys(keys(keysFile, env));
    if (template == null) {
      template = env.get(RESOLVER_ENV);
      if (template != null && template.isBlank()) {
        template = null;
      }
    }
    if (template != null) {
      try {
        b.resolver(SegmentResolver.template(template));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--resolver-template: " + e.getMessage());
      }
    }
    return new EdgeCommandLine(b, false);
  }

  private static KeyRing keys(Path keysFile, Map<String, String> env) {
    try {
      if (keysFile != null) {
        return KeyRing.fromFile(keysFile);
      }
    } catch (UncheckedIOException e) {
      throw new UsageException("--keys-file " + keysFile + ": cannot be read (" + e.getCause() + ")");
    } catch (IllegalArgumentException e) {
      throw new UsageException("--keys-file: " + e.getMessage());
    }
    String text = env.get(KEYS_ENV);
    if (text == null || text.isBlank()) {
      throw new UsageException("no keys: give --keys-file or set " + KEYS_ENV);
    }
    try {
      return KeyRing.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(KEYS_ENV + ": " + e.getMessage());
    }
  }

  private static int port(String option, String value) {
    return number(option, value, 0, 65535);
  }

  private static int number(String option, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number, was \"" + value + "\"");
    }
    if (n < min || n > max) {
      throw new UsageException(option + " must be in [" + min + ", " + max + "], was " + n);
    }
    return n;
  }

  private static Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static TransitPolicy transit(String value) {
    try {
      return TransitPolicy.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--transit must be refuse or flag, was \"" + value + "\"");
    }
  }

  private static InetAddress address(String value) {
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new UsageException("--bind: unknown address \"" + value + "\"");
    }
  }
}
