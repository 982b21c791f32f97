package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.internal.Syntax;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain's {@code metadata:}, the edge metadata every hop reads: each key's source — a literal, a
 * request header (by the {@link MatchSection}'s rule for header names) or a variable of the match
 * path, with an optional default — and the limits on keys, values and entries.
 */
final class MetadataSection {
  private static final List<String> METADATA_KEYS = List.of("value", "header", "path", "default");

  private final CatalogueShape shape;
  private final DecodeLimits limits;
  private final MatchSection match;

  MetadataSection(CatalogueShape shape, DecodeLimits limits, MatchSection match) {
    this.shape = shape;
    this.limits = limits;
    this.match = match;
  }

  /** The metadata sources; those with problems are left out. */
  List<MetadataSource> metadata(YamlNode node, String at, PathPattern path) {
    YamlNode.Mapping m = shape.mapping(node, at);
    if (m == null) {
      return List.of();
    }
    if (m.entries().size() > limits.maxMetadataEntries()) {
      shape.problem(m, at, m.entries().size() + " metadata entries; the limits allow " + limits.maxMetadataEntries());
    }
    List<MetadataSource> list = new ArrayList<>();
    for (YamlNode.Entry e : m.entries().values()) {
      String field = at + "." + e.key();
      String keyProblem = Syntax.keyProblem(e.key(), limits.maxMetadataKeyLength());
      if (keyProblem != null) {
        shape.problem(e, field, "metadata key " + quote(e.key()) + " " + keyProblem);
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
      String value = shape.scalar(node, field);
      return value != null && shape.valueFits(value, node, field)
          ? new MetadataSource(key, MetadataSource.Kind.LITERAL, value, null) : null;
    }
    YamlNode.Mapping m = shape.mapping(node, field);
    if (m == null) {
      return null;
    }
    shape.knownKeys(m, field, METADATA_KEYS);
    List<String> given = new ArrayList<>();
    for (String k : List.of("value", "header", "path")) {
      if (m.get(k) != null) {
        given.add(k);
      }
    }
    if (given.size() != 1) {
      shape.problem(m, field, given.isEmpty()
          ? "say where the value comes from: value, header or path"
          : "give exactly one of value, header, path; found " + given);
      return null;
    }
    String kind = given.get(0);
    YamlNode refNode = m.get(kind);
    String reference = shape.scalar(refNode, field + "." + kind);
    String fallback = null;
    if (m.get("default") != null) {
      if (kind.equals("value")) {
        shape.problem(m.get("default"), field + ".default", "a literal value needs no default");
        return null;
      }
      fallback = shape.scalar(m.get("default"), field + ".default");
      if (fallback == null || !shape.valueFits(fallback, m.get("default"), field + ".default")) {
        return null;
      }
    }
    if (reference == null) {
      return null;
    }
    switch (kind) {
      case "value" -> {
        return shape.valueFits(reference, refNode, field + ".value")
            ? new MetadataSource(key, MetadataSource.Kind.LITERAL, reference, null) : null;
      }
      case "header" -> {
        return match.headerName(reference, refNode, field + ".header")
            ? new MetadataSource(key, MetadataSource.Kind.HEADER, reference, fallback) : null;
      }
      default -> {
        if (path != null && !path.variables().contains(reference)) {
          shape.problem(refNode, field + ".path", "the match path " + quote(path.text()) + " has no variable {"
              + reference + "}" + (path.variables().isEmpty() ? "" : "; it has " + path.variables()));
          return null;
        }
        return new MetadataSource(key, MetadataSource.Kind.PATH, reference, fallback);
      }
    }
  }
}
