package io.chainmesh.edge.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line and column where it starts, so that every catalogue error can name its
 * place. Built by {@link YamlReader}; immutable once built.
 */
public abstract sealed class YamlNode implements Located
    permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
  private final int line;
  private final int column;

  YamlNode(int line, int column) {
    this.line = line;
    this.column = column;
  }

  /** 1-based line of the value's first character. */
  @Override
  public int line() {
    return line;
  }

  /** 1-based column of the value's first character. */
  @Override
  public int column() {
    return column;
  }

  /** What this node is, for messages: "a mapping", "a list", "a string", ... */
  public abstract String kind();

  /** A mapping; keys in document order. */
  public static final class Mapping extends YamlNode {
    private final Map<String, Entry> entries;

    Mapping(int line, int column, Map<String, Entry> entries) {
      super(line, column);
      this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The entries by key, in document order. */
    public Map<String, Entry> entries() {
      return entries;
    }

    /** The value of {@code key}, or null. */
    public YamlNode get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A key of a mapping with its place, and its value. */
  public record Entry(String key, int line, int column, YamlNode value) implements Located {}

  /** A list. */
  public static final class Sequence extends YamlNode {
    private final List<YamlNode> items;

    Sequence(int line, int column, List<YamlNode> items) {
      super(line, column);
      this.items = List.copyOf(items);
    }

    /** The items in order. */
    public List<YamlNode> items() {
      return items;
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar: its text as written (null for YAML null) and whether YAML typed it as a string. */
  public static final class Scalar extends YamlNode {
    private final String text;
    private final Type type;

    /** How YAML typed the scalar. */
    public enum Type { STRING, NUMBER, BOOLEAN, NULL }

    Scalar(int line, int column, String text, Type type) {
      super(line, column);
      this.text = text;
      this.type = type;
    }

    /** The scalar's text; null for a YAML null. */
    public String text() {
      return text;
    }

    /** How YAML typed it. */
    public Type type() {
      return type;
    }

    @Override
    public String kind() {
      return switch (type) {
        case STRING -> "a string";
        case NUMBER -> "a number";
        case BOOLEAN -> "a boolean";
        case NULL -> "empty";
      };
    }
  }
}
