package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One compiled catalogue entry: what requests it matches and the chain it starts for them.
 *
 * @param name the chain name written into descriptors
 * @param line the catalogue line the entry starts at, for logs
 * @param method the HTTP method to match, upper case, or {@code *} for any
 * @param path the path pattern
 * @param headers headers that must be present with exactly these values (names case-insensitive)
 * @param segments the segment list
 * @param metadata the edge metadata entries and where their values come from
 * @param mode how the answer comes back
 * @param deadline time from issue to the chain's deadline, or null for none
 * @param hopLimit the hop limit
 * @param lifetime the descriptor's lifetime
 */
public record ChainEntry(String name, int line, String method, PathPattern path, Map<String, String> headers,
    List<Segment> segments, List<MetadataSource> metadata, ReturnMode mode, Duration deadline, int hopLimit,
    Duration lifetime) {

  /** The path variables if this entry matches the request, or null. */
  public Map<String, String> match(String requestMethod, String rawPath, Function<String, String> header) {
    if (!method.equals("*") && !method.equals(requestMethod)) {
      return null;
    }
    Map<String, String> variables = path.match(rawPath);
    if (variables == null) {
      return null;
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!h.getValue().equals(header.apply(h.getKey()))) {
        return null;
      }
    }
    return variables;
  }

  /**
   * A new descriptor (fresh random chain id) for one request.
   *
   * @throws io.chainmesh.core.ChainException if a value from the request breaks the descriptor's rules
   */
  public ChainDescriptor descriptor(Map<String, String> variables, Function<String, String> header, Instant now,
      Segment replyTo) {
    ChainDescriptor.Builder b = ChainDescriptor.builder()
        .chainName(name)
        .segments(segments)
        .hopLimit(hopLimit)
        .issuedAt(now)
        .lifetime(lifetime);
    if (deadline != null) {
      b.deadline(now.plus(deadline));
    }
    for (MetadataSource m : metadata) {
      String value = m.value(variables, header);
      if (value != null) {
        b.edgeMetadata(m.key(), value);
      }
    }
    if (mode == ReturnMode.ASYNC) {
      b.async(replyTo);
    }
    return b.build();
  }

  /** {@code name (METHOD /path)}. */
  @Override
  public String toString() {
    return name + " (" + method + " " + path + ")";
  }
}
