package io.chainmesh.cli;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Explains a refusal to the developer who is looking at it: the error line with its stable reason
 * code, then {@code hint:} lines that say what usually causes that reason and what to check, using
 * whatever is known (the keys held, the clock, the descriptor as sent, the URL).
 */
final class Diagnosis {
  private final Optional<KeyRing> keys;
  private final Optional<String> headerValue;
  private final Instant now;
  private final Duration skew;
  private final Duration maxLifetime;
  private final Optional<ChainDescriptor> unverified;
  private final Optional<String> url;

  private Diagnosis(Optional<KeyRing> keys, Optional<String> headerValue, Instant now, Duration skew,
      Duration maxLifetime, Optional<ChainDescriptor> unverified, Optional<String> url) {
    this.keys = keys;
    this.headerValue = headerValue;
    this.now = now;
    this.skew = skew;
    this.maxLifetime = maxLifetime;
    this.unverified = unverified;
    this.url = url;
  }

  /** For a header value decoded here, with the descriptor it carries if it parses at all. */
  static Diagnosis ofDecode(Optional<KeyRing> keys, String headerValue, Instant now, Duration skew,
      Duration maxLifetime, Optional<ChainDescriptor> unverified) {
    return new Diagnosis(keys, Optional.of(headerValue), now, skew, maxLifetime, unverified, Optional.empty());
  }

  /** For a request sent to {@code url} with {@code keys}. */
  static Diagnosis ofSend(KeyRing keys, String url, Instant now) {
    return new Diagnosis(Optional.of(keys), Optional.empty(), now, ChainCodec.DEFAULT_CLOCK_SKEW,
        ChainCodec.DEFAULT_MAX_LIFETIME, Optional.empty(), Optional.of(url));
  }

  /** Prints {@code error: <code>: <detail> (at <where>)} and the hints for it. */
  void print(ChainException e, PrintStream err) {
    err.println("error: " + e.getMessage());
    hints(e.reason(), e.offset().orElse(-1)).forEach(h -> err.println("hint: " + h));
  }

  /** The hints for {@code reason}; {@code offset} is where in the header value it was found, or -1. */
  List<String> hints(Reason reason, int offset) {
    List<String> hints = new ArrayList<>();
    switch (reason) {
      case DESCRIPTOR_MISSING -> hints.add("the request carried no Chain-Descriptor header: only the edge starts"
          + " chains; send to the edge, or sign one with 'chain-cli sign' and send it with 'chain-cli send'");
      case DESCRIPTOR_MALFORMED -> malformed(hints, offset);
      case DESCRIPTOR_TOO_LARGE -> hints.add("hops refuse header values over " + DecodeLimits.DEFAULTS.maxHeaderBytes()
          + " characters unless configured otherwise (DecodeLimits.maxHeaderBytes): fewer segments, shorter"
          + " metadata, or fewer route records; proxies on the way have their own limits (docs/deploy.md)");
      case DESCRIPTOR_UNSUPPORTED_VERSION -> hints.add("the sender speaks a newer descriptor format than this"
          + " chain-cli (format " + ChainDescriptor.MAJOR_VERSION + "); upgrade chain-cli");
      case DESCRIPTOR_EXPIRED -> expired(hints);
      case DESCRIPTOR_NOT_YET_VALID -> notYetValid(hints);
      case DESCRIPTOR_LIFETIME_TOO_LONG -> lifetime(hints);
      case INTEGRITY_MISSING -> hints.add("the descriptor is unsigned: its sender runs in insecure development mode"
          + " or has no key; hops refuse unsigned descriptors unless they are in that mode too");
      case INTEGRITY_UNKNOWN_KEY -> unknownKey(hints);
      case INTEGRITY_BAD_MAC -> badMac(hints);
      case HOP_LIMIT_EXCEEDED -> hints.add("the chain ran out of hops: a loop, or hops inserted more sub-chain"
          + " segments than the edge allowed for; the edge sets the hop limit (catalogue hopLimit)");
      case SEGMENT_NOT_HERE -> hints.add("the hop that answered does not serve the current segment: send to"
          + " the hop that serves it" + url.map(u -> " (sent to " + u + ")").orElse("")
          + ", or check the segment's service and function names against the hop's functions");
      case SEGMENT_UNRESOLVABLE -> hints.add("a hop's resolver does not know the next segment's service, or its"
          + " allow-list refuses it: check the resolver template or static map of the hop before it");
      case NEXT_HOP_UNREACHABLE -> hints.add(url.isPresent()
          ? "nothing answered at " + url.get() + ": is the hop running, and is the URL right?"
          : "a hop could not reach the next one: check that service's pods, DNS name and port");
      case NEXT_HOP_TIMEOUT, DEADLINE_EXCEEDED -> hints.add("the chain did not answer in time: a slow hop shows"
          + " in the route's own times; raise the descriptor's deadline" + (url.isPresent()
              ? " (--deadline) or the client timeout (--timeout)" : ""));
      case HANDLER_FAILED -> hints.add("the function itself failed: the hop's log has the stack trace (problem"
          + " documents never carry one); the failing hop is named above");
      default -> {
        if (reason.code().startsWith("limits.")) {
          hints.add("a hop with default limits refuses this descriptor too; limits are per hop"
              + " (DecodeLimits), so every hop of the chain must allow it");
        }
      }
    }
    return hints;
  }

