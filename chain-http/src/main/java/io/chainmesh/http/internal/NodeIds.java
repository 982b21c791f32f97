package io.chainmesh.http.internal;

import io.chainmesh.core.internal.Syntax;
import java.util.concurrent.ThreadLocalRandom;

/** The node ids hops and edges write into route records and problem documents. */
public final class NodeIds {
  private NodeIds() {}

  /**
   * {@code configured} if set, else {@code base} plus a random 5-hex-digit suffix, so replicas of one
   * service tell apart in a route without revealing host names or addresses.
   *
   * @throws IllegalArgumentException if the id is not a token of at most 253 characters
   */
  public static String checkedOrDefault(String configured, String base) {
    String node = configured != null ? configured
        : base + "-" + Integer.toHexString(0x100000 | ThreadLocalRandom.current().nextInt(0x100000)).substring(1);
    String problem = Syntax.tokenProblem(node, Syntax.MAX_DNS_NAME);
    if (problem != null) {
      throw new IllegalArgumentException("node id \"" + node + "\" " + problem);
    }
    return node;
  }
}
