package io.chainmesh.cli;

/**
 * Quotes what a user typed or a file held, for messages: escaped, on one line, and capped, so a
 * pasted secret or a whole header value is never echoed back in full.
 */
final class Excerpts {
  private static final int MAX = 40;

  private Excerpts() {}

  static String quote(String text) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(text.length(), MAX);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
    if (text.length() > MAX) {
      sb.append("... (").append(text.length()).append(" characters)");
    }
    return sb.toString();
  }
}
