package io.chainmesh.cli;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code chain-cli decode}: a header value as JSON, verified as a hop would when given keys. */
final class DecodeCommand implements Command {
  static final Option ROUTE = Option.flag("route", "print the traceroute view of the record route instead of JSON");

  @Override
  public String name() {
    return "decode";
  }

  @Override
  public String summary() {
    return "show a Chain-Descriptor or Chain-Route header value as JSON, verified when given keys";
  }

  @Override
  public String synopsis() {
    return "decode <header-value | -> [--key id:secret ... | --keys-file file | --keys-env variable]"
        + " [--now instant] [--skew duration] [--max-lifetime duration] [--route]";
  }

  @Override
  public String description() {
    return """
        Decodes a header value (given as the argument, or read from standard input with -) and prints
        the descriptor as pretty JSON on stdout. A leading "Chain-Descriptor:" or "Chain-Route:" and
        surrounding quotes are ignored, so a line pasted from a log works.

        With keys, it checks everything a hop checks, in the same order and with the same reason codes:
        size, base64url, envelope, MAC and key id, format version, limits, and the validity window
        against --now (the system clock unless given) with --skew. A refusal prints
          error: <reason.code>: <detail> (at <field or offset>)
        on stderr, hints on what usually causes it, and what the descriptor says (not verified).

        Without keys, nothing is verified: the descriptor is shown for reading only and stderr says
        NOT VERIFIED. Never trust what an unverified descriptor says.""";
  }

  @Override
  public List<Option> options() {
    List<Option> options = new ArrayList<>(KeyOptions.OPTIONS);
    options.addAll(List.of(TimeOptions.NOW, TimeOptions.SKEW, TimeOptions.MAX_LIFETIME, ROUTE));
    return options;
  }

  @Override
  public List<String> examples() {
    return List.of(
        "chain-cli decode \"$HEADER\" --keys-env CHAIN_KEYS",
        "pbpaste | chain-cli decode - --keys-file keys.txt --now 2026-01-31T12:00:00Z",
        "chain-cli decode \"$ROUTE_HEADER\" --keys-file keys.txt --route");
  }

  @Override
  public ExitCode run(CommandLine args, Terminal terminal) throws UsageException, IOException {
    String source = args.positionals(1, "<header-value | ->").get(0);
    String value = headerValue(source.equals("-") ? terminal.readText("-") : source);
    Optional<KeyRing> keys = KeyOptions.read(args, terminal);
    Instant now = TimeOptions.now(args);
    Duration skew = TimeOptions.skew(args);
    Duration maxLifetime = TimeOptions.maxLifetime(args);
    ChainCodec codec = ChainCodec.builder(keys.orElseGet(DecodeCommand::throwawayRing))
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .clockSkew(skew)
        .maxLifetime(maxLifetime)
        .build();
    PrintStream err = terminal.err();
    ChainDescriptor descriptor;
    if (keys.isPresent()) {
      try {
        descriptor = codec.decode(value);
      } catch (ChainException e) {
        Optional<ChainDescriptor> unverified = unverified(codec, value);
        Diagnosis.ofDecode(keys, value, now, skew, maxLifetime, unverified).print(e, err);
        unverified.ifPresent(d -> describeUnverified(d, err));
        return ExitCode.REFUSED;
      }
      err.println("verified: MAC checked against key ring " + keys.get().keyIds() + "; valid " + descriptor.issuedAt()
          + " .. " + descriptor.expiresAt() + ", checked at " + now + " with skew " + DurationText.format(skew));
    } else {
      try {
        descriptor = codec.decodeUnverified(value);
      } catch (ChainException e) {
        Diagnosis.ofDecode(keys, value, now, skew, maxLifetime, Optional.empty()).print(e, err);
        return ExitCode.REFUSED;
      }
      err.println("WARNING: NOT VERIFIED: no key given, so neither the MAC nor the validity window was checked;"
          + " pass --key, --keys-file or --keys-env to verify as a hop would");
      if (descriptor.expiresAt().plus(skew).isBefore(now)) {
        err.println("note: it expired at " + descriptor.expiresAt() + ", "
            + DurationText.format(Duration.between(descriptor.expiresAt(), now))
            + " ago: a hop would refuse it with descriptor.expired");
      }
    }
    if (args.has(ROUTE.name())) {
      Traceroute.print(descriptor, keys.isPresent() ? "verified" : "NOT VERIFIED", terminal.out());
    } else {
      terminal.out().println(ChainJson.toPrettyJson(descriptor));
    }
    return ExitCode.OK;
  }

  /**
   * The header value in what a person pasted: trimmed, without surrounding quotes or a leading
   * header name.
   */
  static String headerValue(String pasted) {
    String v = pasted.strip();
    for (String name : List.of(ChainHeaders.DESCRIPTOR, ChainHeaders.ROUTE)) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      if (v.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        v = v.substring(prefix.length()).strip();
      }
    }
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
      v = v.substring(1, v.length() - 1).strip();
    }
    return v;
  }

  private static Optional<ChainDescriptor> unverified(ChainCodec codec, String value) {
    try {
      return Optional.of(codec.decodeUnverified(value));
    } catch (ChainException e) {
      return Optional.empty();
    }
  }

  /** What a refused descriptor says, on stderr, clearly marked as unverified. */
  private static void describeUnverified(ChainDescriptor d, PrintStream err) {
    Segment current = d.currentSegment();
    err.println("the descriptor says (NOT VERIFIED; for diagnosis only):");
    err.println("  chain " + d.chainId().toHex() + d.chainName().map(n -> " (" + n + ")").orElse("")
        + ", segment " + d.pointer() + " of " + d.segments().size() + " is " + current + ", hop limit " + d.hopLimit());
    err.println("  issued " + d.issuedAt() + ", expires " + d.expiresAt()
        + d.deadline().map(t -> ", deadline " + t).orElse("") + ", " + d.route().size() + " route record(s)");
    err.println("  run without keys to see all of it as JSON");
  }

  /**
   * A ring no descriptor is signed with, for a codec that only ever decodes unverified; using it
   * keeps the insecure development mode (and its warnings) out of the command line.
   */
  private static KeyRing throwawayRing() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return KeyRing.builder().addKey("chain-cli-unverified", secret).build();
  }
}
