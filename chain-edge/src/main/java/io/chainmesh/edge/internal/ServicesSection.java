package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue's {@code services:} section: the service names segments may use (DNS names within
 * the limits), their base URLs when given, and whether a segment's service is one of them — or, with
 * no {@code services:} section, one the edge's resolver accepts.
 */
final class ServicesSection {
  private final CatalogueShape shape;
  private final DecodeLimits limits;
  private final SegmentResolver resolver;
  private final Map<String, URI> urls = new LinkedHashMap<>();
  private Set<String> names = Set.of();
  private boolean declared;

  ServicesSection(CatalogueShape shape, DecodeLimits limits, SegmentResolver resolver) {
    this.shape = shape;
    this.limits = limits;
    this.resolver = resolver;
  }

  /** The declared service names; empty without a {@code services:} section. */
  Set<String> names() {
    return names;
  }

  /** The base URL of every service declared with one. */
  Map<String, URI> urls() {
    return Collections.unmodifiableMap(urls);
  }

  /** Reads the section of the catalogue document {@code doc}, or says why segments cannot be checked without it. */
  void read(YamlNode.Mapping doc) {
    YamlNode servicesNode = doc.get("services");
    if (servicesNode != null) {
      names = services(servicesNode);
      declared = true;
      if (servicesNode instanceof YamlNode.Sequence && resolver == null) {
        shape.problem(servicesNode, "services", "lists service names without URLs, and no resolver was given to find"
            + " them: map each service to its base URL, or configure a resolver");
      }
    } else if (resolver == null) {
      shape.problem(doc, "services", "the catalogue declares no services: and no resolver was given to check segment"
          + " names against; list the services (with URLs to use them as the edge's resolver)");
    }
  }

  private Set<String> services(YamlNode node) {
    Set<String> names = new LinkedHashSet<>();
    if (node instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries().values()) {
        String field = "services." + e.key();
        if (name(e.key(), e, field)) {
          names.add(e.key());
        }
        String url = shape.scalar(e.value(), field);
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
        String name = shape.scalar(item, field);
        if (name != null && name(name, item, field) && !names.add(name)) {
          shape.problem(item, field, "service " + quote(name) + " is listed twice");
        }
      }
    } else {
      shape.problem(node, "services", "must be a mapping of service name to base URL, or a list of service names;"
          + " found " + node.kind());
    }
    if (names.isEmpty() && (node instanceof YamlNode.Mapping || node instanceof YamlNode.Sequence)) {
      shape.problem(node, "services", "declares no service");
    }
    return Collections.unmodifiableSet(names);
  }

  /** Whether {@code name} is a usable service name; records the problem if not. */
  boolean name(String name, Located at, String field) {
    String problem = Syntax.dnsNameProblem(name);
    if (problem == null && name.length() > limits.maxNameLength()) {
      problem = "is " + name.length() + " characters long; the limits allow " + limits.maxNameLength();
    }
    if (problem != null) {
      shape.problem(at, field, "service name " + quote(name) + " " + problem);
      return false;
    }
    return true;
  }

  /** Whether the segment's service is declared, or accepted by the resolver; records the problem if not. */
  boolean known(Segment segment, YamlNode serviceNode, String field) {
    String service = segment.service();
    if (declared) {
      if (!names.contains(service)) {
        shape.problem(serviceNode, field, "unknown service " + quote(service) + "; the catalogue's services are "
            + CatalogueShape.names(names));
        return false;
      }
    } else if (resolver != null) {
      try {
        resolver.resolve(segment);
      } catch (ChainException e) {
        shape.problem(serviceNode, field, "unknown service " + quote(service) + ": the edge's resolver refuses it ("
            + e.detail() + ")");
        return false;
      }
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
    shape.problem(at, field, quote(text) + " is not an absolute http(s) URL with a host (and no user info)");
    return null;
  }
}
