package io.chainmesh.edge.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request path pattern such as {@code /shops/{shop}/orders/{order}}: literal segments compared
 * exactly (as written, percent-encoding included) and variables that take one whole, non-empty
 * segment, percent-decoded as UTF-8. A trailing slash is ignored on both sides; the query string
 * is not part of the path. Immutable and thread-safe.
 */
public final class PathPattern {
  private final String text;
  private final String[] parts;
  private final boolean[] variable;
  private final List<String> variables;

  private PathPattern(String text, String[] parts, boolean[] variable, List<String> variables) {
    this.text = text;
    this.parts = parts;
    this.variable = variable;
    this.variables = variables;
  }

  /**
   * Compiles {@code text}.
   *
   * @throws IllegalArgumentException with a message naming the character position of the problem
   */
  public static PathPattern compile(String text) {
    if (text.isEmpty() || text.charAt(0) != '/') {
      throw new IllegalArgumentException("a path pattern must start with '/'");
    }
    List<String> segments = split(text);
    String[] parts = new String[segments.size()];
    boolean[] variable = new boolean[segments.size()];
    Set<String> names = new LinkedHashSet<>();
    int position = 1;
    for (int i = 0; i < parts.length; i++) {
      String s = segments.get(i);
      if (s.isEmpty()) {
        throw new IllegalArgumentException("empty path segment ('//') at character " + position);
      }
      if (s.charAt(0) == '{') {
        if (s.length() < 3 || s.charAt(s.length() - 1) != '}') {
          throw new IllegalArgumentException("a variable must be a whole segment written {name}, at character "
              + position);
        }
        String name = s.substring(1, s.length() - 1);
        for (int c = 0; c < name.length(); c++) {
          char ch = name.charAt(c);
          boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'
              || (c > 0 && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
          if (!ok) {
            throw new IllegalArgumentException("variable name \"" + name + "\" at character " + position
                + " has character '" + ch + "'; use letters, digits, '_', '-' and '.', starting with a letter or '_'");
          }
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("variable {" + name + "} appears twice");
        }
        parts[i] = name;
        variable[i] = true;
      } else {
        for (int c = 0; c < s.length(); c++) {
          char ch = s.charAt(c);
          if (!isPathChar(ch)) {
            throw new IllegalArgumentException("character " + describe(ch) + " at " + (position + c)
                + " is not allowed in a path"
                + (ch == '{' || ch == '}' ? " (a variable must be a whole segment written {name})" : ""));
          }
          if (ch == '%' && (c + 2 >= s.length() || hex(s.charAt(c + 1)) < 0 || hex(s.charAt(c + 2)) < 0)) {
            throw new IllegalArgumentException("'%' at character " + (position + c) + " does not start a %XX escape");
          }
        }
        parts[i] = s;
      }
      position += s.length() + 1;
    }
    return new PathPattern(text, parts, variable, Collections.unmodifiableList(new ArrayList<>(names)));
  }

  /** The pattern as written. */
  public String text() {
    return text;
  }

  /** The variable names, in order. */
  public List<String> variables() {
    return variables;
  }

  /**
   * The variables of {@code rawPath} (the request's raw, still percent-encoded path), or null if it
   * does not match.
   */
  public Map<String, String> match(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    List<String> segments = split(rawPath);
    if (segments.size() != parts.length) {
      return null;
    }
    Map<String, String> values = variables.isEmpty() ? Map.of() : new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String s = segments.get(i);
      if (variable[i]) {
        String decoded = s.isEmpty() ? null : decode(s);
        if (decoded == null) {
          return null;
        }
        values.put(parts[i], decoded);
      } else if (!parts[i].equals(s)) {
        return null;
      }
    }
    return values;
  }

  /** Segments after the leading '/', a trailing '/' ignored; "/" has none. */
  private static List<String> split(String path) {
    int end = path.length();
    if (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    List<String> out = new ArrayList<>();
    if (end == 1) {
      return out;
    }
    int from = 1;
    for (int i = 1; i <= end; i++) {
      if (i == end || path.charAt(i) == '/') {
        out.add(path.substring(from, i));
        from = i + 1;
      }
    }
    return out;
  }

  /** RFC 3986 pchar (unreserved, sub-delims, ':', '@', and '%' for escapes). */
  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@%".indexOf(c) >= 0;
  }

  /** Percent-decodes one segment as UTF-8; null for a broken escape or invalid UTF-8. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          return null;
        }
        bytes.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return null; // a raw path from the request line is ASCII
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static int hex(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  private static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  @Override
  public String toString() {
    return text;
  }
}
