package io.chainmesh.http;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a segment's logical service name into the address of a hop that serves it. The only way a
 * descriptor's segments become network addresses, so it is where SSRF is prevented: built-in
 * resolvers never resolve a raw-URL segment unless {@link #withRawUrls(Set)} allows its host, and
 * {@link #allowing(Set)} restricts the names a hop will forward to.
 *
 * <p>Implementations must be thread-safe and should be fast (called once per forward); do DNS or
 * discovery caching inside. Refuse with a {@link ChainException} of reason
 * {@link Reason#SEGMENT_UNRESOLVABLE}.
 */
@FunctionalInterface
public interface SegmentResolver {
  /**
   * The base URL requests for {@code segment} are sent to.
   *
   * @throws ChainException {@link Reason#SEGMENT_UNRESOLVABLE} when the name is unknown or not allowed
   */
  URI resolve(Segment segment);

  /**
   * Resolves by substituting {@code {service}} (and optionally {@code {function}}) in a URL template,
   * e.g. {@code http://{service}.shop.svc.cluster.local:8080}. Safe because service names are DNS
   * names: they cannot inject a host, port, path or user info.
   *
   * @throws IllegalArgumentException if the template has no {@code {service}}, is not http(s), or
   *     does not form a valid URL
   */
  static SegmentResolver template(String template) {
    Objects.requireNonNull(template, "template");
    if (!template.contains("{service}")) {
      throw new IllegalArgumentException("resolver template must contain {service}: " + template);
    }
    URI sample = URI.create(template.replace("{service}", "sample").replace("{function}", "sample"));
    if (sample.getScheme() == null || !(sample.getScheme().equals("http") || sample.getScheme().equals("https"))
        || sample.getHost() == null) {
      throw new IllegalArgumentException("resolver template must be an absolute http(s) URL: " + template);
    }
    return segment -> {
      refuseRawUrl(segment);
      String url = template.replace("{service}", segment.service())
          .replace("{function}", segment.function().orElse(segment.service()));
      return URI.create(url);
    };
  }

  /**
   * Resolves from a fixed map of service name to base URL; any other name is refused.
   *
   * @throws IllegalArgumentException if a URL is not absolute http(s)
   */
  static SegmentResolver staticMap(Map<String, URI> services) {
    Map<String, URI> copy = Map.copyOf(services);
    copy.forEach((name, uri) -> {
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("service " + name + " maps to a non-http(s) URL: " + uri);
      }
    });
    return segment -> {
      refuseRawUrl(segment);
      URI uri = copy.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE,
            "service " + segment.service() + " is not known to this hop's resolver");
      }
      return uri;
    };
  }

  /** This resolver, restricted to the given service names; others are refused. */
  default SegmentResolver allowing(Set<String> services) {
    Set<String> allowed = Set.copyOf(services);
    SegmentResolver inner = this;
    return segment -> {
      if (segment.isUrl() || !allowed.contains(segment.service())) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE,
            "service " + (segment.isUrl() ? "given as a raw URL" : segment.service())
                + " is not on this hop's allow-list");
      }
      return inner.resolve(segment);
    };
  }

  /**
   * This resolver, also resolving raw-URL segments whose host is one of {@code hosts} (compared
   * case-insensitively, exactly: no suffix matching). Every other raw URL is still refused. Use only
   * where segment URLs come from a trusted catalogue.
   */
  default SegmentResolver withRawUrls(Set<String> hosts) {
    Set<String> allowed = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    SegmentResolver inner = this;
    return segment -> {
      if (segment.isUrl()) {
        URI url = segment.url().orElseThrow();
        if (url.getHost() != null && allowed.contains(url.getHost().toLowerCase(Locale.ROOT))) {
          return url;
        }
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "raw-URL segment host is not allowed");
      }
      return inner.resolve(segment);
    };
  }

  private static void refuseRawUrl(Segment segment) {
    if (segment.isUrl()) {
      throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE,
          "raw-URL segments are refused; segments must name logical services");
    }
  }
}
