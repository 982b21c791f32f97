package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.Syntax;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain's {@code segments:}: each one in the shorthand {@code service} or {@code service/function}
 * or the long form with arguments; names, argument keys and values within the limits, and every
 * service one the {@link ServicesSection} knows.
 */
final class SegmentsSection {
  private static final List<String> SEGMENT_KEYS = List.of("service", "function", "arguments");

  private final CatalogueShape shape;
  private final DecodeLimits limits;
  private final ServicesSection services;

  SegmentsSection(CatalogueShape shape, DecodeLimits limits, ServicesSection services) {
    this.shape = shape;
    this.limits = limits;
    this.services = services;
  }

  /** The segment list, or null after a problem. */
  List<Segment> segments(YamlNode node, String at) {
    YamlNode.Sequence s = shape.sequence(node, at);
    if (s == null) {
      return null;
    }
    if (s.items().isEmpty()) {
      shape.problem(s, at, "a chain needs at least one segment");
      return null;
    }
    if (s.items().size() > limits.maxSegments()) {
      shape.problem(s, at, s.items().size() + " segments; the limits allow " + limits.maxSegments());
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
      YamlNode.Mapping m = shape.mapping(node, at);
      if (m == null) {
        return null;
      }
      shape.knownKeys(m, at, SEGMENT_KEYS);
      if (!shape.required(m, "service", at)) {
        return null;
      }
      serviceNode = m.get("service");
      service = shape.scalar(serviceNode, at + ".service");
      functionNode = m.get("function");
      if (functionNode != null) {
        function = shape.scalar(functionNode, at + ".function");
        if (function == null) {
          return null;
        }
      }
      argumentsNode = m.get("arguments");
      if (argumentsNode != null) {
        YamlNode.Mapping am = shape.mapping(argumentsNode, at + ".arguments");
        if (am == null) {
          return null;
        }
        for (YamlNode.Entry e : am.entries().values()) {
          String field = at + ".arguments." + e.key();
          String problem = Syntax.keyProblem(e.key(), limits.maxMetadataKeyLength());
          if (problem != null) {
            shape.problem(e, field, "argument key " + quote(e.key()) + " " + problem);
            continue;
          }
          String value = shape.scalar(e.value(), field);
          if (value != null && shape.valueFits(value, e.value(), field)) {
            arguments.put(e.key(), value);
          }
        }
        if (am.entries().size() > limits.maxArgumentsPerSegment()) {
          shape.problem(am, at + ".arguments", am.entries().size() + " arguments; the limits allow "
              + limits.maxArgumentsPerSegment());
        }
      }
    }
    if (service == null) {
      return null;
    }
    String field = at + ".service";
    if (!services.name(service, serviceNode, field)) {
      return null;
    }
    if (function != null) {
      String problem = Syntax.tokenProblem(function, Math.min(Syntax.MAX_DNS_LABEL, limits.maxNameLength()));
      if (problem != null) {
        shape.problem(functionNode, at + ".function", "function name " + quote(function) + " " + problem);
        return null;
      }
    }
    Segment segment = Segment.builder(service).function(function).arguments(arguments).build();
    return services.known(segment, serviceNode, field) ? segment : null;
  }
}
