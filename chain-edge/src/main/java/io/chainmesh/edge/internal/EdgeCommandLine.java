package io.chainmesh.edge.internal;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.DurationGrammar;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.edge.TransitPolicy;
import io.chainmesh.http.SegmentResolver;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standalone edge's command line: options and environment turned into a {@link ChainEdge.Builder},
 * every mistake reported as a {@link UsageException} that names the option. The options are read by
 * the one {@link CommandLine} parser chain-cli uses too ({@code --name value} or {@code --name=value}),
 * durations by the {@link DurationGrammar} the catalogue uses.
 */
public final class EdgeCommandLine {
  /** Environment variable holding the key ring text, when {@code --keys-file} is not given. */
  public static final String KEYS_ENV = "CHAIN_KEYS";
  /** Environment variable holding the resolver template, when {@code --resolver-template} is not given. */
  public static final String RESOLVER_ENV = "CHAIN_RESOLVER_TEMPLATE";

  static final Option CATALOGUE = Option.value("catalogue", "file", "the chain catalogue (YAML); reloaded when it changes");
  static final Option PORT = Option.value("port", "n", "port to listen on (default 8080; 0 for any free port)");
  static final Option BIND = Option.value("bind", "address", "address to bind (default: all interfaces)");
  static final Option KEYS_FILE = Option.value("keys-file", "file",
      "key ring file (id:secret entries; first signs); default: $" + KEYS_ENV);
  static final Option RESOLVER_TEMPLATE = Option.value("resolver-template", "url",
      "e.g. http://{service}.shop.svc.cluster.local:8080; default:\n$" + RESOLVER_ENV
          + ", else the catalogue's services: URLs");
  static final Option NODE_ID = Option.value("node-id", "id", "node id in problems and logs (default edge-<random>)");
  static final Option REPLY_SERVICE = Option.value("reply-service", "name",
      "reply-to service of async chains (default " + ChainEdge.DEFAULT_REPLY_TO_SERVICE + ")");
  static final Option MAX_PARKED = Option.value("max-parked", "n",
      "async clients waiting at most (default " + ChainEdge.DEFAULT_MAX_PARKED_REQUESTS + ")");
  static final Option ASYNC_TIMEOUT = Option.value("async-timeout", "duration",
      "longest wait for an async reply (default 30s)");
  static final Option EXPOSE_ROUTE = Option.flag("expose-route", "give clients the Chain-Route response header");
  static final Option TRANSIT = Option.value("transit", "refuse|flag",
      "answers without proof of transit: refuse (502, default) or flag");
  static final Option ADMIN_PORT = Option.value("admin-port", "n", "loopback admin endpoint: POST /reload, GET /stats");
  static final Option WATCH = Option.value("watch", "duration|off", "how often to check the catalogue file (default 2s)");

  private static final List<Option> OPTIONS = List.of(CATALOGUE, PORT, BIND, KEYS_FILE, RESOLVER_TEMPLATE, NODE_ID,
      REPLY_SERVICE, MAX_PARKED, ASYNC_TIMEOUT, EXPOSE_ROUTE, TRANSIT, ADMIN_PORT, WATCH);

  /** The usage text: every option, and the duration grammar. */
  public static final String USAGE = String.join("\n",
      "usage: java -jar chain-edge.jar --catalogue file [options]",
      "",
      String.join("\n", CommandLine.describe(OPTIONS)),
      "",
      "Options are written --name value or --name=value. A duration is " + DurationGrammar.SUMMARY + ",",
      "as in the catalogue.");

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
  public static EdgeCommandLine parse(String[] args, Map<String, String> env) throws UsageException {
    CommandLine line = CommandLine.parse(OPTIONS, List.of(args));
    if (line.helpRequested()) {
      return new EdgeCommandLine(null, true);
    }
    line.positionals(0);
    ChainEdge.Builder b = ChainEdge.builder();
    line.number(PORT.name(), 0, 65535).ifPresent(b::port);
    if (line.has(BIND.name())) {
      b.bindAddress(address(line.value(BIND.name()).orElseThrow()));
    }
    line.value(NODE_ID.name()).ifPresent(b::nodeId);
    line.value(REPLY_SERVICE.name()).ifPresent(b::replyToService);
    line.number(MAX_PARKED.name(), 0, Integer.MAX_VALUE).ifPresent(b::maxParkedRequests);
    line.positiveDuration(ASYNC_TIMEOUT.name()).ifPresent(b::asyncTimeout);
    if (line.has(EXPOSE_ROUTE.name())) {
      b.exposeRoute(true);
    }
    if (line.has(TRANSIT.name())) {
      b.proofOfTransit(transit(line.value(TRANSIT.name()).orElseThrow()));
    }
    line.number(ADMIN_PORT.name(), 0, 65535).ifPresent(b::adminPort);
    if (line.value(WATCH.name()).filter("off"::equals).isPresent()) {
      b.catalogueWatch(Duration.ZERO);
    } else {
      line.positiveDuration(WATCH.name()).ifPresent(b::catalogueWatch);
    }
    Path catalogue = Path.of(line.value(CATALOGUE.name())
        .orElseThrow(() -> new UsageException("--catalogue is required")));
    if (!Files.isRegularFile(catalogue)) {
      throw new UsageException("--catalogue " + catalogue + ": no such file");
    }
    b.catalogue(catalogue);
    b.keys(keys(line.value(KEYS_FILE.name()).map(Path::of).orElse(null), env));
    String template = line.value(RESOLVER_TEMPLATE.name()).orElse(null);
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

  private static KeyRing keys(Path keysFile, Map<String, String> env) throws UsageException {
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

  private static TransitPolicy transit(String value) throws UsageException {
    try {
      return TransitPolicy.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--transit must be refuse or flag, was \"" + value + "\"");
    }
  }

  private static InetAddress address(String value) throws UsageException {
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new UsageException("--bind: unknown address \"" + value + "\"");
    }
  }
}
