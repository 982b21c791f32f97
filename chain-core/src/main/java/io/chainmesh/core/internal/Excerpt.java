package io.chainmesh.core.internal;

/** Quotes untrusted input for error messages: printable ASCII only, capped in length. */
public final class Excerpt {
  /** Longest excerpt of input quoted in a message, before the ellipsis. */
  public static final int MAX_CHARS = 32;

  private Excerpt() {}

  /** {@code input} in double quotes, non-printable characters as {@code \}{@code uXXXX}, capped. */
  public static String of(CharSequence input) {
    int n = Math.min(input.length(), MAX_CHARS);
    StringBuilder sb = new StringBuilder(n + 8).append('"');
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
          sb.append('0');
        }
        sb.append(hex);
      }
    }
    sb.append('"');
    if (input.length() > MAX_CHARS) {
      sb.append("...");
    }
    return sb.toString();
  }
}
