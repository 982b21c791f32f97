package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.edge.internal.DefaultsSection.Defaults;
import io.chainmesh.edge.internal.MatchSection.Match;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue's {@code chains:} list: each chain's name (unique), its match, segments and metadata
 * (read by their sections), return mode, deadline and lifetime (over the defaults), and hop limit;
 * and, for a chain without problems, a sample descriptor encoded within the limits.
 */
final class ChainsSection {
  private static final List<String> CHAIN_KEYS =
      List.of("name", "match", "segments", "metadata", "returnMode", "deadline", "hopLimit", "lifetime");
  private static final KeyRing SAMPLE_KEYS = sampleKeys();

  private final CatalogueShape shape;
  private final DecodeLimits limits;
  private final Segment replyTo;
  private final DefaultsSection times;
  private final MatchSection matches;
  private final SegmentsSection segmentLists;
  private final MetadataSection metadataSources;

  ChainsSection(CatalogueShape shape, DecodeLimits limits, Segment replyTo, DefaultsSection times,
      ServicesSection services) {
    this.shape = shape;
    this.limits = limits;
    this.replyTo = replyTo;
    this.times = times;
    this.matches = new MatchSection(shape);
    this.segmentLists = new SegmentsSection(shape, limits, services);
    this.metadataSources = new MetadataSection(shape, limits, matches);
  }

  /** The chains of the catalogue document {@code doc} that compiled without problems. */
  List<ChainEntry> read(YamlNode.Mapping doc, Defaults defaults) {
    YamlNode chainsNode = doc.get("chains");
    List<ChainEntry> entries = new ArrayList<>();
    if (chainsNode == null) {
      shape.problem(doc, "chains", "the catalogue has no chains: list");
    } else {
      YamlNode.Sequence chains = shape.sequence(chainsNode, "chains");
      if (chains != null) {
        if (chains.items().isEmpty()) {
          shape.problem(chains, "chains", "the chains: list is empty");
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
    return entries;
  }

  private ChainEntry chain(YamlNode node, String at, Defaults defaults, Map<String, Integer> names) {
    YamlNode.Mapping m = shape.mapping(node, at);
    if (m == null) {
      return null;
    }
    int before = shape.problems().size();
    shape.knownKeys(m, at, CHAIN_KEYS);
    String name = shape.required(m, "name", at) ? shape.scalar(m.get("name"), at + ".name") : null;
    if (name != null) {
      String problem = Syntax.tokenProblem(name, limits.maxNameLength());
      if (problem != null) {
        shape.problem(m.get("name"), at + ".name", "chain name " + quote(name) + " " + problem);
      } else {
        Integer first = names.putIfAbsent(name, m.get("name").line());
        if (first != null) {
          shape.problem(m.get("name"), at + ".name", "chain name " + quote(name) + " is already used at line "
              + first);
        }
      }
    }
    Match match = shape.required(m, "match", at) ? matches.match(m.get("match"), at + ".match") : null;
    List<Segment> segments = shape.required(m, "segments", at)
        ? segmentLists.segments(m.get("segments"), at + ".segments") : null;
    List<MetadataSource> metadata = m.get("metadata") == null ? List.of()
        : metadataSources.metadata(m.get("metadata"), at + ".metadata", match == null ? null : match.path());
    ReturnMode mode = m.get("returnMode") == null ? defaults.mode()
        : times.returnMode(m.get("returnMode"), at + ".returnMode");
    Duration deadline = m.get("deadline") == null ? defaults.deadline()
        : times.duration(m.get("deadline"), at + ".deadline");
    Duration lifetime = times.lifetime(m, at, deadline, defaults.lifetime());
    int hopLimit = hopLimit(m, at, segments);
    if (shape.problems().size() > before || name == null || match == null || segments == null || mode == null
        || lifetime == null) {
      return null;
    }
    ChainEntry entry = new ChainEntry(name, m.line(), match.method(), match.path(), match.headers(), segments,
        metadata, mode, deadline, hopLimit, lifetime);
    checkEncodes(entry, m, at);
    return entry;
  }

  private int hopLimit(YamlNode.Mapping m, String at, List<Segment> segments) {
    int count = segments == null ? 1 : segments.size();
    YamlNode node = m.get("hopLimit");
    if (node == null) {
      return Math.min(count + CatalogueCompiler.DEFAULT_EXTRA_HOPS, Math.max(count, limits.maxHopLimit()));
    }
    String field = at + ".hopLimit";
    String text = shape.scalar(node, field);
    if (text == null) {
      return count;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      shape.problem(node, field, "must be a whole number; found " + quote(text));
      return count;
    }
    if (value < 1 || value > limits.maxHopLimit()) {
      shape.problem(node, field, "hop limit " + value + " is outside [1, " + limits.maxHopLimit()
          + "] (the limits' maxHopLimit)");
    } else if (segments != null && value < count) {
      shape.problem(node, field, "hop limit " + value + " cannot reach the last of the chain's " + count + " segments");
    }
    return value;
  }

  /** Builds and encodes a sample descriptor of the chain, so that header-size and limit breaches show at load. */
  private void checkEncodes(ChainEntry entry, YamlNode.Mapping at, String field) {
    try {
      ChainDescriptor sample = entry.descriptor(Map.of(), header -> null, Instant.now(), replyTo);
      ChainCodec.builder(SAMPLE_KEYS).limits(limits).build().encode(sample);
    } catch (ChainException e) {
      shape.problem(at, field, "the chain's descriptor breaks the limits: " + e.getMessage());
    }
  }

  /** A throwaway key, only for measuring sample descriptors. */
  private static KeyRing sampleKeys() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return KeyRing.builder().addKey("catalogue-check", secret).build();
  }
}
