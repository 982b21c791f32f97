package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.DurationGrammar;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.edge.CatalogueException;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a catalogue's {@link YamlNode} tree into a {@link CompiledCatalogue}, checking everything that
 * can be checked before a request arrives: the shape, every name's syntax, that every segment names a
 * known service, path patterns, metadata sources, durations, the hop limit, and the
 * {@link DecodeLimits} (by encoding a sample descriptor of each chain). Collects every problem, each
 * with its line, column and field, before failing.
 */
public final class CatalogueCompiler {
  /** Hops a chain may take beyond its own segments when the catalogue sets no hop limit: room for sub-chains. */
  public static final int DEFAULT_EXTRA_HOPS = 4;

  private static final List<String> ROOT_KEYS = List.of("version", "services", "defaults", "chains");
  private static final List<String> DEFAULTS_KEYS = List.of("returnMode", "deadline", "lifetime");
  private static final List<String> CHAIN_KEYS =
      List.of("name", "match", "segments", "metadata", "returnMode", "deadline", "hopLimit", "lifetime");
  private static final List<String> MATCH_KEYS = List.of("method", "path", "headers");
  private static final List<String> SEGMENT_KEYS = List.of("service", "function", "arguments");
  private static final List<String> METADATA_KEYS = List.of("value", "header", "path", "default");
  private static final Set<String> CHAIN_HEADERS = Set.of(ChainHeaders.DESCRIPTOR.toLowerCase(Locale.ROOT),
      ChainHeaders.ROUTE.toLowerCase(Locale.ROOT), ChainHeaders.REPLY_STATUS.toLowerCase(Locale.ROOT));

  /**
   * What the catalogue is checked against.
   *
   * @param limits the descriptor limits chains must fit in
   * @param resolver checks segment names when the catalogue declares no services; may be null
   * @param maxLifetime the longest descriptor lifetime hops accept
   * @param replyTo the segment asynchronous chains name as reply-to
   */
  public record Options(DecodeLimits limits, SegmentResolver resolver, Duration maxLifetime, Segment replyTo) {}

  private static final KeyRing SAMPLE_KEYS = sampleKeys();

  private final String source;
  private final Options options;
  private final DecodeLimits limits;
  private final List<CatalogueException.Problem> problems = new ArrayList<>();
  private Set<String> services = Set.of();
  private boolean servicesDeclared;

  private CatalogueCompiler(String source, Options options) {
    this.source = source;
    this.options = options;
    this.limits = options.limits();
  }

  /**
   * The compiled catalogue.
   *
   * @throws CatalogueException listing every problem found
   */
  public static CompiledCatalogue compile(YamlNode root, String source, Options options) {
    CatalogueCompiler c = new CatalogueCompiler(source, options);
    CompiledCatalogue compiled = c.root(root);
    if (!c.problems.isEmpty()) {
      throw new CatalogueException(c.problems);
    }
    return compiled;
  }

  /** The text parsed and compiled. */
  public static CompiledCatalogue compile(String yaml, String source, Options options) {
    return compile(YamlReader.read(yaml, source), source, options);
  }

