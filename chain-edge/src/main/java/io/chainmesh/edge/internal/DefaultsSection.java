package io.chainmesh.edge.internal;

import static io.chainmesh.edge.internal.CatalogueShape.quote;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.internal.DurationGrammar;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The catalogue's {@code defaults:} section and the fields it sets for every chain, read the same
 * way there and in each chain: the return mode, the deadline and the lifetime (durations in the
 * {@link DurationGrammar}), and the rule that ties the last two — the lifetime covers the deadline
 * and stays within what hops accept.
 */
final class DefaultsSection {
  private static final List<String> DEFAULTS_KEYS = List.of("returnMode", "deadline", "lifetime");

  /** What {@code defaults:} sets; null deadline and lifetime when it sets none. */
  record Defaults(ReturnMode mode, Duration deadline, Duration lifetime) {}

  private final CatalogueShape shape;
  private final Duration maxLifetime;

  DefaultsSection(CatalogueShape shape, Duration maxLifetime) {
    this.shape = shape;
    this.maxLifetime = maxLifetime;
  }

  Defaults read(YamlNode node) {
    if (node == null) {
      return new Defaults(ReturnMode.SYNC, null, null);
    }
    YamlNode.Mapping m = shape.mapping(node, "defaults");
    if (m == null) {
      return new Defaults(ReturnMode.SYNC, null, null);
    }
    shape.knownKeys(m, "defaults", DEFAULTS_KEYS);
    ReturnMode mode = m.get("returnMode") == null ? ReturnMode.SYNC
        : returnMode(m.get("returnMode"), "defaults.returnMode");
    Duration deadline = m.get("deadline") == null ? null : duration(m.get("deadline"), "defaults.deadline");
    Duration lifetime = m.get("lifetime") == null ? null : duration(m.get("lifetime"), "defaults.lifetime");
    return new Defaults(mode == null ? ReturnMode.SYNC : mode, deadline, lifetime);
  }

  /** A chain's lifetime: its own, the default, or max(default lifetime, deadline); null after a problem. */
  Duration lifetime(YamlNode.Mapping m, String at, Duration deadline, Duration defaultLifetime) {
    YamlNode node = m.get("lifetime");
    String field = at + ".lifetime";
    Duration lifetime = node == null ? defaultLifetime : duration(node, field);
    if (node != null && lifetime == null) {
      return null;
    }
    if (lifetime == null) {
      lifetime = deadline != null && deadline.compareTo(ChainDescriptor.DEFAULT_LIFETIME) > 0
          ? deadline : ChainDescriptor.DEFAULT_LIFETIME;
      if (lifetime.compareTo(maxLifetime) > 0) {
        shape.problem(m.get("deadline") != null ? m.get("deadline") : m, at + ".deadline", "deadline "
            + DurationGrammar.format(lifetime) + " is longer than the longest descriptor lifetime hops accept ("
            + DurationGrammar.format(maxLifetime) + ")");
        return null;
      }
      return lifetime;
    }
    YamlNode where = node != null ? node : m;
    if (lifetime.compareTo(maxLifetime) > 0) {
      shape.problem(where, field, "lifetime " + DurationGrammar.format(lifetime) + " is longer than hops accept ("
          + DurationGrammar.format(maxLifetime) + ")");
      return null;
    }
    if (deadline != null && lifetime.compareTo(deadline) < 0) {
      shape.problem(where, field, "lifetime " + DurationGrammar.format(lifetime) + " is shorter than the deadline "
          + DurationGrammar.format(deadline) + ": hops would refuse the descriptor before the chain's time is up");
      return null;
    }
    return lifetime;
  }

  ReturnMode returnMode(YamlNode node, String field) {
    String text = shape.scalar(node, field);
    if (text == null) {
      return null;
    }
    switch (text.toLowerCase(Locale.ROOT)) {
      case "sync":
        return ReturnMode.SYNC;
      case "async":
        return ReturnMode.ASYNC;
      default:
        shape.problem(node, field, "return mode " + quote(text) + " is not sync or async");
        return null;
    }
  }

  /** A positive duration of the {@link DurationGrammar}, or null after a problem. */
  Duration duration(YamlNode node, String field) {
    String text = shape.scalar(node, field);
    if (text == null) {
      return null;
    }
    try {
      return DurationGrammar.parsePositive(text);
    } catch (IllegalArgumentException e) {
      shape.problem(node, field, e.getMessage());
      return null;
    }
  }
}
