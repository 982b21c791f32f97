package io.chainmesh.edge.internal;

import io.chainmesh.edge.CatalogueException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads YAML with Jackson's YAML parser into a {@link YamlNode} tree that remembers where each key and
 * value starts (the parser's token locations). Refuses what a configuration file should not contain:
 * duplicate keys, aliases, non-string keys and several documents.
 */
public final class YamlReader {
  private static final YAMLMapper MAPPER = YAMLMapper.builder().build();

  private final String source;
  private final JsonParser parser;

  private YamlReader(String source, JsonParser parser) {
    this.source = source;
    this.parser = parser;
  }

  /**
   * The document in {@code text}.
   *
   * @throws CatalogueException for a syntax error, a duplicate key, an alias or an empty document
   */
  public static YamlNode read(String text, String source) {
    try (JsonParser parser = MAPPER.createParser(text)) {
      YamlReader reader = new YamlReader(source, parser);
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw reader.fail(1, 1, "the document is empty");
      }
      YamlNode root = reader.value(first);
      JsonToken after = parser.nextToken();
      if (after != null) {
        TokenStreamLocation at = parser.currentTokenLocation();
        throw reader.fail(at.getLineNr(), at.getColumnNr(), "only one YAML document is allowed");
      }
      return root;
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      int line = at == null ? 0 : Math.max(0, at.getLineNr());
      int column = at == null ? 0 : Math.max(0, at.getColumnNr());
      throw new CatalogueException(List.of(new CatalogueException.Problem(source, line, column, "",
          "not valid YAML: " + condense(e.getOriginalMessage()))));
    }
  }

  private YamlNode value(JsonToken token) {
    TokenStreamLocation at = parser.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      throw fail(line, column, "YAML aliases (*name) are not supported in a catalogue; repeat the value");
    }
    switch (token) {
      case START_OBJECT -> {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() != JsonToken.END_OBJECT) {
          TokenStreamLocation keyAt = parser.currentTokenLocation();
          String key = parser.currentName();
          YamlNode v = value(parser.nextToken());
          YamlNode.Entry previous = entries.get(key);
          if (previous != null) {
            throw fail(keyAt.getLineNr(), keyAt.getColumnNr(), "duplicate key \"" + key
                + "\" (first at line " + previous.line() + ")");
          }
          entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), v));
        }
        return new YamlNode.Mapping(line, column, entries);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          items.add(value(t));
        }
        return new YamlNode.Sequence(line, column, items);
      }
      case VALUE_STRING -> {
        return new YamlNode.Scalar(line, column, parser.getString(), YamlNode.Scalar.Type.STRING);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new YamlNode.Scalar(line, column, parser.getString(), YamlNode.Scalar.Type.NUMBER);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new YamlNode.Scalar(line, column, parser.getString(), YamlNode.Scalar.Type.BOOLEAN);
      }
      case VALUE_NULL -> {
        return new YamlNode.Scalar(line, column, null, YamlNode.Scalar.Type.NULL);
      }
      default -> throw fail(line, column, "unsupported YAML content (" + token + ")");
    }
  }

  private CatalogueException fail(int line, int column, String message) {
    return new CatalogueException(List.of(new CatalogueException.Problem(source, line, column, "", message)));
  }

  /** SnakeYAML's multi-line message without the quoted snippet and caret lines. */
  static String condense(String message) {
    if (message == null) {
      return "unparseable";
    }
    StringBuilder sb = new StringBuilder();
    for (String line : message.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(line.strip());
    }
    return sb.length() == 0 ? message.strip() : sb.toString();
  }
}