  private CompiledCatalogue root(YamlNode root) {
    YamlNode.Mapping doc = mapping(root, "");
    if (doc == null) {
      return null;
    }
    knownKeys(doc, "", ROOT_KEYS);
    YamlNode version = doc.get("version");
    if (version != null && !"1".equals(text(version))) {
      problem(version, "version", "catalogue version " + quote(text(version)) + " is not supported; write 1");
    }
    Map<String, URI> urls = new LinkedHashMap<>();
    YamlNode servicesNode = doc.get("services");
    if (servicesNode != null) {
      services = services(servicesNode, urls);
      servicesDeclared = true;
      if (servicesNode instanceof YamlNode.Sequence && options.resolver() == null) {
        problem(servicesNode, "services", "lists service names without URLs, and no resolver was given to find"
            + " them: map each service to its base URL, or configure a resolver");
      }
    } else if (options.resolver() == null) {
      problem(doc, "services", "the catalogue declares no services: and no resolver was given to check segment"
          + " names against; list the services (with URLs to use them as the edge's resolver)");
    }
    Defaults defaults = defaults(doc.get("defaults"));
    YamlNode chainsNode = doc.get("chains");
    List<ChainEntry> entries = new ArrayList<>();
    if (chainsNode == null) {
      problem(doc, "chains", "the catalogue has no chains: list");
    } else {
      YamlNode.Sequence chains = sequence(chainsNode, "chains");
      if (chains != null) {
        if (chains.items().isEmpty()) {
          problem(chains, "chains", "the chains: list is empty");
        }
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < chains.items().size(); i++) {
          ChainEntry e = chain(chains.items().get(i), "chains[" + i + "]", defaults, names);
          if (e != null) {
            entries.add(e);
          }
        }
      }
    }
    Map<String, URI> serviceUrls = Collections.unmodifiableMap(urls);
    return new CompiledCatalogue(source, List.copyOf(entries), services, serviceUrls,
        urls.isEmpty() ? null : SegmentResolver.staticMap(serviceUrls));
  }

  private Set<String> services(YamlNode node, Map<String, URI> urls) {
    Set<String> names = new LinkedHashSet<>();
    if (node instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries().values()) {
        String field = "services." + e.key();
        if (serviceName(e.key(), e, field)) {
          names.add(e.key());
        }
        String url = scalar(e.value(), field);
        if (url != null) {
          URI uri = httpUrl(url, e.value(), field);
          if (uri != null) {
            urls.put(e.key(), uri);
          }
        }
      }
    } else if (node instanceof YamlNode.Sequence s) {
      for (int i = 0; i < s.items().size(); i++) {
        YamlNode item = s.items().get(i);
        String field = "services[" + i + "]";
        String name = scalar(item, field);
        if (name != null && serviceName(name, item, field) && !names.add(name)) {
          problem(item, field, "service " + quote(name) + " is listed twice");
        }
      }
    } else {
      problem(node, "services", "must be a mapping of service name to base URL, or a list of service names; found "
          + node.kind());
    }
    if (names.isEmpty() && (node instanceof YamlNode.Mapping || node instanceof YamlNode.Sequence)) {
      problem(node, "services", "declares no service");
    }
    return Collections.unmodifiableSet(names);
  }

  private boolean serviceName(String name, Located at, String field) {
    String problem = Syntax.dnsNameProblem(name);
    if (problem == null && name.length() > limits.maxNameLength()) {
      problem = "is " + name.length() + " characters long; the limits allow " + limits.maxNameLength();
    }
    if (problem != null) {
      problem(at, field, "service name " + quote(name) + " " + problem);
      return false;
    }
    return true;
  }

  private URI httpUrl(String text, YamlNode at, String field) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      if (scheme != null && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problem(at, field, quote(text) + " is not an absolute http(s) URL with a host (and no user info)");
    return null;
  }

  private record Defaults(ReturnMode mode, Duration deadline, Duration lifetime) {}

  private Defaults defaults(YamlNode node) {
    if (node == null) {
      return new Defaults(ReturnMode.SYNC, null, null);
    }
    YamlNode.Mapping m = mapping(node, "defaults");
    if (m == null) {
      return new Defaults(ReturnMode.SYNC, null, null);
    }
    knownKeys(m, "defaults", DEFAULTS_KEYS);
    ReturnMode mode = m.get("returnMode") == null ? ReturnMode.SYNC
        : returnMode(m.get("returnMode"), "defaults.returnMode");
    Duration deadline = m.get("deadline") == null ? null : duration(m.get("deadline"), "defaults.deadline");
    Duration lifetime = m.get("lifetime") == null ? null : duration(m.get("lifetime"), "defaults.lifetime");
    return new Defaults(mode == null ? ReturnMode.SYNC : mode, deadline, lifetime);
  }

  private ChainEntry chain(YamlNode node, String at, Defaults defaults, Map<String, Integer> names) {
    YamlNode.Mapping m = mapping(node, at);
    if (m == null) {
      return null;
    }
    int before = problems.size();
    knownKeys(m, at, CHAIN_KEYS);
    String name = required(m, "name", at) ? scalar(m.get("name"), at + ".name") : null;
    if (name != null) {
      String problem = Syntax.tokenProblem(name, limits.maxNameLength());
      if (problem != null) {
        problem(m.get("name"), at + ".name", "chain name " + quote(name) + " " + problem);
      } else {
        Integer first = names.putIfAbsent(name, m.get("name").line());
        if (first != null) {
          problem(m.get("name"), at + ".name", "chain name " + quote(name) + " is already used at line " + first);
        }
      }
    }
    Match match = required(m, "match", at) ? match(m.get("match"), at + ".match") : null;
    List<Segment> segments = required(m, "segments", at) ? segments(m.get("segments"), at + ".segments") : null;
    List<MetadataSource> metadata = m.get("metadata") == null ? List.of()
        : metadata(m.get("metadata"), at + ".metadata", match == null ? null : match.path());
    ReturnMode mode = m.get("returnMode") == null ? defaults.mode()
        : returnMode(m.get("returnMode"), at + ".returnMode");
    Duration deadline = m.get("deadline") == null ? defaults.deadline() : duration(m.get("deadline"), at + ".deadline");
    Duration lifetime = lifetime(m, at, deadline, defaults.lifetime());
    int hopLimit = hopLimit(m, at, segments);
    if (problems.size() > before || name == null || match == null || segments == null || mode == null
        || lifetime == null) {
      return null;
    }
    ChainEntry entry = new ChainEntry(name, m.line(), match.method(), match.path(), match.headers(), segments,
        metadata, mode, deadline, hopLimit, lifetime);
    checkEncodes(entry, m, at);
    return entry;
  }

  private Duration lifetime(YamlNode.Mapping m, String at, Duration deadline, Duration defaultLifetime) {
    YamlNode node = m.get("lifetime");
    String field = at + ".lifetime";
    Duration lifetime = node == null ? defaultLifetime : duration(node, field);
    if (node != null && lifetime == null) {
      return null;
    }
    if (lifetime == null) {
      lifetime = deadline != null && deadline.compareTo(ChainDescriptor.DEFAULT_LIFETIME) > 0
          ? deadline : ChainDescriptor.DEFAULT_LIFETIME;
      if (lifetime.compareTo(options.maxLifetime()) > 0) {
        problem(m.get("deadline") != null ? m.get("deadline") : m, at + ".deadline", "deadline "
            + DurationGrammar.format(lifetime) + " is longer than the longest descriptor lifetime hops accept ("
            + DurationGrammar.format(options.maxLifetime()) + ")");
        return null;
      }
      return lifetime;
    }
    YamlNode where = node != null ? node : m;
    if (lifetime.compareTo(options.maxLifetime()) > 0) {
      problem(where, field, "lifetime " + DurationGrammar.format(lifetime) + " is longer than hops accept ("
          + DurationGrammar.format(options.maxLifetime()) + ")");
      return null;
    }
    if (deadline != null && lifetime.compareTo(deadline) < 0) {
      problem(where, field, "lifetime " + DurationGrammar.format(lifetime) + " is shorter than the deadline "
          + DurationGrammar.format(deadline) + ": hops would refuse the descriptor before the chain's time is up");
      return null;
    }
    return lifetime;
  }

  private int hopLimit(YamlNode.Mapping m, String at, List<Segment> segments) {
    int count = segments == null ? 1 : segments.size();
    YamlNode node = m.get("hopLimit");
    if (node == null) {
      return Math.min(count + DEFAULT_EXTRA_HOPS, Math.max(count, limits.maxHopLimit()));
    }
    String field = at + ".hopLimit";
    String text = scalar(node, field);
    if (text == null) {
      return count;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      problem(node, field, "must be a whole number; found " + quote(text));
      return count;
    }
    if (value < 1 || value > limits.maxHopLimit()) {
      problem(node, field, "hop limit " + value + " is outside [1, " + limits.maxHopLimit()
          + "] (the limits' maxHopLimit)");
    } else if (segments != null && value < count) {
      problem(node, field, "hop limit " + value + " cannot reach the last of the chain's " + count + " segments");
    }
    return value;
  }

  private record Match(String method, PathPattern path, Map<String, String> headers) {}

  private Match match(YamlNode node, String at) {
    String methodText;
    String pathText;
    YamlNode methodNode;
    YamlNode pathNode;
    Map<String, String> headers = new LinkedHashMap<>();
    if (node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.STRING) {
      // Shorthand: "POST /checkout".
      String[] words = s.text().strip().split("\\s+");
      if (words.length != 2) {
        problem(node, at, "write the match as \"METHOD /path\" or as a mapping with method, path (and headers);"
            + " found " + quote(s.text()));
        return null;
      }
      methodText = words[0];
      pathText = words[1];
      methodNode = node;
      pathNode = node;
    } else {
      YamlNode.Mapping m = mapping(node, at);
      if (m == null) {
        return null;
      }
      knownKeys(m, at, MATCH_KEYS);
      methodNode = m.get("method");
      pathNode = m.get("path");
      if (!required(m, "method", at) | !required(m, "path", at)) {
        return null;
      }
      methodText = scalar(methodNode, at + ".method");
      pathText = scalar(pathNode, at + ".path");
      YamlNode headersNode = m.get("headers");
      if (headersNode != null) {
        YamlNode.Mapping hm = mapping(headersNode, at + ".headers");
        if (hm != null) {
          for (YamlNode.Entry e : hm.entries().values()) {
            String field = at + ".headers." + e.key();
            if (headerName(e.key(), e, field)) {
              String value = scalar(e.value(), field);
              if (value != null) {
                headers.put(e.key(), value);
              }
            }
          }
        }
      }
    }
    if (methodText == null || pathText == null) {
      return null;
    }
    String method = methodText.toUpperCase(Locale.ROOT);
    if (!method.equals("*") && !isToken(method)) {
      problem(methodNode, at + ".method", "HTTP method " + quote(methodText) + " is not a method name (or * for any)");
      return null;
    }
    PathPattern path;
    try {
      path = PathPattern.compile(pathText);
    } catch (IllegalArgumentException e) {
      problem(pathNode, at + ".path", "bad path pattern " + quote(pathText) + ": " + e.getMessage());
      return null;
    }
    return new Match(method, path, Collections.unmodifiableMap(headers));
  }

  private List<Segment> segments(YamlNode node, String at) {
    YamlNode.Sequence s = sequence(node, at);
    if (s == null) {
      return null;
    }
    if (s.items().isEmpty()) {
      problem(s, at, "a chain needs at least one segment");
      return null;
    }
    if (s.items().size() > limits.maxSegments()) {
      problem(s, at, s.items().size() + " segments; the limits allow " + limits.maxSegments());
      return null;
    }
    List<Segment> list = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < s.items().size(); i++) {
      Segment segment = segment(s.items().get(i), at + "[" + i + "]");
      ok &= segment != null;
      if (segment != null) {
        list.add(segment);
      }
    }
    return ok ? List.copyOf(list) : null;
  }

  private Segment segment(YamlNode node, String at) {
    String service;
    String function = null;
    YamlNode serviceNode;
    YamlNode functionNode = null;
    Map<String, String> arguments = new LinkedHashMap<>();
    YamlNode argumentsNode = null;
    if (node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.STRING) {
      // Shorthand: "service" or "service/function".
      int slash = s.text().indexOf('/');
      service = slash < 0 ? s.text() : s.text().substring(0, slash);
      function = slash < 0 ? null : s.text().substring(slash + 1);
      serviceNode = node;
      functionNode = node;
    } else {
      YamlNode.Mapping m = mapping(node, at);
      if (m == null) {
        return null;
      }
      knownKeys(m, at, SEGMENT_KEYS);
      if (!required(m, "service", at)) {
        return null;
      }
      serviceNode = m.get("service");
      service = scalar(serviceNode, at + ".service");
      functionNode = m.get("function");
      if (functionNode != null) {
        function = scalar(functionNode, at + ".function");
        if (function == null) {
          return null;
        }
      }
      argumentsNode = m.get("arguments");
      if (argumentsNode != null) {
        YamlNode.Mapping am = mapping(argumentsNode, at + ".arguments");
        if (am == null) {
          return null;
        }
        for (YamlNode.Entry e : am.entries().values()) {
          String field = at + ".arguments." + e.key();
          String problem = Syntax.keyProblem(e.key(), limits.maxMetadataKeyLength());
          if (problem != null) {
            problem(e, field, "argument key " + quote(e.key()) + " " + problem);
            continue;
          }
          String value = scalar(e.value(), field);
          if (value != null && valueFits(value, e.value(), field)) {
            arguments.put(e.key(), value);
          }
        }
        if (am.entries().size() > limits.maxArgumentsPerSegment()) {
          problem(am, at + ".arguments", am.entries().size() + " arguments; the limits allow "
              + limits.maxArgumentsPerSegment());
        }
      }
    }
    if (service == null) {
      return null;
    }
    String field = at + ".service";
    if (!serviceName(service, serviceNode, field)) {
      return null;
    }
    if (function != null) {
      String problem = Syntax.tokenProblem(function, Math.min(Syntax.MAX_DNS_LABEL, limits.maxNameLength()));
      if (problem != null) {
        problem(functionNode, at + ".function", "function name " + quote(function) + " " + problem);
        return null;
      }
    }
    Segment segment = Segment.builder(service).function(function).arguments(arguments).build();
    if (servicesDeclared) {
      if (!services.contains(service)) {
        problem(serviceNode, field, "unknown service " + quote(service) + "; the catalogue's services are "
            + names(services));
        return null;
      }
    } else if (options.resolver() != null) {
      try {
        options.resolver().resolve(segment);
      } catch (ChainException e) {
        problem(serviceNode, field, "unknown service " + quote(service) + ": the edge's resolver refuses it ("
            + e.detail() + ")");
        return null;
      }
    }
    return segment;
  }

  private List<MetadataSource> metadata(YamlNode node, String at, PathPattern path) {
    YamlNode.Mapping m = mapping(node, at);
    if (m == null) {
      return List.of();
    }
    if (m.entries().size() > limits.maxMetadataEntries()) {
      problem(m, at, m.entries().size() + " metadata entries; the limits allow " + limits.maxMetadataEntries());
    }
    List<MetadataSource> list = new ArrayList<>();
    for (YamlNode.Entry e : m.entries().values()) {
      String field = at + "." + e.key();
      String keyProblem = Syntax.keyProblem(e.key(), limits.maxMetadataKeyLength());
      if (keyProblem != null) {
        problem(e, field, "metadata key " + quote(e.key()) + " " + keyProblem);
        continue;
      }
      MetadataSource source = metadataSource(e.key(), e.value(), field, path);
      if (source != null) {
        list.add(source);
      }
    }
    return List.copyOf(list);
  }

  private MetadataSource metadataSource(String key, YamlNode node, String field, PathPattern path) {
    if (node instanceof YamlNode.Scalar) {
      String value = scalar(node, field);
      return value != null && valueFits(value, node, field)
          ? new MetadataSource(key, MetadataSource.Kind.LITERAL, value, null) : null;
    }
    YamlNode.Mapping m = mapping(node, field);
    if (m == null) {
      return null;
    }
    knownKeys(m, field, METADATA_KEYS);
    List<String> given = new ArrayList<>();
    for (String k : List.of("value", "header", "path")) {
      if (m.get(k) != null) {
        given.add(k);
      }
    }
    if (given.size() != 1) {
      problem(m, field, given.isEmpty()
          ? "say where the value comes from: value, header or path"
          : "give exactly one of value, header, path; found " + given);
      return null;
    }
    String kind = given.get(0);
    YamlNode refNode = m.get(kind);
    String reference = scalar(refNode, field + "." + kind);
    String fallback = null;
    if (m.get("default") != null) {
      if (kind.equals("value")) {
        problem(m.get("default"), field + ".default", "a literal value needs no default");
        return null;
      }
      fallback = scalar(m.get("default"), field + ".default");
      if (fallback == null || !valueFits(fallback, m.get("default"), field + ".default")) {
        return null;
      }
    }
    if (reference == null) {
      return null;
    }
    switch (kind) {
      case "value" -> {
        return valueFits(reference, refNode, field + ".value")
            ? new MetadataSource(key, MetadataSource.Kind.LITERAL, reference, null) : null;
      }
      case "header" -> {
        return headerName(reference, refNode, field + ".header")
            ? new MetadataSource(key, MetadataSource.Kind.HEADER, reference, fallback) : null;
      }
      default -> {
        if (path != null && !path.variables().contains(reference)) {
          problem(refNode, field + ".path", "the match path " + quote(path.text()) + " has no variable {"
              + reference + "}" + (path.variables().isEmpty() ? "" : "; it has " + path.variables()));
          return null;
        }
        return new MetadataSource(key, MetadataSource.Kind.PATH, reference, fallback);
      }
    }
  }

  private boolean headerName(String name, Located at, String field) {
    if (!isToken(name)) {
      problem(at, field, quote(name) + " is not an HTTP header name");
      return false;
    }
    if (CHAIN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      problem(at, field, name + " is a chain header: the edge strips it from every client request");
      return false;
    }
    return true;
  }

  private boolean valueFits(String value, YamlNode at, String field) {
    int bytes = Syntax.utf8Length(value);
    if (bytes > limits.maxMetadataValueBytes()) {
      problem(at, field, "value of " + bytes + " bytes; the limits allow " + limits.maxMetadataValueBytes());
      return false;
    }
    return true;
  }

  /** Builds and encodes a sample descriptor of the chain, so that header-size and limit breaches show at load. */
  private void checkEncodes(ChainEntry entry, YamlNode.Mapping at, String field) {
    try {
      ChainDescriptor sample = entry.descriptor(Map.of(), header -> null, Instant.now(), options.replyTo());
      ChainCodec.builder(SAMPLE_KEYS).limits(limits).build().encode(sample);
    } catch (ChainException e) {
      problem(at, field, "the chain's descriptor breaks the limits: " + e.getMessage());
    }
  }

  /** A throwaway key, only for measuring sample descriptors. */
  private static KeyRing sampleKeys() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return KeyRing.builder().addKey("catalogue-check", secret).build();
  }

  private ReturnMode returnMode(YamlNode node, String field) {
    String text = scalar(node, field);
    if (text == null) {
      return null;
    }
    switch (text.toLowerCase(Locale.ROOT)) {
      case "sync":
        return ReturnMode.SYNC;
      case "async":
        return ReturnMode.ASYNC;
      default:
        problem(node, field, "return mode " + quote(text) + " is not sync or async");
        return null;
    }
  }

  private Duration duration(YamlNode node, String field) {
    String text = scalar(node, field);
    if (text == null) {
      return null;
    }
    try {
      return DurationGrammar.parsePositive(text);
    } catch (IllegalArgumentException e) {
      problem(node, field, e.getMessage());
      return null;
    }
  }

  // ---- shape helpers

  private YamlNode.Mapping mapping(YamlNode node, String field) {
    if (node instanceof YamlNode.Mapping m) {
      return m;
    }
    problem(node, field, "must be a mapping; found " + node.kind());
    return null;
  }

  private YamlNode.Sequence sequence(YamlNode node, String field) {
    if (node instanceof YamlNode.Sequence s) {
      return s;
    }
    problem(node, field, "must be a list; found " + node.kind());
    return null;
  }

  /** The text of a non-null scalar, or null after reporting a problem. */
  private String scalar(YamlNode node, String field) {
    if (node instanceof YamlNode.Scalar s && s.text() != null) {
      return s.text();
    }
    problem(node, field, "must be a single value; found " + node.kind());
    return null;
  }

  private boolean required(YamlNode.Mapping m, String key, String at) {
    if (m.get(key) == null) {
      problem(m, at.isEmpty() ? key : at + "." + key, "is required");
      return false;
    }
    return true;
  }

  private void knownKeys(YamlNode.Mapping m, String at, List<String> allowed) {
    for (YamlNode.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        problem(e, at.isEmpty() ? e.key() : at + "." + e.key(), "unknown field " + quote(e.key())
            + "; expected one of " + allowed);
      }
    }
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String names(Set<String> names) {
    TreeSet<String> sorted = new TreeSet<>(names);
    if (sorted.size() <= 20) {
      return sorted.toString();
    }
    List<String> first = new ArrayList<>(sorted).subList(0, 20);
    return first.toString().replace("]", ", ... (" + sorted.size() + " in all)]");
  }

  private static String text(YamlNode node) {
    return node instanceof YamlNode.Scalar s ? s.text() : node.kind();
  }

  /** Catalogue text for a message: quoted, control characters escaped, capped at 120 characters. */
  private static String quote(String s) {
    String text = Objects.toString(s);
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < Math.min(text.length(), 120); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(text.length() > 120 ? "...\"" : "\"").toString();
  }

  private void problem(Located at, String field, String message) {
    problems.add(new CatalogueException.Problem(source, at.line(), at.column(), field, message));
  }
}
