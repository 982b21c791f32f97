package io.chainmesh.cli;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/** {@code chain-cli keygen}: a fresh random HMAC-SHA256 key in the key ring text form. */
final class KeygenCommand implements Command {
  static final Option BYTES = Option.value("bytes", "n", "secret length in bytes; 32 unless given (32..256)");

  @Override
  public String name() {
    return "keygen";
  }

  @Override
  public String summary() {
    return "generate a random key as id:secret, for CHAIN_KEYS and key rotation";
  }

  @Override
  public String synopsis() {
    return "keygen [key-id] [--bytes n]";
  }

  @Override
  public String description() {
    return """
        Prints a new key as id:base64url-secret on stdout, drawn from SecureRandom, ready to join
        a key ring (CHAIN_KEYS, a key file, a Kubernetes Secret). The id defaults to key-<date>,
        which makes rotation easy to follow. Rotate by adding the new key after the current signer
        everywhere, then moving it first, then retiring the old key (docs/deploy.md).""";
  }

  @Override
  public List<Option> options() {
    return List.of(BYTES);
  }

  @Override
  public List<String> examples() {
    return List.of("chain-cli keygen", "chain-cli keygen shop-2026-07");
  }

  @Override
  public ExitCode run(CommandLine args, Terminal terminal) throws UsageException, IOException {
    List<String> positionals = args.positionals(0, "[key-id]");
    String id = positionals.isEmpty()
        ? "key-" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE)
        : positionals.get(0);
    int bytes = args.number(BYTES.name(), 32, 256).orElse(32);
    byte[] secret = new byte[bytes];
    new SecureRandom().nextBytes(secret);
    String entry = id + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    try {
      KeyRing.parse(entry); // the id must be one a ring accepts
    } catch (IllegalArgumentException e) {
      throw new UsageException("key id " + Excerpts.quote(id) + " is not usable: ids are 1..64 of A-Z a-z 0-9 . _ -");
    }
    terminal.out().println(entry);
    terminal.err().println("a new " + bytes + "-byte HMAC-SHA256 key: keep it secret (never in a ConfigMap, image"
        + " or log); add it to every hop's ring before any of them signs with it");
    return ExitCode.OK;
  }
}
