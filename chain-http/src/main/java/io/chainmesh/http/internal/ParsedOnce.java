package io.chainmesh.http.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values parsed from text a hop sees over and over — the next hops' URLs, the few content types of
 * its bodies — kept so each is parsed once instead of per request ({@code HttpUrl.get} and
 * {@code MediaType.parse} cost microseconds each). Bounded: past {@code capacity} distinct keys
 * (a resolver that makes up URLs, arbitrary content types) it starts over rather than grow.
 */
public final class ParsedOnce<K, V> {
  private final ConcurrentHashMap<K, V> values = new ConcurrentHashMap<>();
  private final Function<K, V> parse;
  private final int capacity;

  /** Parses with {@code parse}; keeps at most about {@code capacity} values. */
  public ParsedOnce(Function<K, V> parse, int capacity) {
    this.parse = parse;
    this.capacity = capacity;
  }

  /**
   * The parsed value of {@code key}, or null if {@code parse} gives null (not kept); whatever
   * {@code parse} throws for a new key is thrown.
   */
  public V get(K key) {
    V value = values.get(key);
    if (value == null) {
      value = parse.apply(key);
      if (value == null) {
        return null;
      }
      if (values.size() >= capacity) {
        values.clear();
      }
      values.put(key, value);
    }
    return value;
  }
}
