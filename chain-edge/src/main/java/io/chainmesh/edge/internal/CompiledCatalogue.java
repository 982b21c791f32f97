package io.chainmesh.edge.internal;

import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A validated catalogue: its entries in order (first match wins) and the services it declares.
 *
 * @param source the file name the catalogue came from
 * @param entries the chains, in document order
 * @param services the declared service names; empty if the catalogue declares none
 * @param serviceUrls the declared services' base URLs, when the catalogue gives them
 * @param staticResolver a resolver over {@code serviceUrls}, or null when the catalogue gives none
 */
public record CompiledCatalogue(String source, List<ChainEntry> entries, Set<String> services,
    Map<String, URI> serviceUrls, SegmentResolver staticResolver) {

  /** A matched entry and the request's path variables. */
  public record Match(ChainEntry entry, Map<String, String> variables) {}

  /** The first entry matching the request, or null. */
  public Match match(String method, String rawPath, Function<String, String> header) {
    for (ChainEntry e : entries) {
      Map<String, String> variables = e.match(method, rawPath, header);
      if (variables != null) {
        return new Match(e, variables);
      }
    }
    return null;
  }
}
