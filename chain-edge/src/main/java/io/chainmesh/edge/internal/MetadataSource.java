package io.chainmesh.edge.internal;

import java.util.Map;
import java.util.function.Function;

/**
 * Where the value of one edge metadata entry comes from: a literal, a request header or a path
 * variable, with an optional default for the latter two.
 *
 * @param key the metadata key
 * @param kind where the value comes from
 * @param reference the literal value, the header name or the variable name
 * @param fallback the value when the header is absent (or null: the entry is then left out)
 */
public record MetadataSource(String key, Kind kind, String reference, String fallback) {
  /** Where a value comes from. */
  public enum Kind { LITERAL, HEADER, PATH }

  /** The value for one request, or null to leave the entry out. */
  public String value(Map<String, String> pathVariables, Function<String, String> header) {
    return switch (kind) {
      case LITERAL -> reference;
      case HEADER -> {
        String v = header.apply(reference);
        yield v != null ? v : fallback;
      }
      case PATH -> {
        String v = pathVariables.get(reference);
        yield v != null ? v : fallback;
      }
    };
  }
}
