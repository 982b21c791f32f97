package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.ChainHeaders;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A chain's {@code match:}: the method, the path pattern and the headers a request must have, in the
 * shorthand {@code "POST /path"} or the long form; and the rule for every header name the catalogue
 * reads from a request (a token, and never a chain header, which the edge strips).
 */
final class MatchSection {
  private static final List<String> MATCH_KEYS = List.of("method", "path", "headers");
  private static final Set<String> CHAIN_HEADERS = Set.of(ChainHeaders.DESCRIPTOR.toLowerCase(Locale.ROOT),
      ChainHeaders.ROUTE.toLowerCase(Locale.ROOT), ChainHeaders.REPLY_STATUS.toLowerCase(Locale.ROOT));

  /** What a chain matches: an upper-case method or {@code *}, the path, headers with exact values. */
  record Match(String method, PathPattern path, Map<String, String> headers) {}

  private final CatalogueShape shape;

  MatchSection(CatalogueShape shape) {
    this.shape = shape;
  }

  /** The match, or null after a problem. */
  Match match(YamlNode node, String at) {
    String methodText;
    String pathText;
    YamlNode methodNode;
    YamlNode pathNode;
    Map<String, String> headers = new LinkedHashMap<>();
    if (node instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.STRING) {
      // Shorthand: "POST /checkout".
      String[] words = s.text().strip().split("\\s+");
      if (words.length != 2) {
        shape.problem(node, at, "write the match as \"METHOD /path\" or as a mapping with method, path (and headers);"
            + " found " + quote(s.text()));
        return null;
      }
      methodText = words[0];
      pathText = words[1];
      methodNode = node;
      pathNode = node;
    } else {
      YamlNode.Mapping m = shape.mapping(node, at);
      if (m == null) {
        return null;
      }
      shape.knownKeys(m, at, MATCH_KEYS);
      methodNode = m.get("method");
      pathNode = m.get("path");
      if (!shape.required(m, "method", at) | !shape.required(m, "path", at)) {
        return null;
      }
      methodText = shape.scalar(methodNode, at + ".method");
      pathText = shape.scalar(pathNode, at + ".path");
      YamlNode headersNode = m.get("headers");
      if (headersNode != null) {
        YamlNode.Mapping hm = shape.mapping(headersNode, at + ".headers");
        if (hm != null) {
          for (YamlNode.Entry e : hm.entries().values()) {
            String field = at + ".headers." + e.key();
            if (headerName(e.key(), e, field)) {
              String value = shape.scalar(e.value(), field);
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
      shape.problem(methodNode, at + ".method", "HTTP method " + quote(methodText) + " is not a method name (or * for any)");
      return null;
    }
    PathPattern path;
    try {
      path = PathPattern.compile(pathText);
    } catch (IllegalArgumentException e) {
      shape.problem(pathNode, at + ".path", "bad path pattern " + quote(pathText) + ": " + e.getMessage());
      return null;
    }
    return new Match(method, path, Collections.unmodifiableMap(headers));
  }

  /** Whether {@code name} is a header the catalogue may read; records the problem if not. */
  boolean headerName(String name, Located at, String field) {
    if (!isToken(name)) {
      shape.problem(at, field, quote(name) + " is not an HTTP header name");
      return false;
    }
    if (CHAIN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      shape.problem(at, field, name + " is a chain header: the edge strips it from every client request");
      return false;
    }
    return true;
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
}