  private void malformed(List<String> hints, int offset) {
    if (headerValue.isEmpty()) {
      return;
    }
    String value = headerValue.get();
    int space = indexOfWhitespace(value);
    if (space >= 0) {
      hints.add("the value has white space at offset " + space + ": pass only the header value, on one line,"
          + " without the header name");
    } else if (value.indexOf('=') >= 0 || value.indexOf('+') >= 0 || value.indexOf('/') >= 0) {
      hints.add("the value has '=', '+' or '/': header values are base64url ('-' and '_') without padding;"
          + " was it re-encoded or URL-decoded on the way?");
    } else if (value.indexOf('%') >= 0) {
      hints.add("the value has '%': it looks URL-encoded; decode it first");
    } else {
      hints.add("the value is " + value.length() + " characters long" + (offset >= 0 ? " and fails at offset "
          + offset : "") + ": is it complete? Logs and proxies may cut long values");
    }
  }

  private void expired(List<String> hints) {
    StringBuilder sb = new StringBuilder();
    unverified.ifPresent(d -> sb.append("it expired at ").append(d.expiresAt()).append(", ")
        .append(DurationText.format(Duration.between(d.expiresAt(), now))).append(" before ").append(now)
        .append("; "));
    sb.append("descriptors live for seconds (anti-replay): decode one captured just now, or pass --now with the"
        + " instant it was captured; if it was fresh, the hop's clock is ahead of the signer's by more than the"
        + " allowed skew (" + DurationText.format(skew) + "): check NTP on both");
    hints.add(sb.toString());
  }

  private void notYetValid(List<String> hints) {
    StringBuilder sb = new StringBuilder();
    unverified.ifPresent(d -> sb.append("it was issued at ").append(d.issuedAt()).append(", ")
        .append(DurationText.format(Duration.between(now, d.issuedAt()))).append(" after ").append(now)
        .append("; "));
    sb.append("the signer's clock is ahead of this one by more than the allowed skew (")
        .append(DurationText.format(skew)).append("): check NTP on both (or pass --skew, at most ")
        .append(DurationText.format(ChainCodec.MAX_CLOCK_SKEW)).append(')');
    hints.add(sb.toString());
  }

  private void lifetime(List<String> hints) {
    StringBuilder sb = new StringBuilder();
    unverified.ifPresent(d -> sb.append("it is valid from ").append(d.issuedAt()).append(" to ")
        .append(d.expiresAt()).append(" (").append(DurationText.format(Duration.between(d.issuedAt(), d.expiresAt())))
        .append("); "));
    sb.append("hops accept at most ").append(DurationText.format(maxLifetime))
        .append(" (ChainCodec maxLifetime): sign with a shorter --lifetime");
    hints.add(sb.toString());
  }

  private void unknownKey(List<String> hints) {
    keys.ifPresent(k -> hints.add("the keys given here are " + k.keyIds() + k.signingKeyId().map(s -> " (" + s + " signs)")
        .orElse("") + (url.isPresent() ? "; the hop that refused holds a different set" : "")));
    hints.add("key rotation order: add the new key to every hop and the edge first, then switch the signer,"
        + " and retire the old key last (docs/deploy.md)");
  }

  private void badMac(List<String> hints) {
    hints.add("the key id is known" + (url.isPresent() ? " to the hop" : " here") + " but the MAC does not match:"
        + " the secrets under that id differ (compare the key ring of signer and verifier), or the value was"
        + " altered or cut on the way" + headerValue.map(v -> " (it is " + v.length() + " characters long)").orElse(""));
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
