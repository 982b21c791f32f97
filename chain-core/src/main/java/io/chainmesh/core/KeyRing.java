package io.chainmesh.core;

import io.chainmesh.core.internal.HmacKey;
import io.chainmesh.core.internal.PublishedKeys;
import io.chainmesh.core.internal.Syntax;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC-SHA256 keys a hop holds: several verification keys by id, and one of them that signs.
 * Several keys make rotation safe: add the new key everywhere, switch the signer, and once no
 * descriptor signed with the old key can still be valid (its lifetime has passed), retire it.
 *
 * <p>Immutable; every change returns a new ring. {@link #toString()} names key ids only, never
 * key material.
 *
 * <h2>Text form</h2>
 * {@link #parse(String)}, {@link #fromEnv(String)} and {@link #fromFile(Path)} read entries of the
 * form {@code id:secret}, separated by commas, whitespace or new lines, where {@code secret} is at
 * least 32 bytes in base64url or standard base64 (padding allowed). The <em>first</em> entry is the
 * signing key. Lines starting with {@code #} are comments. Example:
 * <pre>CHAIN_KEYS="k2:3q2-7wAAAAA...,k1:q83vEjRWeJA..."</pre>
 *
 * <h2>Keys a ring refuses</h2>
 * Every way of building a ring (the text form, the {@link Builder}, {@link #withKey}) refuses a
 * secret shorter than 32 bytes and a secret that chainmesh itself publishes (the keys of its
 * documentation, test vectors and examples): anyone can sign with those. The message names the key
 * id, never the secret, and says how to make a key: {@code chain-cli keygen}
 * ({@code java -jar chain-cli.jar keygen <key-id>}).
 * Tests that run the published test vectors opt in with
 * {@link Builder#allowPublishedKeysForTesting()}, which logs a warning; nothing else turns the check off.
 *
 * <h2>Insecure development mode</h2>
 * {@link #insecureDevelopmentMode()} is the only way to accept unsigned descriptors. It exists for
 * local experiments, is named so that nobody ships it by accident, and logs a warning when created
 * and every time it lets through a descriptor that a real ring would have refused.
 */
public final class KeyRing implements KeySource {
  private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
  private static final int MAX_KEY_ID = 64;
  /** Fewest different byte values a secret must hold: a random one of 32 bytes holds about 30. */
  private static final int MIN_DISTINCT_BYTES = 16;

  /** How to make a key, named by every message that refuses one. */
  private static final String KEYGEN = "chain-cli keygen (java -jar chain-cli.jar keygen <key-id>)";

  private final Map<String, HmacKey> keys;
  private final HmacKey signer;
  private final boolean insecure;
  /** Whether this ring came from a builder that allowed published keys (tests only); its copies do too. */
  private final boolean publishedKeysAllowed;

  private KeyRing(Map<String, HmacKey> keys, HmacKey signer, boolean insecure, boolean publishedKeysAllowed) {
    this.keys = keys;
    this.signer = signer;
    this.insecure = insecure;
    this.publishedKeysAllowed = publishedKeysAllowed;
  }

  /** A builder for a ring; add keys, the first added signs unless {@link Builder#signWith} says otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A ring that holds no key and accepts unsigned descriptors, for local development only. Logs a
   * warning now and whenever an unsigned descriptor is accepted.
   */
  public static KeyRing insecureDevelopmentMode() {
    log.warn("chainmesh KeyRing in INSECURE DEVELOPMENT MODE: descriptors are not signed and unsigned"
        + " descriptors are accepted. Anyone can forge a chain. Never use this outside a laptop.");
    return new KeyRing(Map.of(), null, true, false);
  }

  /**
   * Parses the text form (see the class documentation).
   *
   * @throws IllegalArgumentException naming the entry (by position and id, never by secret) that is
   *     malformed, duplicated, shorter than 32 bytes or published by chainmesh, or when there is no
   *     entry at all
   */
  public static KeyRing parse(String text) {
    return parse(text, "key ring text");
  }

  /**
   * Reads the text form from an environment variable.
   *
   * @throws IllegalArgumentException if the variable is unset or empty, or as {@link #parse(String)}
   */
  public static KeyRing fromEnv(String variable) {
    String text = System.getenv(variable);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("environment variable " + variable
          + " is not set; it must hold chain keys as id:base64url-secret[,id:secret...]; make one with " + KEYGEN);
    }
    return parse(text, "environment variable " + variable);
  }

  /**
   * Reads the text form from a file (UTF-8; {@code #} comments allowed).
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException as {@link #parse(String)}
   */
  public static KeyRing fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chain keys from " + file, e);
    }
    return parse(text, "key file " + file);
  }

  private static KeyRing parse(String text, String source) {
    return builder().addKeys(text, source).build();
  }

  @Override
  public KeyRing keyRing() {
    return this;
  }

  /** The id of the key that signs, empty only in insecure development mode. */
  public Optional<String> signingKeyId() {
    return signer == null ? Optional.empty() : Optional.of(signer.id());
  }

  /** The ids of every key that verifies, in the order they were added. */
  public Set<String> keyIds() {
    return Collections.unmodifiableSet(keys.keySet());
  }

  /** Whether this ring accepts unsigned descriptors (insecure development mode). */
  public boolean isInsecureDevelopmentMode() {
    return insecure;
  }

  /**
   * This ring plus a new verification key (rotation step 1).
   *
   * @throws IllegalArgumentException as {@link Builder#addKey}
   */
  public KeyRing withKey(String id, byte[] secret) {
    Builder b = toBuilder();
    b.addKey(id, secret);
    return b.build();
  }

  /**
   * This ring signing with another of its keys (rotation step 2).
   *
   * @throws IllegalArgumentException if the ring does not hold {@code id}
   */
  public KeyRing signingWith(String id) {
    return toBuilder().signWith(id).build();
  }

  /**
   * This ring without a key (rotation step 3: retire).
   *
   * @throws IllegalArgumentException when retiring the signing key or an unknown id
   */
  public KeyRing without(String id) {
    if (!keys.containsKey(id)) {
      throw new IllegalArgumentException("key ring holds no key " + Syntax.describeToken(id));
    }
    if (signer != null && signer.id().equals(id)) {
      throw new IllegalArgumentException("cannot retire key " + id
          + " while it signs; switch the signer first");
    }
    Map<String, HmacKey> copy = new LinkedHashMap<>(keys);
    copy.remove(id);
    return new KeyRing(Collections.unmodifiableMap(copy), signer, insecure, publishedKeysAllowed);
  }

  HmacKey signer() {
    return signer;
  }

  HmacKey key(String id) {
    return keys.get(id);
  }

  /** The key whose id is the ASCII bytes {@code buf[off, off + len)}, or null; nothing allocated. */
  HmacKey key(byte[] buf, int off, int len) {
    if (signer != null && signer.hasId(buf, off, len)) {
      return signer;
    }
    for (HmacKey key : keys.values()) {
      if (key.hasId(buf, off, len)) {
        return key;
      }
    }
    return null;
  }

  private Builder toBuilder() {
    Builder b = new Builder();
    b.keys.putAll(keys);
    b.signer = signer;
    b.publishedKeysAllowed = publishedKeysAllowed;
    return b;
  }

  @Override
  public String toString() {
    if (insecure) {
      return "KeyRing{INSECURE development mode}";
    }
    return "KeyRing{signer=" + signer.id() + ", keys=" + keys.keySet() + '}';
  }

  /** Builds a {@link KeyRing}. */
  public static final class Builder {
    private final Map<String, HmacKey> keys = new LinkedHashMap<>();
    private HmacKey signer;
    private String signerId;
    private boolean publishedKeysAllowed;
    /** Ids of the published keys this builder let in, for the warning. */
    private final List<String> publishedAdded = new ArrayList<>();

    private Builder() {}

    /**
     * FOR TESTS ONLY: lets this ring hold the keys chainmesh publishes (the test vectors' keys of
     * docs/wire-format.md), which every ring refuses otherwise because anyone can sign with them.
     * Exists so that tests can run the published vectors; a service that calls it accepts
     * descriptors from anyone. Logs a warning when the ring is built. Secrets shorter than 32
     * bytes stay refused.
     */
    public Builder allowPublishedKeysForTesting() {
      this.publishedKeysAllowed = true;
      return this;
    }

    /**
     * Adds every entry of the key ring text form (see {@link KeyRing}); unless {@link #signWith}
     * says otherwise, the first key added to this builder signs.
     *
     * @throws IllegalArgumentException as {@link KeyRing#parse(String)}
     */
    public Builder addKeys(String text) {
      return addKeys(text, "key ring text");
    }

    private Builder addKeys(String text, String source) {
      int entry = 0;
      for (String line : text.split("\\R")) {
        String content = line.strip();
        if (content.isEmpty() || content.startsWith("#")) {
          continue;
        }
        for (String token : content.split("[,\\s]+")) {
          if (token.isEmpty()) {
            continue;
          }
          entry++;
          int colon = token.indexOf(':');
          if (colon <= 0 || colon == token.length() - 1) {
            throw new IllegalArgumentException(source + ": entry " + entry
                + " is not of the form id:secret");
          }
          String id = token.substring(0, colon);
          byte[] secret;
          String encoded = token.substring(colon + 1);
          if (encoded.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            // A hex text read as base64url gives other bytes, and a hex secret printed in a document
            // would pass the published-key check that way.
            throw new IllegalArgumentException(source + ": the secret of entry " + entry + " (key id "
                + Syntax.describeToken(id) + ") is written in hex; key ring text holds base64url secrets,"
                + " as " + KEYGEN + " prints them");
          }
          try {
            secret = encoded.indexOf('+') >= 0 || encoded.indexOf('/') >= 0
                ? Base64.getDecoder().decode(encoded)
                : Base64.getUrlDecoder().decode(encoded);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the secret of entry " + entry + " (key id "
                + Syntax.describeToken(id) + ") is not base64url or base64");
          }
          try {
            addKey(id, secret);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": entry " + entry + ": " + e.getMessage());
          }
        }
      }
      if (entry == 0) {
        throw new IllegalArgumentException(source + " holds no key");
      }
      return this;
    }

    /**
     * Adds a key. The secret is copied.
     *
     * @throws IllegalArgumentException if the id is not 1..64 of {@code [A-Za-z0-9._-]}, is already
     *     present, the secret is shorter than 32 bytes, or the secret is one that chainmesh publishes
     *     (unless {@link #allowPublishedKeysForTesting()})
     */
    public Builder addKey(String id, byte[] secret) {
      String problem = Syntax.tokenProblem(id, MAX_KEY_ID);
      if (problem != null) {
        throw new IllegalArgumentException("key id " + Syntax.describeToken(id) + " " + problem);
      }
      if (secret.length < HmacKey.MIN_KEY_BYTES) {
        throw new IllegalArgumentException("key " + id + " has " + secret.length
            + " bytes; HMAC-SHA256 keys need at least " + HmacKey.MIN_KEY_BYTES + " random bytes; "
            + "make one with " + KEYGEN);
      }
      if (keys.containsKey(id)) {
        throw new IllegalArgumentException("key id " + id + " is given twice");
      }
      long distinct = IntStream.range(0, secret.length).map(i -> secret[i] & 0xff).distinct().count();
      if (distinct < MIN_DISTINCT_BYTES) {
        // 32 random bytes hold about 30 different values; fewer than 16 is a made-up key, not a random one.
        throw new IllegalArgumentException("key " + id + " is not random: its " + secret.length + " bytes hold only "
            + distinct + " different values; make one with " + KEYGEN);
      }
      boolean published = PublishedKeys.contains(secret);
      if (published && !publishedKeysAllowed) {
        throw new IllegalArgumentException("key " + id + " is a key chainmesh publishes (in its"
            + " documentation or test vectors): anyone can sign descriptors with it, so no ring accepts"
            + " it; make a key of your own with " + KEYGEN + " and give it to every hop and the edge");
      }
      if (published) {
        publishedAdded.add(id);
      }
      HmacKey key = new HmacKey(id, secret);
      keys.put(id, key);
      if (signer == null) {
        signer = key;
      }
      return this;
    }

    /**
     * Makes the key {@code id} the signing key.
     *
     * @throws IllegalArgumentException at {@link #build()} if no key has that id
     */
    public Builder signWith(String id) {
      this.signerId = id;
      return this;
    }

    /**
     * The ring.
     *
     * @throws IllegalArgumentException without any key, or when the signer is not among the keys
     */
    public KeyRing build() {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("a key ring needs at least one key;"
            + " use KeyRing.insecureDevelopmentMode() to run without keys on a laptop");
      }
      HmacKey sign = signer;
      if (signerId != null) {
        sign = keys.get(signerId);
        if (sign == null) {
          throw new IllegalArgumentException("signing key " + Syntax.describeToken(signerId)
              + " is not among the keys " + keys.keySet());
        }
      }
      if (publishedKeysAllowed) {
        log.warn("KeyRing built with allowPublishedKeysForTesting(), FOR TESTS ONLY: it accepts the keys"
            + " chainmesh publishes (added here: {}), which anyone can sign descriptors with."
            + " Never use this in a service.", publishedAdded);
      }
      return new KeyRing(Collections.unmodifiableMap(new LinkedHashMap<>(keys)), sign, false,
          publishedKeysAllowed);
    }
  }
}
