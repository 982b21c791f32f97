package io.chainmesh.edge.internal;

import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.CatalogueException;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Turns a catalogue's {@link YamlNode} tree into a {@link CompiledCatalogue}, checking everything that
 * can be checked before a request arrives: the shape, every name's syntax, that every segment names a
 * known service, path patterns, metadata sources, durations, the hop limit, and the
 * {@link DecodeLimits} (by encoding a sample descriptor of each chain). Collects every problem, each
 * with its line, column and field, before failing.
 *
 * <p>Each section has its reader: {@link ServicesSection}, {@link DefaultsSection} (with the return
 * mode, deadline and lifetime rules chains share), {@link ChainsSection} and, within a chain,
 * {@link MatchSection}, {@link SegmentsSection} and {@link MetadataSection}; all record their
 * problems through one {@link CatalogueShape}.
 */
public final class CatalogueCompiler {
  /** Hops a chain may take beyond its own segments when the catalogue sets no hop limit: room for sub-chains. */
  public static final int DEFAULT_EXTRA_HOPS = 4;

  private static final List<String> ROOT_KEYS = List.of("version", "services", "defaults", "chains");

  /**
   * What the catalogue is checked against.
   *
   * @param limits the descriptor limits chains must fit in
   * @param resolver checks segment names when the catalogue declares no services; may be null
   * @param maxLifetime the longest descriptor lifetime hops accept
   * @param replyTo the segment asynchronous chains name as reply-to
   */
  public record Options(DecodeLimits limits, SegmentResolver resolver, Duration maxLifetime, Segment replyTo) {}

  private final String source;
  private final CatalogueShape shape;
  private final ServicesSection services;
  private final DefaultsSection defaults;
  private final ChainsSection chains;

  private CatalogueCompiler(String source, Options options) {
    this.source = source;
    this.shape = new CatalogueShape(source, options.limits());
    this.services = new ServicesSection(shape, options.limits(), options.resolver());
    this.defaults = new DefaultsSection(shape, options.maxLifetime());
    this.chains = new ChainsSection(shape, options.limits(), options.replyTo(), defaults, services);
  }

  /**
   * The compiled catalogue.
   *
   * @throws CatalogueException listing every problem found
   */
  public static CompiledCatalogue compile(YamlNode root, String source, Options options) {
    CatalogueCompiler c = new CatalogueCompiler(source, options);
    CompiledCatalogue compiled = c.root(root);
    if (!c.shape.problems().isEmpty()) {
      throw new CatalogueException(c.shape.problems());
    }
    return compiled;
  }

  /** The text parsed and compiled. */
  public static CompiledCatalogue compile(String yaml, String source, Options options) {
    return compile(YamlReader.read(yaml, source), source, options);
  }

  private CompiledCatalogue root(YamlNode root) {
    YamlNode.Mapping doc = shape.mapping(root, "");
    if (doc == null) {
      return null;
    }
    shape.knownKeys(doc, "", ROOT_KEYS);
    YamlNode version = doc.get("version");
    if (version != null && !"1".equals(CatalogueShape.text(version))) {
      shape.problem(version, "version", "catalogue version " + CatalogueShape.quote(CatalogueShape.text(version))
          + " is not supported; write 1");
    }
    services.read(doc);
    List<ChainEntry> entries = chains.read(doc, defaults.read(doc.get("defaults")));
    Map<String, URI> serviceUrls = services.urls();
    return new CompiledCatalogue(source, List.copyOf(entries), services.names(), serviceUrls,
        serviceUrls.isEmpty() ? null : SegmentResolver.staticMap(serviceUrls));
  }
}
