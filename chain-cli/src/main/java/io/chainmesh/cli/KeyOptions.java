package io.chainmesh.cli;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The options every command takes its keys from, in the text form of {@link KeyRing}
 * ({@code id:base64url-secret}, the first entry signs), and the ring they make.
 */
final class KeyOptions {
  static final Option KEY = Option.repeated("key", "id:secret",
      "a key in CHAIN_KEYS form, the first signs; shows in the process list, so prefer the next two");
  static final Option KEYS_FILE = Option.value("keys-file", "file",
      "a key ring file: id:secret entries, separated by commas or new lines, # comments; the first signs");
  static final Option KEYS_ENV = Option.value("keys-env", "variable",
      "an environment variable holding the key ring text, e.g. CHAIN_KEYS");
  static final List<Option> OPTIONS = List.of(KEY, KEYS_FILE, KEYS_ENV);

  private KeyOptions() {}

  /** The ring the options describe, or empty if none was given. */
  static Optional<KeyRing> read(CommandLine args, Terminal terminal) throws UsageException, IOException {
    int sources = (args.has(KEY.name()) ? 1 : 0) + (args.has(KEYS_FILE.name()) ? 1 : 0)
        + (args.has(KEYS_ENV.name()) ? 1 : 0);
    if (sources == 0) {
      return Optional.empty();
    }
    if (sources > 1) {
      throw new UsageException("give keys one way: --key (repeatable), --keys-file or --keys-env");
    }
    if (args.has(KEY.name())) {
      return Optional.of(ring(terminal, String.join(",", args.values(KEY.name())), "--key"));
    }
    if (args.has(KEYS_FILE.name())) {
      String file = args.value(KEYS_FILE.name()).orElseThrow();
      String text;
      try {
        text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IOException("cannot read the key file " + file + ": " + describe(e), e);
      }
      return Optional.of(ring(terminal, text, "--keys-file " + file));
    }
    String variable = args.value(KEYS_ENV.name()).orElseThrow();
    String text = terminal.env().apply(variable);
    if (text == null || text.isBlank()) {
      throw new UsageException("--keys-env: environment variable " + variable
          + " is not set; it must hold keys as id:base64url-secret[,id:secret...] (chain-cli keygen makes one)");
    }
    return Optional.of(ring(terminal, text, "--keys-env " + variable));
  }

  /** The ring of key ring text; every check of {@link KeyRing} applies (no short or published secret). */
  private static KeyRing ring(Terminal terminal, String text, String option) throws UsageException {
    try {
      return terminal.keyRings().get().addKeys(text).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** The ring, which this command cannot work without. */
  static KeyRing require(CommandLine args, Terminal terminal, String why) throws UsageException, IOException {
    return read(args, terminal).orElseThrow(() -> new UsageException(
        "no key given: " + why + "; pass --key id:secret, --keys-file FILE or --keys-env CHAIN_KEYS"));
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
