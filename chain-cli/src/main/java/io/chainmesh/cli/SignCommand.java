package io.chainmesh.cli;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chain-cli sign}: a descriptor written as JSON, signed into a header value. */
final class SignCommand implements Command {
  static final Option LIFETIME = Option.value("lifetime", "duration",
      "renew the validity window: issued now, expiring after this (e.g. 60s)");

  @Override
  public String name() {
    return "sign";
  }

  @Override
  public String summary() {
    return "sign a descriptor written as JSON into a Chain-Descriptor header value";
  }

  @Override
  public String synopsis() {
    return "sign <json-file | -> (--key id:secret ... | --keys-file file | --keys-env variable)"
        + " [--lifetime duration] [--now instant]";
  }

  @Override
  public String description() {
    return """
        Reads a descriptor in its JSON form (what decode prints) from a file or standard input,
        signs it with the first key of the ring, and prints the header value on stdout.

        The JSON is read strictly; a mistake is refused with its reason code and JSON path. What
        only a fresh descriptor has may be left out: "version", "chainId" (a random one is drawn),
        "issuedAt" (now) and "expiresAt" (issue time + 60s). --lifetime renews the window of a
        descriptor decoded earlier: issued now, expiring after the lifetime. Warnings on stderr
        say when hops would refuse the result (already expired, lifetime above what hops accept).""";
  }

  @Override
  public List<Option> options() {
    List<Option> options = new ArrayList<>(KeyOptions.OPTIONS);
    options.addAll(List.of(LIFETIME, TimeOptions.NOW));
    return options;
  }

  @Override
  public List<String> examples() {
    return List.of(
        "chain-cli sign chain.json --keys-file keys.txt",
        "chain-cli decode \"$OLD\" --keys-file keys.txt | chain-cli sign - --keys-file keys.txt --lifetime 60s");
  }

  @Override
  public ExitCode run(CommandLine args, Terminal terminal) throws UsageException, IOException {
    String source = args.positionals(1, "<json-file | ->").get(0);
    KeyRing keys = KeyOptions.require(args, terminal, "sign needs the key that signs");
    Instant now = TimeOptions.now(args);
    Optional<Duration> lifetime = args.has(LIFETIME.name())
        ? Optional.of(TimeOptions.positive(args, LIFETIME, ChainDescriptor.DEFAULT_LIFETIME))
        : Optional.empty();
    String json = terminal.readText(source);
    PrintStream err = terminal.err();
    DescriptorTemplate.Filled filled;
    String header;
    try {
      filled = DescriptorTemplate.read(json, now, lifetime, Optional.empty());
      header = ChainCodec.builder(keys).build().encode(filled.descriptor());
    } catch (ChainException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.REFUSED;
    }
    filled.notes().forEach(n -> err.println("filled in: " + n));
    ChainDescriptor d = filled.descriptor();
    warnAboutValidity(d, now, err);
    err.println("signed with key " + keys.signingKeyId().orElseThrow() + ": chain " + d.chainId().toHex()
        + d.chainName().map(n -> " (" + n + ")").orElse("") + ", " + d.segments().size() + " segment(s), "
        + header.length() + " characters");
    terminal.out().println(header);
    return ExitCode.OK;
  }

  /** Warns when a hop with default settings, its clock at {@code now}, would refuse {@code d}. */
  static void warnAboutValidity(ChainDescriptor d, Instant now, PrintStream err) {
    Duration skew = ChainCodec.DEFAULT_CLOCK_SKEW;
    if (d.expiresAt().plus(skew).isBefore(now)) {
      err.println("warning: it expired at " + d.expiresAt() + " (" + DurationText.format(Duration.between(d.expiresAt(), now))
          + " ago): hops refuse it with descriptor.expired; pass --lifetime 60s to renew it");
    }
    if (d.issuedAt().minus(skew).isAfter(now)) {
      err.println("warning: it is issued at " + d.issuedAt() + ", in the future: hops refuse it with"
          + " descriptor.not_yet_valid until then");
    }
    Duration lifetime = Duration.between(d.issuedAt(), d.expiresAt());
    if (lifetime.compareTo(ChainCodec.DEFAULT_MAX_LIFETIME) > 0) {
      err.println("warning: it is valid for " + DurationText.format(lifetime) + "; hops accept at most "
          + DurationText.format(ChainCodec.DEFAULT_MAX_LIFETIME) + " unless configured otherwise"
          + " (descriptor.lifetime_too_long)");
    }
  }
}
