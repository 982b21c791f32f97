package io.chainmesh.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.chainmesh.core.internal.Base64Url;
import io.chainmesh.core.internal.HmacKey;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns descriptors into signed header values and back: the only place where a MAC is computed or
 * checked. Thread-safe and immutable; build one per hop and share it.
 *
 * <p>{@link #decode(CharSequence)} checks, in this order (normative in docs/wire-format.md):
 * header length; base64url; envelope; envelope version; integrity (MAC present, key known, MAC
 * correct, compared in constant time); descriptor bytes; major version; limits and structure;
 * validity window against the injected {@link Clock}. Whatever the input, it returns a valid
 * descriptor or throws a {@link ChainException} — never any other exception.
 *
 * <p>Two paths, one behaviour. A header in the form this codec writes (canonical envelope and
 * field order, no unknown fields, no raw-URL segments) is verified and validated on its bytes, and
 * the descriptor keeps them: its segments, metadata and route are read from them when asked for,
 * and after {@link ChainDescriptor#advance} or {@link ChainDescriptor#recordFinal} it is
 * re-encoded by patching pointer and hop limit and appending the record. Everything else — and
 * every refusal — takes the reference path (protobuf messages and the model), which is the
 * specification: the fast path accepts only what it accepts and writes exactly the bytes it writes.
 */
public final class ChainCodec {
  /** The only envelope version defined. */
  public static final int ENVELOPE_VERSION = 1;
  /** Default allowed clock skew between hops. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(5);
  /** Largest clock skew a codec may be configured to allow. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  /** Default longest accepted descriptor lifetime (expiry minus issue time). */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(ChainCodec.class);

  private final KeySource keys;
  private final DecodeLimits limits;
  private final Clock clock;
  private final long skewMillis;
  private final long maxLifetimeMillis;

  private ChainCodec(Builder b) {
    this.keys = b.keys;
    this.limits = b.limits;
    this.clock = b.clock;
    this.skewMillis = b.clockSkew.toMillis();
    this.maxLifetimeMillis = b.maxLifetime.toMillis();
  }

  /** A builder for a codec using {@code keys}. */
  public static Builder builder(KeySource keys) {
    return new Builder(keys);
  }

  /** The limits this codec applies. */
  public DecodeLimits limits() {
    return limits;
  }

  /** The clock this codec checks validity windows against. */
  public Clock clock() {
    return clock;
  }

  /**
   * The header value for {@code descriptor}: checked against the limits, serialized, MAC'd with the
   * signing key and base64url-encoded.
   *
   * @throws ChainException a {@code limits.*} reason if the descriptor exceeds this codec's limits,
   *     {@link Reason#DESCRIPTOR_TOO_LARGE} if the header would be longer than allowed
   */
  public String encode(ChainDescriptor descriptor) {
    WireDescriptor wire = descriptor.wire();
    if (wire != null && wire.canPatch(descriptor.appendedRoute(), limits)) {
      String header = encodePatched(descriptor, wire);
      if (header != null) {
        return header;
      }
    }
    return encodeReference(descriptor);
  }

  /**
   * The reference encoder: the model mapped to protobuf messages, checked, serialised. Every
   * descriptor can take it; {@link #encode} uses it for all but those decoded on the fast path.
   */
  String encodeReference(ChainDescriptor descriptor) {
    Descriptor message = DescriptorMapping.toProto(descriptor);
    DescriptorMapping.checkLimits(message, limits);
    byte[] bytes = message.toByteArray();
    // Wrapped, not copied: both arrays are fresh and never written again.
    Envelope.Builder envelope = Envelope.newBuilder()
        .setVersion(ENVELOPE_VERSION)
        .setDescriptorBytes(UnsafeByteOperations.unsafeWrap(bytes));
    HmacKey signer = keys.keyRing().signer();
    if (signer != null) {
      envelope.setKeyId(signer.id()).setMac(UnsafeByteOperations.unsafeWrap(signer.mac(ENVELOPE_VERSION, bytes)));
    }
    String header = Base64Url.encode(envelope.build().toByteArray());
    if (header.length() > limits.maxHeaderBytes()) {
      throw ChainException.atField(Reason.DESCRIPTOR_TOO_LARGE, "descriptor",
          "the encoded descriptor is " + header.length() + " bytes; at most " + limits.maxHeaderBytes()
              + " are allowed");
    }
    return header;
  }

  /**
   * The verified descriptor in {@code headerValue}.
   *
   * @throws ChainException with the reason, and the offset or field, of the first check that fails
   */
  public ChainDescriptor decode(CharSequence headerValue) {
    return decode(headerValue, clock.millis());
  }

  /**
   * The verified descriptor in {@code headerValue}, its validity window checked as of {@code asOf}
   * rather than now. For a caller verifying the route an answer brought back ({@code Chain-Route}):
   * checked as of when it sent the chain, an answer that arrives after the descriptor's expiry keeps
   * its verified route; the MAC and the chain id already tie the route to that one request. Never
   * use it to accept a request: hops check freshness against their clock.
   *
   * @throws ChainException with the reason, and the offset or field, of the first check that fails
   */
  public ChainDescriptor decode(CharSequence headerValue, Instant asOf) {
    return decode(headerValue, asOf.toEpochMilli());
  }

  private ChainDescriptor decode(CharSequence headerValue, long nowMillis) {
    checkHeaderLength(headerValue);
    if (headerValue instanceof String text) {
      byte[] buf = Base64Url.decodeInPlace(text);
      if (buf != null) {
        ChainDescriptor fast = decodeCanonical(buf, Base64Url.decodedLength(text.length()), nowMillis);
        if (fast != null) {
          return fast;
        }
      }
    }
    // The reference path decodes the text again on its own: it never relies on the in-place
    // decoding, whose bytes the fast path trusts only once their MAC has matched.
    byte[] bytes = Base64Url.decode(headerValue); // refuses non-canonical base64url, naming the offset
    return decodeReference(bytes, bytes.length, nowMillis);
  }

  /**
   * The reference decoder, from the decoded header on: protobuf parse of the envelope, integrity,
   * protobuf parse of the descriptor, limits, model, validity window. It decides every input the
   * fast path does not accept, and so gives every refusal its reason, field and offset.
   */
  private ChainDescriptor decodeReference(byte[] bytes, int length, long nowMillis) {
    Envelope envelope = parseEnvelope(bytes, length);
    verify(envelope);
    ChainDescriptor descriptor = parseDescriptor(envelope.getDescriptorBytes());
    checkValidity(descriptor.issuedAt().toEpochMilli(), descriptor.expiresAt().toEpochMilli(), nowMillis);
    return descriptor;
  }

  /** {@link #decode(CharSequence)} on the reference path only: for tests comparing the two paths. */
  ChainDescriptor decodeReference(CharSequence headerValue, long nowMillis) {
    checkHeaderLength(headerValue);
    byte[] bytes = Base64Url.decode(headerValue);
    return decodeReference(bytes, bytes.length, nowMillis);
  }

  /**
   * The fast path: an envelope in the reference encoder's exact layout, a known key and a correct
   * MAC, and a descriptor that {@link WireDescriptor#scan} accepts, which then stays in its bytes.
   * Null when the envelope is unusual or its MAC does not match: the reference decoder then decides
   * from the header text. Once the MAC has matched, the bytes are those the signer wrote, so a
   * descriptor the scan does not accept is handed to the reference parser right here.
   */
  private ChainDescriptor decodeCanonical(byte[] bytes, int n, long nowMillis) {
    // version = 1
    if (n < 2 || bytes[0] != (1 << 3) || bytes[1] != ENVELOPE_VERSION) {
      return null;
    }
    int p = 2;
    // key_id: a token of at most 64 characters, so its length is one byte
    if (p + 1 >= n || bytes[p] != (2 << 3 | 2) || bytes[p + 1] <= 0) {
      return null;
    }
    int keyLen = bytes[p + 1];
    int keyOff = p + 2;
    p = keyOff + keyLen;
    // descriptor_bytes
    if (p >= n || bytes[p] != (3 << 3 | 2)) {
      return null;
    }
    p++;
    int descLen = 0;
    for (int shift = 0; ; shift += 7) {
      if (p >= n || shift > 21) {
        return null;
      }
      byte b = bytes[p++];
      descLen |= (b & 0x7f) << shift;
      if (b >= 0) {
        if (b == 0 && shift > 0) {
          return null;
        }
        break;
      }
    }
    int descOff = p;
    // mac: 32 bytes, and nothing after it
    int macTag = descOff + descLen;
    if (descLen <= 0 || macTag + 2 + HmacKey.MAC_BYTES != n || bytes[macTag] != (4 << 3 | 2)
        || bytes[macTag + 1] != HmacKey.MAC_BYTES) {
      return null;
    }
    HmacKey key = keys.keyRing().key(bytes, keyOff, keyLen);
    if (key == null || !key.verify(ENVELOPE_VERSION, bytes, descOff, descLen, macTag + 2)) {
      return null;
    }
    WireDescriptor wire = WireDescriptor.scan(bytes, descOff, descLen, limits);
    if (wire == null) { // verified, but unusual or invalid: the reference path parses it where it lies
      ChainDescriptor descriptor = parseDescriptor(UnsafeByteOperations.unsafeWrap(bytes, descOff, descLen));
      checkValidity(descriptor.issuedAt().toEpochMilli(), descriptor.expiresAt().toEpochMilli(), nowMillis);
      return descriptor;
    }
    checkValidity(wire.issuedAtMs, wire.expiresAtMs, nowMillis);
    return ChainDescriptor.fromWire(wire);
  }

  /**
   * {@link #encode} for a descriptor decoded on the fast path: its bytes with pointer and hop limit
   * patched and the new route records appended, MAC'd and base64url-encoded in one array, the
   * envelope written at its end and encoded in place towards its start. Null when the header would
   * be too long (the reference encoder then refuses it).
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the key id is ASCII
  private String encodePatched(ChainDescriptor d, WireDescriptor wire) {
    HmacKey signer = keys.keyRing().signer();
    List<RouteRecord> appended = d.appendedRoute();
    int descLen = wire.patchedSize(d.pointer(), d.hopLimit(), appended);
    int keyLen = signer == null ? 0 : signer.id().length(); // a token of at most 64 characters
    int envLen = 2 + (signer == null ? 0 : 2 + keyLen) + 1 + WireDescriptor.varintSize(descLen) + descLen
        + (signer == null ? 0 : 2 + HmacKey.MAC_BYTES);
    int headerLen = Base64Url.encodedLength(envLen);
    if (headerLen > limits.maxHeaderBytes()) {
      return null;
    }
    byte[] out = new byte[headerLen];
    int o = headerLen - envLen;
    out[o++] = 1 << 3;
    out[o++] = ENVELOPE_VERSION;
    if (signer != null) {
      out[o++] = 2 << 3 | 2;
      out[o++] = (byte) keyLen;
      signer.id().getBytes(0, keyLen, out, o); // ASCII
      o += keyLen;
    }
    out[o++] = 3 << 3 | 2;
    o = WireDescriptor.writeVarint(out, o, descLen);
    int descOff = o;
    o = wire.writeDescriptor(out, o, d.pointer(), d.hopLimit(), appended);
    if (signer != null) {
      out[o++] = 4 << 3 | 2;
      out[o++] = HmacKey.MAC_BYTES;
      signer.mac(ENVELOPE_VERSION, out, descOff, descLen, out, o);
    }
    return Base64Url.encodeInPlace(out, headerLen - envLen, envLen);
  }

  /**
   * The descriptor in {@code headerValue} <em>without</em> checking its MAC or validity window: for
   * tools that show a refused descriptor to a developer (the CLI's {@code decode}). Never serve a
   * request with it.
   *
   * @throws ChainException for malformed input or limit breaches
   */
  public ChainDescriptor decodeUnverified(CharSequence headerValue) {
    checkHeaderLength(headerValue);
    byte[] bytes = Base64Url.decode(headerValue);
    return parseDescriptor(parseEnvelope(bytes, bytes.length).getDescriptorBytes());
  }

  private void checkHeaderLength(CharSequence headerValue) {
    int length = headerValue.length();
    if (length > limits.maxHeaderBytes()) {
      throw ChainException.of(Reason.DESCRIPTOR_TOO_LARGE,
          "the descriptor header is " + length + " bytes; at most " + limits.maxHeaderBytes() + " are allowed");
    }
    if (length == 0) {
      throw ChainException.of(Reason.DESCRIPTOR_MALFORMED, "the descriptor header is empty");
    }
  }

  private Envelope parseEnvelope(byte[] bytes, int length) {
    // Aliasing: the envelope's bytes fields share this array, which nothing writes again, instead
    // of copying it; the descriptor is then parsed and MAC'd where it lies.
    CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes, 0, length).newCodedInput();
    in.enableAliasing(true);
    Envelope envelope;
    try {
      envelope = Envelope.parseFrom(in);
    } catch (java.io.IOException e) { // InvalidProtocolBufferException; input is in memory
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, in.getTotalBytesRead(),
          "the envelope is not a valid protobuf message (" + protobufProblem(e) + ")");
    }
    if (envelope.getVersion() != ENVELOPE_VERSION) {
      throw ChainException.atField(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "envelope.version",
          "envelope version " + Integer.toUnsignedString(envelope.getVersion()) + " is not supported; this hop speaks "
              + ENVELOPE_VERSION);
    }
    return envelope;
  }

  private void verify(Envelope envelope) {
    KeyRing ring = keys.keyRing();
    Reason refusal;
    String detail;
    if (envelope.getKeyId().isEmpty() || envelope.getMac().isEmpty()) {
      refusal = Reason.INTEGRITY_MISSING;
      detail = envelope.getKeyId().isEmpty() ? "the envelope carries no key id" : "the envelope carries no MAC";
    } else {
      HmacKey key = ring.key(envelope.getKeyId());
      if (key == null) {
        refusal = Reason.INTEGRITY_UNKNOWN_KEY;
        detail = "key id " + ChainException.quote(envelope.getKeyId()) + " is not held by this hop";
      } else if (envelope.getMac().size() != HmacKey.MAC_BYTES
          || !key.verify(ENVELOPE_VERSION, envelope.getDescriptorBytes(), envelope.getMac().toByteArray())) {
        refusal = Reason.INTEGRITY_BAD_MAC;
        detail = "the MAC does not match the descriptor";
      } else {
        return;
      }
    }
    if (ring.isInsecureDevelopmentMode()) {
      log.warn("INSECURE development mode: accepting a descriptor a real key ring would refuse ({}: {})",
          refusal.code(), detail);
      return;
    }
    throw ChainException.atField(refusal, "envelope", detail);
  }

  private ChainDescriptor parseDescriptor(ByteString bytes) {
    CodedInputStream in = bytes.newCodedInput();
    Descriptor message;
    try {
      message = Descriptor.parseFrom(in);
    } catch (java.io.IOException e) { // InvalidProtocolBufferException; input is in memory
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, in.getTotalBytesRead(),
          "the descriptor is not a valid protobuf message (" + protobufProblem(e) + ")");
    }
    if (message.getMajorVersion() != ChainDescriptor.MAJOR_VERSION) {
      throw ChainException.atField(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "majorVersion",
          "descriptor major version " + Integer.toUnsignedString(message.getMajorVersion())
              + " is not supported; this hop speaks " + ChainDescriptor.MAJOR_VERSION);
    }
    DescriptorMapping.checkLimits(message, limits);
    return DescriptorMapping.fromProto(message);
  }

  private void checkValidity(long issued, long expires, long now) {
    if (issued > now + skewMillis) {
      throw ChainException.atField(Reason.DESCRIPTOR_NOT_YET_VALID, "issuedAt",
          "the descriptor is issued " + (issued - now) + " ms in the future");
    }
    // Written so that no sum or difference overflows for any int64 issue and expiry time.
    if (now - skewMillis > expires) {
      throw ChainException.atField(Reason.DESCRIPTOR_EXPIRED, "expiresAt",
          "the descriptor expired " + Long.toUnsignedString(now - expires) + " ms ago");
    }
    // expires > issued (a model invariant), so the exact difference is in (0, 2^64): unsigned.
    if (Long.compareUnsigned(expires - issued, maxLifetimeMillis) > 0) {
      throw ChainException.atField(Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt",
          "the descriptor is valid for " + Long.toUnsignedString(expires - issued) + " ms; at most "
              + maxLifetimeMillis + " are accepted");
    }
  }

  /** Protobuf's explanation, which names the structural problem and never echoes input bytes. */
  private static String protobufProblem(java.io.IOException e) {
    String message = e.getMessage();
    if (message == null) {
      return "unparseable";
    }
    int cut = message.indexOf('.');
    return (cut > 0 ? message.substring(0, cut) : message).strip();
  }

  @Override
  public String toString() {
    return "ChainCodec{keys=" + keys.keyRing() + ", limits=" + limits + ", skew=" + skewMillis
        + "ms, maxLifetime=" + maxLifetimeMillis + "ms}";
  }

  /** Builds a {@link ChainCodec}. */
  public static final class Builder {
    private final KeySource keys;
    private DecodeLimits limits = DecodeLimits.DEFAULTS;
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Duration maxLifetime = DEFAULT_MAX_LIFETIME;

    private Builder(KeySource keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The limits; {@link DecodeLimits#DEFAULTS} unless set. */
    public Builder limits(DecodeLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The clock validity windows are checked against; the system UTC clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How far hop clocks may disagree; {@link #DEFAULT_CLOCK_SKEW} unless set.
     *
     * @throws IllegalArgumentException if negative or above {@link #MAX_CLOCK_SKEW}
     */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException("clock skew must be in [0, " + MAX_CLOCK_SKEW + "], was " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * The longest lifetime (expiry minus issue time) accepted; {@link #DEFAULT_MAX_LIFETIME} unless
     * set. Bounds how long a captured descriptor can be replayed.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxLifetime(Duration maxLifetime) {
      if (maxLifetime.isNegative() || maxLifetime.isZero()) {
        throw new IllegalArgumentException("max lifetime must be positive, was " + maxLifetime);
      }
      this.maxLifetime = maxLifetime;
      return this;
    }

    /** The codec. */
    public ChainCodec build() {
      return new ChainCodec(this);
    }
  }
}
