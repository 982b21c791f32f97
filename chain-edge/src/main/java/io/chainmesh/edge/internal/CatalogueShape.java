package io.chainmesh.edge.internal;

import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.edge.CatalogueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every section of the catalogue is read with: the nodes as the shapes a section expects
 * (mapping, list, single value, required and known keys) and values within the {@link DecodeLimits},
 * each misfit recorded as a {@link CatalogueException.Problem} with its line, column and field, so
 * that the compiler can report every problem, not just the first.
 */
final class CatalogueShape {
  private final String source;
  private final DecodeLimits limits;
  private final List<CatalogueException.Problem> problems = new ArrayList<>();

  CatalogueShape(String source, DecodeLimits limits) {
    this.source = source;
    this.limits = limits;
  }

  /** The problems recorded so far, in the order found. */
  List<CatalogueException.Problem> problems() {
    return problems;
  }

  YamlNode.Mapping mapping(YamlNode node, String field) {
    if (node instanceof YamlNode.Mapping m) {
      return m;
    }
    problem(node, field, "must be a mapping; found " + node.kind());
    return null;
  }

  YamlNode.Sequence sequence(YamlNode node, String field) {
    if (node instanceof YamlNode.Sequence s) {
      return s;
    }
    problem(node, field, "must be a list; found " + node.kind());
    return null;
  }

  /** The text of a non-null scalar, or null after reporting a problem. */
  String scalar(YamlNode node, String field) {
    if (node instanceof YamlNode.Scalar s && s.text() != null) {
      return s.text();
    }
    problem(node, field, "must be a single value; found " + node.kind());
    return null;
  }

  boolean required(YamlNode.Mapping m, String key, String at) {
    if (m.get(key) == null) {
      problem(m, at.isEmpty() ? key : at + "." + key, "is required");
      return false;
    }
    return true;
  }

  void knownKeys(YamlNode.Mapping m, String at, List<String> allowed) {
    for (YamlNode.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key())) {
        problem(e, at.isEmpty() ? e.key() : at + "." + e.key(), "unknown field " + quote(e.key())
            + "; expected one of " + allowed);
      }
    }
  }

  /** Whether a metadata or argument value fits the limits' value size. */
  boolean valueFits(String value, YamlNode at, String field) {
    int bytes = Syntax.utf8Length(value);
    if (bytes > limits.maxMetadataValueBytes()) {
      problem(at, field, "value of " + bytes + " bytes; the limits allow " + limits.maxMetadataValueBytes());
      return false;
    }
    return true;
  }

  void problem(Located at, String field, String message) {
    problems.add(new CatalogueException.Problem(source, at.line(), at.column(), field, message));
  }

  static String names(Set<String> names) {
    TreeSet<String> sorted = new TreeSet<>(names);
    if (sorted.size() <= 20) {
      return sorted.toString();
    }
    List<String> first = new ArrayList<>(sorted).subList(0, 20);
    return first.toString().replace("]", ", ... (" + sorted.size() + " in all)]");
  }

  static String text(YamlNode node) {
    return node instanceof YamlNode.Scalar s ? s.text() : node.kind();
  }

  /** Catalogue text for a message: quoted, control characters escaped, capped at 120 characters. */
  static String quote(String s) {
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
}
