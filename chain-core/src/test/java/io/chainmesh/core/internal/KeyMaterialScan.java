package io.chainmesh.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the key material the project publishes: every secret of at least 32 bytes written in one of
 * the forms keys take in this repository. Shorter secrets are refused by length, so they need no
 * entry in {@link PublishedKeys}.
 *
 * <ul>
 *   <li>the key ring text form, {@code id:secret} in base64url or base64 ({@code CHAIN_KEYS} lines,
 *       key files, Secrets, string literals);
 *   <li>JSON fields named {@code secret...}, as the test vectors' key entries
 *       ({@code "secret": base64url}, {@code "secretHex": hex});
 *   <li>hex written shortly after the word "secret" (the worked example's "secret (32 bytes) 0001...");
 *   <li>in code: a string literal turned into bytes ({@code "...".getBytes(...)}) or parsed as hex.
 * </ul>
 */
final class KeyMaterialScan {
  /** One secret found: where (file:line), as what (a key id, a field...), and its bytes. */
  record Finding(String where, String what, byte[] secret) {
    @Override
    public String toString() {
      return where + " (" + what + ", " + secret.length + " bytes)";
    }
  }

  private static final Pattern TEXT_FORM =
      Pattern.compile("(?<![A-Za-z0-9._-])([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([A-Za-z0-9_+/-]{43,}={0,2})");
  private static final Pattern JSON_SECRET = Pattern.compile("\"(secret\\w*)\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern HEX_AFTER_SECRET =
      Pattern.compile("(?i)secret.{0,24}?(?<![0-9a-f])([0-9a-f]{64,})(?![0-9a-f])");
  private static final Pattern LITERAL_BYTES = Pattern.compile("\"([^\"\\\\\\n]{32,})\"\\s*\\.getBytes\\(");
  private static final Pattern HEX_LITERAL = Pattern.compile("parseHex\\(\\s*\"([0-9a-fA-F]{64,})\"");
  /** {@code sha256:<hex>} and the like are digests (image references), not keys. */
  private static final Set<String> DIGESTS = Set.of("sha1", "sha224", "sha256", "sha384", "sha512");
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", "node_modules", ".mvn");
  private static final int MIN_SECRET = HmacKey.MIN_KEY_BYTES;

  private KeyMaterialScan() {}

  /** The repository root, found from the working directory (the module or the root itself). */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/wire-format.md")) && Files.isDirectory(dir.resolve("chain-core"))) {
        return dir;
      }
    }
    throw new AssertionError("repository root not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * The files the project publishes keys in: every Markdown file (docs, READMEs), the deployment
   * manifests, the test vectors and the examples.
   */
  static List<Path> publishedFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        return SKIPPED_DIRECTORIES.contains(dir.getFileName().toString()) && !dir.equals(root)
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        Path relative = root.relativize(file);
        if (file.getFileName().toString().endsWith(".md")
            || relative.startsWith("deploy")
            || relative.startsWith(Path.of("chain-core", "src", "test", "resources", "vectors"))
            || relative.startsWith("chain-examples")) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    files.sort(null);
    return files;
  }

  /** Every secret in the published files. */
  static List<Finding> published(Path root) throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (Path file : publishedFiles(root)) {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      } catch (CharacterCodingException e) {
        continue; // not text: no key written by hand
      }
      findings.addAll(in(root.relativize(file).toString(), text));
    }
    return findings;
  }

  /** Every secret in {@code text}, found at {@code name}. */
  static List<Finding> in(String name, String text) {
    List<Finding> findings = new ArrayList<>();
    Matcher m = TEXT_FORM.matcher(text);
    while (m.find()) {
      if (!DIGESTS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        add(findings, name, text, m.start(), "key " + m.group(1), base64(m.group(2)));
      }
    }
    m = JSON_SECRET.matcher(text);
    while (m.find()) {
      add(findings, name, text, m.start(), "field " + m.group(1),
          m.group(1).endsWith("Hex") ? hex(m.group(2)) : base64(m.group(2)));
    }
    m = HEX_AFTER_SECRET.matcher(text);
    while (m.find()) {
      add(findings, name, text, m.start(), "hex after \"secret\"", hex(m.group(1)));
    }
    m = LITERAL_BYTES.matcher(text);
    while (m.find()) {
      add(findings, name, text, m.start(), "string literal", m.group(1).getBytes(StandardCharsets.UTF_8));
    }
    m = HEX_LITERAL.matcher(text);
    while (m.find()) {
      add(findings, name, text, m.start(), "hex literal", hex(m.group(1)));
    }
    return findings;
  }

  private static void add(List<Finding> findings, String name, String text, int offset, String id, byte[] secret) {
    if (secret != null && secret.length >= MIN_SECRET) {
      findings.add(new Finding(name + ":" + line(text, offset), id, secret));
    }
  }

  private static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The bytes of base64url or standard base64 (padding allowed), as the text form reads them; null if neither. */
  private static byte[] base64(String encoded) {
    try {
      return encoded.indexOf('+') >= 0 || encoded.indexOf('/') >= 0
          ? Base64.getDecoder().decode(encoded) : Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return null; // a placeholder such as "<the same, base64url>"
    }
  }

  private static byte[] hex(String encoded) {
    try {
      return HexFormat.of().parseHex(encoded);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
