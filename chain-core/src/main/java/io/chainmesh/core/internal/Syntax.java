package io.chainmesh.core.internal;

/**
 * Character-level syntax checks for names carried in a descriptor. Hand-written loops: these run
 * for every segment of every request, so no regular expressions.
 */
public final class Syntax {
  /** Longest DNS name (RFC 1035 §2.3.4, in text form). */
  public static final int MAX_DNS_NAME = 253;
  /** Longest DNS label. */
  public static final int MAX_DNS_LABEL = 63;

  private Syntax() {}

  /**
   * Why {@code name} is not a lower-case DNS name of RFC 1123 labels ({@code [a-z0-9]},
   * {@code [a-z0-9-]} inside, 1..63 per label, dots between, at most 253 in all, the last label not
   * all digits so that no IPv4 address passes for a name), or null if it is.
   */
  public static String dnsNameProblem(String name) {
    int n = name.length();
    if (n == 0) {
      return "must not be empty";
    }
    if (n > MAX_DNS_NAME) {
      return "is " + n + " characters long; a DNS name has at most " + MAX_DNS_NAME;
    }
    int labelStart = 0;
    boolean lastLabelNumeric = true;
    for (int i = 0; i <= n; i++) {
      char c = i == n ? '.' : name.charAt(i);
      if (c == '.') {
        int len = i - labelStart;
        if (len == 0) {
          return "has an empty label at character " + i;
        }
        if (len > MAX_DNS_LABEL) {
          return "has a label of " + len + " characters at character " + labelStart
              + "; a DNS label has at most " + MAX_DNS_LABEL;
        }
        if (name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
          return "has a label starting or ending with '-' at character " + labelStart;
        }
        labelStart = i + 1;
        if (i < n) {
          lastLabelNumeric = true;
        }
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        if (c == ':' || c == '/') {
          return "looks like a URL (character " + i + " is '" + c
              + "'); a segment names a logical service, not an address";
        }
        return "has character " + describe(c) + " at " + i
            + "; only lower-case letters, digits, '-' and '.' are allowed";
      } else if (c < '0' || c > '9') {
        lastLabelNumeric = false;
      }
    }
    if (lastLabelNumeric) {
      return "ends in an all-numeric label, which makes it an IP address (RFC 1123 §2.1);"
          + " a segment names a logical service, not an address";
    }
    return null;
  }

  /**
   * Why {@code token} is not a token of {@code [A-Za-z0-9]} followed by {@code [A-Za-z0-9._-]},
   * at most {@code maxLength} long, or null if it is. Used for function names, key ids, node ids
   * and chain names.
   */
  public static String tokenProblem(String token, int maxLength) {
    int n = token.length();
    if (n == 0) {
      return "must not be empty";
    }
    if (n > maxLength) {
      return "is " + n + " characters long; at most " + maxLength + " are allowed";
    }
    for (int i = 0; i < n; i++) {
      char c = token.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return "has character " + describe(c) + " at " + i
            + (i == 0 ? "; it must start with a letter or digit" : "; only letters, digits, '.', '_' and '-' are allowed");
      }
    }
    return null;
  }

  /**
   * Why {@code key} is not a metadata or argument key ({@code [a-z0-9]} followed by
   * {@code [a-z0-9._-]}, at most {@code maxLength}), or null if it is.
   */
  public static String keyProblem(String key, int maxLength) {
    int n = key.length();
    if (n == 0) {
      return "must not be empty";
    }
    if (n > maxLength) {
      return "is " + n + " characters long; at most " + maxLength + " are allowed";
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return "has character " + describe(c) + " at " + i
            + (i == 0 ? "; it must start with a lower-case letter or digit"
                : "; only lower-case letters, digits, '.', '_' and '-' are allowed");
      }
    }
    return null;
  }

  /** Number of bytes {@code s} takes in UTF-8, without encoding it. */
  public static int utf8Length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // 4 bytes for the pair, counted as 2 chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** A character for a message: printable ASCII quoted, anything else as a code point. */
  public static String describe(char c) {
    if (c >= 0x21 && c < 0x7f && c != '\'') {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  /** A token for a configuration message: escaped and capped, never longer than a few dozen characters. */
  public static String describeToken(String token) {
    return Excerpt.of(token);
  }
}
