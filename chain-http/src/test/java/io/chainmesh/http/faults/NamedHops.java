package io.chainmesh.http.faults;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.testing.TestChains;
import java.net.URI;

/**
 * Hops addressed by logical service name on a {@link TestChains} fixture: hop {@code "b"} answers to
 * service {@code b}, writes node id {@code "b-node"} into records and problems, and is reached by
 * segments {@code b/function}. Lets one function class (a {@link Relay}) serve many hops of a chain.
 */
public final class NamedHops {
  private final TestChains chains;

  /** Named hops on {@code chains}, which owns and closes them. */
  public NamedHops(TestChains chains) {
    this.chains = chains;
  }

  /** The node id of hop {@code service}. */
  public static String node(String service) {
    return service + "-node";
  }

  /**
   * A descriptor builder visiting {@code segments}, each written {@code service/function}.
   */
  public static ChainDescriptor.Builder chain(String... segments) {
    ChainDescriptor.Builder builder = ChainDescriptor.builder();
    for (String segment : segments) {
      int slash = segment.indexOf('/');
      builder.segment(Segment.of(segment.substring(0, slash), segment.substring(slash + 1)));
    }
    return builder;
  }

  /** A hop builder for {@code service}: the fixture's keys and resolver, node id {@link #node}. */
  public ChainHop.Builder hop(String service) {
    return chains.hop(node(service)).serviceName(service);
  }

  /** Serves {@code functions} as service {@code service}. */
  public ChainServer serve(String service, Object... functions) {
    return serve(service, hop(service).functions(functions));
  }

  /** Serves the hop {@code hop} builds and makes {@code service} resolve to it. */
  public ChainServer serve(String service, ChainHop.Builder hop) {
    ChainServer server = chains.serve(hop);
    chains.route(service, server.uri());
    return server;
  }

  /** Makes {@code service} resolve to {@code address} (a raw hop, a servlet container, a mock). */
  public void route(String service, URI address) {
    chains.route(service, address);
  }
}
