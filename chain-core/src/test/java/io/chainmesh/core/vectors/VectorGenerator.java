package io.chainmesh.core.vectors;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import io.chainmesh.core.internal.proto.MetadataEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the language-neutral test vectors in {@code src/test/resources/vectors}: the files are the
 * source of truth, this class is how they were made. It is deterministic (fixed keys, chain ids and
 * times), so rerunning it reproduces the committed files byte for byte; {@code TestVectorsTest}
 * checks that.
 *
 * <p>Valid vectors are built with the public model and encoded by {@link ChainCodec}; the worked
 * example of docs/wire-format.md is also recomputed here step by step from the specification (own
 * MAC input, {@code javax.crypto} HMAC, JDK base64url) and must agree with the codec. Invalid
 * vectors are built as protobuf bytes directly with the generated classes, bypassing the model's
 * validation, and signed with the specification's MAC where they must get past the integrity
 * check.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -B -q -pl chain-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.chainmesh.core.vectors.VectorGenerator \
 *     -Dexec.args=chain-core/src/test/resources/vectors
 * </pre>
 */
public final class VectorGenerator {
  /** The value of every file's {@code format} property. */
  static final String FORMAT = "chainmesh-test-vectors/1";

  static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");
  static final Duration CLOCK_SKEW = ChainCodec.DEFAULT_CLOCK_SKEW;
  static final Duration MAX_LIFETIME = ChainCodec.DEFAULT_MAX_LIFETIME;
  static final Instant ISSUED = NOW.minusSeconds(10);
  static final Instant EXPIRES = ISSUED.plusSeconds(60);

  /** The ring of every file but insecure.json: k1 signs, k2 verifies (a key being rotated out). */
  static final Key K1 = new Key("k1", pattern(0x00));
  static final Key K2 = new Key("k2", pattern(0x20));
  /** A key the ring does not hold, under an id the ring does hold: MACs by an outsider. */
  static final Key OUTSIDER = new Key("k1", pattern(0xa0));

  private static final byte[] LABEL = "chainmesh.v1.envelope".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final HexFormat HEX = HexFormat.of();
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  /** The vectors' keys are published by design: the ring that signs them must opt in. */
  private final KeyRing ring = KeyRing.builder().allowPublishedKeysForTesting()
      .addKey(K1.id, K1.secret).addKey(K2.id, K2.secret).build();
  private final ChainCodec codec = codec(ring);
  private final ChainCodec codecSigningWithK2 = codec(ring.signingWith(K2.id));
  private final ChainCodec insecureCodec = codec(KeyRing.insecureDevelopmentMode());

  record Key(String id, byte[] secret) {}

  private VectorGenerator() {}

  /**
   * Writes every vector file into {@code args[0]} (default: {@code src/test/resources/vectors}
   * when run from chain-core, {@code chain-core/src/test/resources/vectors} from the root).
   */
  public static void main(String[] args) throws IOException {
    Path dir;
    if (args.length > 0) {
      dir = Path.of(args[0]);
    } else if (Files.isDirectory(Path.of("src/test/resources"))) {
      dir = Path.of("src/test/resources/vectors");
    } else {
      dir = Path.of("chain-core/src/test/resources/vectors");
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : render().entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      System.out.println("wrote " + dir.resolve(file.getKey()));
    }
  }

  /** Every vector file: name to content (UTF-8 JSON, LF line ends, final new line). */
  static Map<String, String> render() {
    VectorGenerator g = new VectorGenerator();
    Map<String, String> files = new LinkedHashMap<>();
    files.put("valid.json", g.file("Descriptors every conforming hop accepts, each with the result of one"
        + " step (advance or recordFinal) re-encoded and signed by the hop's signing key k1.",
        g.context(false), g.validCases(), List.of()));
    files.put("invalid-header.json", g.file("Header values refused before any protobuf is parsed:"
        + " length first, then strict base64url.", g.context(false), List.of(), g.headerCases()));
    files.put("invalid-envelope.json", g.file("Base64url that decodes, but not to a usable envelope.",
        g.context(false), List.of(), g.envelopeCases()));
    files.put("invalid-integrity.json", g.file("Envelopes whose MAC is missing, made with an unknown or"
        + " wrong key, or does not cover the descriptor bytes that are there.",
        g.context(false), List.of(), g.integrityCases()));
    files.put("invalid-descriptor.json", g.file("Correctly signed envelopes whose descriptor bytes do not"
        + " parse, have an unknown major version, exceed a limit or break an invariant.",
        g.context(false), List.of(), g.descriptorCases()));
    files.put("invalid-validity.json", g.file("Correctly signed, well-formed descriptors outside their"
        + " validity window, and inputs with several faults that show the order of the checks.",
        g.context(false), List.of(), g.validityCases()));
    files.put("unservable.json", g.file("Descriptors that decode (each is what a hop returns in Chain-Route, or"
        + " claims to be) but that no hop serves: their route already records the current segment, so a hop"
        + " refuses them with segment.already_served before anything runs (docs/wire-format.md 14.1).",
        g.context(false), g.unservableCases(), List.of()));
    files.put("insecure.json", g.file("Insecure development mode: a ring without keys that accepts"
        + " unsigned (and unverifiable) envelopes but still applies every other check, and signs nothing.",
        g.context(true), g.insecureValidCases(), g.insecureInvalidCases()));
    return files;
  }

  // ---------------------------------------------------------------------------------------------
  // Valid cases

  private List<ObjectNode> validCases() {
    List<ObjectNode> cases = new ArrayList<>();
    cases.add(workedExample());

    ChainDescriptor midChain = ChainDescriptor.builder()
        .chainId(chainId(2))
        .chainName("checkout")
        .segment(Segment.builder("validate.shop").function("order").argument("schema", "v3").build())
        .segment(Segment.builder("enrich.shop").function("customer").build())
        .segment(Segment.builder("pricing.shop").function("quote").argument("currency", "EUR")
            .argument("rounding", "half-even").build())
        .segment(Segment.of("receipt.shop"))
        .pointer(2)
        .hopLimit(5)
        .edgeMetadata("customer.tier", "gold")
        .edgeMetadata("tenant", "acme")
        .contextMetadata("fraud.score", "0.12")
        .contextMetadata("enrich.region", "eu-west-1")
        .issuedAt(ISSUED)
        .expiresAt(EXPIRES)
        .deadline(NOW.plusSeconds(30))
        .routeRecord(record(0, "validate-7f9c", ISSUED.plusMillis(120), 850, Outcome.FORWARDED))
        .routeRecord(record(1, "enrich-0a1b", ISSUED.plusMillis(140), 2300, Outcome.FORWARDED))
        .build();
    cases.add(valid("mid-chain-everything", "Four segments with functions and arguments, pointer 2,"
            + " a hop limit above what is needed, edge and context metadata, a deadline and two route records.",
        midChain, codec, Step.advance(record(2, "pricing-55d2", NOW.minusMillis(900), 4100, Outcome.FORWARDED))));

    cases.add(valid("signed-with-second-key", "Signed with k2, a key the ring still verifies but no longer"
            + " signs with (rotation). The hop re-signs the advanced descriptor with its signing key k1.",
        simple(3, 3, 0).build(), codecSigningWithK2,
        Step.advance(record(0, "alpha-1", NOW.minusSeconds(1), 10, Outcome.FORWARDED))));

    cases.add(valid("async-with-reply-to", "Asynchronous return: the last hop delivers the result to the"
            + " reply-to segment.",
        simple(4, 3, 1).async(Segment.of("edge.shop", "reply"))
            .routeRecord(record(0, "alpha-1", ISSUED.plusMillis(5), 77, Outcome.FORWARDED)).build(),
        codec, Step.advance(record(1, "beta-2", ISSUED.plusMillis(9), 1500, Outcome.FORWARDED))));

    cases.add(valid("last-segment-answers", "At the last segment with hop limit 1: the hop answers and"
            + " records its outcome with recordFinal; pointer and hop limit stay.",
        simple(5, 3, 2).hopLimit(1)
            .routeRecord(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FORWARDED))
            .routeRecord(record(1, "beta-2", ISSUED.plusMillis(6), 80, Outcome.FORWARDED)).build(),
        codec, Step.recordFinal(record(2, "gamma-3", ISSUED.plusMillis(7), 90, Outcome.ANSWERED))));

    cases.add(valid("ends-early", "The first hop ends the chain early with a reply of its own.",
        simple(6, 3, 0).build(), codec,
        Step.recordFinal(record(0, "alpha-1", NOW.minusMillis(3), 12, Outcome.ENDED_EARLY))));

    cases.add(valid("hop-limit-one-cannot-advance", "Hop limit 1 before the last segment is accepted, but"
            + " advancing would make it 0, so advance is refused.",
        simple(7, 3, 0).hopLimit(1).build(), codec,
        Step.advanceRefused(record(0, "alpha-1", NOW, 1, Outcome.FORWARDED), Reason.HOP_LIMIT_EXCEEDED)));

    cases.add(valid("last-segment-cannot-advance", "advance at the last segment is refused: the pointer"
            + " cannot leave the list.",
        simple(8, 2, 1).build(), codec,
        Step.advanceRefused(record(1, "beta-2", NOW, 1, Outcome.FORWARDED), Reason.POINTER_OUT_OF_RANGE)));

    cases.add(valid("maximum-hop-limit", "Hop limit 255, the default maximum.",
        simple(9, 2, 0).hopLimit(255).build(), codec,
        Step.advance(record(0, "alpha-1", NOW, 1, Outcome.FORWARDED))));

    ChainDescriptor.Builder many = ChainDescriptor.builder().chainId(chainId(10)).issuedAt(ISSUED).expiresAt(EXPIRES);
    for (int i = 0; i < 64; i++) {
      many.segment(Segment.of("s" + i));
    }
    cases.add(valid("maximum-segments", "64 segments, the default maximum; the hop limit defaults to 64.",
        many.build(), codec, Step.advance(record(0, "s0-a", NOW, 5, Outcome.FORWARDED))));

    ChainDescriptor.Builder metadata = simple(11, 2, 0);
    for (int i = 0; i < 32; i++) {
      metadata.edgeMetadata("edge." + i, "e" + i);
    }
    for (int i = 0; i < 31; i++) {
      metadata.contextMetadata("ctx." + i, "c" + i);
    }
    metadata.contextMetadata("k".repeat(64), "\u00e9".repeat(512)); // key of 64 chars, value of 1024 UTF-8 bytes
    cases.add(valid("maximum-metadata", "64 metadata entries (32 edge, 32 context), a key of 64 characters"
            + " and a value of 1024 UTF-8 bytes (512 times U+00E9): all at the default maximum.",
        metadata.build(), codec, Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));

    ChainDescriptor.Builder route = ChainDescriptor.builder().chainId(chainId(12)).issuedAt(ISSUED)
        .expiresAt(EXPIRES).pointer(63).hopLimit(1);
    for (int i = 0; i < 64; i++) {
      route.segment(Segment.of("s" + i));
      if (i < 63) {
        route.routeRecord(record(i, "n" + i, ISSUED.plusMillis(i), i, Outcome.FORWARDED));
      }
    }
    cases.add(valid("maximum-route", "At the last of 64 segments with 63 route records; the final record"
            + " makes 64, the default maximum.",
        route.build(), codec, Step.recordFinal(record(63, "n63", ISSUED.plusMillis(63), 63, Outcome.ANSWERED))));

    ChainDescriptor exactly = headerOfExactly(4096);
    cases.add(valid("header-of-exactly-4096", "A header value of exactly 4096 characters, the default"
            + " maximum. Advancing adds a route record, so the hop cannot encode the result.",
        exactly, codec,
        Step.advanceRefused(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED), Reason.DESCRIPTOR_TOO_LARGE)));

    cases.add(newerMinorVersion());
    cases.add(nonCanonicalEncoding());

    cases.add(valid("expiry-at-clock-skew", "Expired exactly 5 s (the allowed clock skew) ago: still accepted.",
        simple(15, 2, 0).issuedAt(NOW.minusSeconds(65)).expiresAt(NOW.minus(CLOCK_SKEW)).build(), codec,
        Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));
    cases.add(valid("issued-at-clock-skew", "Issued exactly 5 s (the allowed clock skew) in the future:"
            + " still accepted.",
        simple(16, 2, 0).issuedAt(NOW.plus(CLOCK_SKEW)).expiresAt(NOW.plusSeconds(65)).build(), codec,
        Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));
    cases.add(valid("lifetime-at-maximum", "Expiry exactly 10 minutes (the maximum lifetime) after issue.",
        simple(17, 2, 0).issuedAt(NOW.minusSeconds(1)).expiresAt(NOW.minusSeconds(1).plus(MAX_LIFETIME)).build(),
        codec, Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));

    cases.add(valid("raw-url-segment", "The next segment is a raw URL (proto field url). The codec accepts"
            + " it; the hop that would forward to it refuses unless its resolver explicitly allows the host.",
        ChainDescriptor.builder().chainId(chainId(18)).issuedAt(ISSUED).expiresAt(EXPIRES)
            .segment(Segment.of("gateway"))
            .segment(Segment.url(URI.create("https://partner.example.com/hooks/chain"))).build(),
        codec, Step.advance(record(0, "gateway-1", NOW, 5, Outcome.FORWARDED))));

    ChainDescriptor beforeInsert = simple(19, 3, 0).hopLimit(6).build();
    ChainDescriptor inserted = beforeInsert.insertAfterCurrent(
        List.of(Segment.of("audit", "log"), Segment.of("fx", "convert")));
    cases.add(valid("inserted-sub-chain", "[alpha, beta, gamma] with hop limit 6, after the hop at alpha"
            + " inserted [audit/log, fx/convert] after the current segment: 5 segments, 2 of them inserted.",
        inserted, codec, Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));

    byte[] descriptor = descriptorBytes(simple(20, 2, 0).build());
    byte[] envelope = Envelope.newBuilder().setVersion(1).setKeyId(K1.id)
        .setDescriptorBytes(ByteString.copyFrom(descriptor)).setMac(ByteString.copyFrom(mac(K1, descriptor)))
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build())
        .build().toByteArray();
    cases.add(validHeader("envelope-unknown-field", "The envelope carries an unknown field 9. Envelope fields"
            + " other than 1-4 are not covered by the MAC: they are ignored, and not forwarded.",
        b64(envelope), Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED))));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Unservable cases: they decode, and serving them is refused

  private List<ObjectNode> unservableCases() {
    List<ObjectNode> cases = new ArrayList<>();
    ChainDescriptor walked = simple(800, 3, 0).build()
        .advance(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FORWARDED))
        .advance(record(1, "beta-2", ISSUED.plusMillis(6), 80, Outcome.FORWARDED))
        .recordFinal(record(2, "gamma-3", ISSUED.plusMillis(7), 90, Outcome.ANSWERED));
    cases.add(unservable("finished-route", "The Chain-Route of a chain walked to its end: pointer at the last"
            + " segment, whose record (answered) the route holds. POSTed back to that segment's hop, it would run"
            + " the function again; the hop refuses it. Finishing it again breaks the route order.",
        walked, Step.recordFinalRefused(record(2, "gamma-3", NOW, 5, Outcome.ANSWERED), Reason.DESCRIPTOR_MALFORMED)));

    ChainDescriptor endedEarly = simple(801, 3, 0).build()
        .advance(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FORWARDED))
        .recordFinal(record(1, "beta-2", ISSUED.plusMillis(6), 80, Outcome.ENDED_EARLY));
    cases.add(unservable("ended-early-route", "The Chain-Route of a chain the second hop ended early: the"
            + " pointer stays at segment 1, which the route records. Advancing it would break the route order.",
        endedEarly, Step.advanceRefused(record(1, "beta-2", NOW, 5, Outcome.FORWARDED), Reason.DESCRIPTOR_MALFORMED)));

    ChainDescriptor failed = simple(802, 2, 0).async(Segment.of("edge.shop", "reply")).build()
        .recordFinal(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FAILED));
    cases.add(unservable("failed-async-route", "What the first hop of an asynchronous chain delivers to reply-to"
            + " when its function fails: the route records segment 0, the pointer's.",
        failed, Step.recordFinalRefused(record(0, "alpha-1", NOW, 5, Outcome.FAILED), Reason.DESCRIPTOR_MALFORMED)));

    ChainDescriptor forwardedHere = simple(803, 3, 1)
        .routeRecord(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FORWARDED))
        .routeRecord(record(1, "beta-2", ISSUED.plusMillis(6), 80, Outcome.FORWARDED)).build();
    cases.add(unservable("current-segment-already-recorded", "Pointer 1 with a route that already records"
            + " segment 1, as forwarded: no hop emits this (advance moves the pointer past its record), but a"
            + " key holder could sign it. Whatever the outcome, a recorded segment is served.",
        forwardedHere, Step.advanceRefused(record(1, "beta-2", NOW, 5, Outcome.FORWARDED), Reason.DESCRIPTOR_MALFORMED)));
    return cases;
  }

  /** A valid case whose descriptor a hop refuses to serve, with the refusal as {@code serve}. */
  private ObjectNode unservable(String name, String description, ChainDescriptor d, Step step) {
    ObjectNode c = valid(name, description, d, codec, step);
    try {
      d.requireServable();
      throw new IllegalStateException(name + ": expected a refusal to serve");
    } catch (ChainException e) {
      ObjectNode serve = c.putObject("serve");
      serve.put("reason", e.reason().code());
      serve.put("status", e.reason().httpStatus());
      e.field().ifPresent(field -> serve.put("field", field));
    }
    return c;
  }

  private ObjectNode workedExample() {
    ChainDescriptor d = ChainDescriptor.builder()
        .chainId(ChainId.fromHex("0123456789abcdeffedcba9876543210"))
        .chainName("checkout")
        .segment(Segment.of("validate", "order"))
        .segment(Segment.of("pricing", "quote"))
        .segment(Segment.of("receipt"))
        .edgeMetadata("customer.tier", "gold")
        .issuedAt(ISSUED)
        .expiresAt(EXPIRES)
        .build();
    RouteRecord record = record(0, "validate-7f9c", NOW.minusMillis(1500), 1250, Outcome.FORWARDED);
    ObjectNode c = valid("worked-example", "The worked example of docs/wire-format.md, with every"
        + " intermediate byte string under \"intermediate\".", d, codec, Step.advance(record));

    // Recompute every step from the specification alone and insist the codec agrees.
    byte[] descriptor = descriptorBytes(d);
    byte[] macInput = macInput(1, K1.id, descriptor);
    byte[] tag = hmac(K1.secret, macInput);
    byte[] envelope = Envelope.newBuilder().setVersion(1).setKeyId(K1.id)
        .setDescriptorBytes(ByteString.copyFrom(descriptor)).setMac(ByteString.copyFrom(tag)).build().toByteArray();
    String header = b64(envelope);
    require(header.equals(c.get("header").stringValue()), "worked example: spec and codec disagree on the header");
    byte[] advanced = descriptorBytes(d.advance(record));
    byte[] advancedTag = hmac(K1.secret, macInput(1, K1.id, advanced));
    String advancedHeader = b64(Envelope.newBuilder().setVersion(1).setKeyId(K1.id)
        .setDescriptorBytes(ByteString.copyFrom(advanced)).setMac(ByteString.copyFrom(advancedTag))
        .build().toByteArray());
    require(advancedHeader.equals(c.get("step").get("header").stringValue()),
        "worked example: spec and codec disagree on the advanced header");

    ObjectNode intermediate = MAPPER.createObjectNode();
    intermediate.put("descriptorHex", HEX.formatHex(descriptor));
    intermediate.put("macInputHex", HEX.formatHex(macInput));
    intermediate.put("macHex", HEX.formatHex(tag));
    intermediate.put("envelopeHex", HEX.formatHex(envelope));
    intermediate.put("advancedDescriptorHex", HEX.formatHex(advanced));
    intermediate.put("advancedMacHex", HEX.formatHex(advancedTag));
    c.set("intermediate", intermediate);
    return c;
  }

  private ObjectNode newerMinorVersion() {
    Descriptor base = proto(simple(13, 3, 1)
        .routeRecord(record(0, "alpha-1", ISSUED.plusMillis(5), 70, Outcome.FORWARDED)).build());
    Descriptor.Builder b = base.toBuilder().setMinorVersion(3);
    b.setSegments(1, b.getSegments(1).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(5, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("blue")).build())
        .build()));
    b.setRoute(0, b.getRoute(0).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(6, UnknownFieldSet.Field.newBuilder().addFixed64(0x0102030405060708L).build()).build()));
    b.setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(17, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
        .addField(18, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
        .addField(30, UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
        .build());
    return validHeader("newer-minor-version-unknown-fields", "Minor version 3 with fields this version does"
            + " not know: 17 (varint), 18 (bytes) and 30 (fixed32) in the descriptor, 5 in segment 1, 6 in"
            + " route record 0. They appear in the JSON as unknownFields and survive advance byte for byte.",
        signed(K1, b.build().toByteArray()),
        Step.advance(record(1, "beta-2", NOW, 5, Outcome.FORWARDED)));
  }

  private ObjectNode nonCanonicalEncoding() {
    Descriptor base = proto(simple(14, 2, 0).build());
    // Fields in reverse order, pointer 0 and return mode 0 written explicitly, hop limit as a
    // two-byte varint. The MAC covers these exact bytes; a hop never re-serializes to verify.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tag(out, 13, 0);
    varint(out, 0);
    tag(out, 11, 0);
    varint(out, base.getExpiresAtMs());
    tag(out, 10, 0);
    varint(out, base.getIssuedAtMs());
    tag(out, 7, 0);
    out.write(0x82);
    out.write(0x00);
    tag(out, 6, 0);
    varint(out, 0);
    for (int i = 0; i < base.getSegmentsCount(); i++) {
      lengthDelimited(out, 5, base.getSegments(i).toByteArray());
    }
    lengthDelimited(out, 3, base.getChainId().toByteArray());
    tag(out, 1, 0);
    varint(out, 1);
    return validHeader("non-canonical-encoding", "Descriptor bytes that are valid protobuf but not what an"
            + " encoder writes: fields in descending order, pointer 0 and return mode 0 present, hop limit"
            + " as the two-byte varint 82 00. The MAC covers these bytes; advance re-encodes canonically.",
        signed(K1, out.toByteArray()), Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED)));
  }

  /** A two-segment chain, padded with edge metadata, whose header is exactly {@code length} characters. */
  private ChainDescriptor headerOfExactly(int length) {
    for (int pad = 0; pad <= 1024; pad++) {
      ChainDescriptor d = padded(pad);
      int n = codec.encode(d).length();
      if (n == length) {
        return d;
      }
      if (n > length) {
        break;
      }
    }
    throw new IllegalStateException("no padding gives a header of exactly " + length);
  }

  private ChainDescriptor padded(int pad) {
    return simple(21, 2, 0)
        .edgeMetadata("pad.a", "a".repeat(1000))
        .edgeMetadata("pad.b", "b".repeat(1000))
        .edgeMetadata("pad.c", "c".repeat(pad))
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Invalid cases: header and base64url

  private List<ObjectNode> headerCases() {
    List<ObjectNode> cases = new ArrayList<>();
    String good = codec.encode(simple(100, 3, 0).build());
    cases.add(invalid("empty", "An empty header value.", "", Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("too-large-4097", "4097 characters: refused on length alone, before base64url.",
        "A".repeat(4097), Reason.DESCRIPTOR_TOO_LARGE));
    cases.add(invalid("too-large-garbage", "5000 characters that are not base64url: length is checked first.",
        "!".repeat(5000), Reason.DESCRIPTOR_TOO_LARGE));
    ChainDescriptor padded = headerOfExactly(4096);
    ChainDescriptor bigger = padded(padded.edgeMetadata().get("pad.c").length() + 1);
    cases.add(invalid("too-large-signed", "A correctly signed descriptor whose header is "
            + encodeUnlimited(bigger).length() + " characters.",
        encodeUnlimited(bigger), Reason.DESCRIPTOR_TOO_LARGE));
    cases.add(atOffset(invalid("bad-character", "'!' is not in the base64url alphabet.",
        good.substring(0, 10) + "!" + good.substring(11), Reason.DESCRIPTOR_MALFORMED), 10));
    cases.add(atOffset(invalid("standard-base64-plus", "'+' belongs to standard base64, not base64url.",
        good.substring(0, 12) + "+" + good.substring(13), Reason.DESCRIPTOR_MALFORMED), 12));
    cases.add(atOffset(invalid("standard-base64-slash", "'/' belongs to standard base64, not base64url.",
        good.substring(0, 12) + "/" + good.substring(13), Reason.DESCRIPTOR_MALFORMED), 12));
    String unpadded = withLengthMod4(2);
    cases.add(atOffset(invalid("padding", "base64url without padding: '=' is refused.",
        unpadded + "==", Reason.DESCRIPTOR_MALFORMED), unpadded.length()));
    cases.add(atOffset(invalid("inner-space", "A space inside the value.",
        good.substring(0, 8) + " " + good.substring(8, good.length() - 1), Reason.DESCRIPTOR_MALFORMED), 8));
    cases.add(atOffset(invalid("trailing-newline", "A line feed at the end (header folding is not whitespace"
            + " a decoder may skip).",
        withLengthMod4(3) + "\n", Reason.DESCRIPTOR_MALFORMED), withLengthMod4(3).length()));
    cases.add(atOffset(invalid("non-ascii", "A non-ASCII character (U+00E9).",
        good.substring(0, 4) + "\u00e9" + good.substring(5), Reason.DESCRIPTOR_MALFORMED), 4));
    String mod1 = withLengthMod4(0) + "A";
    cases.add(atOffset(invalid("impossible-length", "A length of 4k+1 characters cannot encode whole bytes.",
        mod1, Reason.DESCRIPTOR_MALFORMED), mod1.length() - 1));
    String two = withLengthMod4(2);
    String twoBad = two.substring(0, two.length() - 1) + bump(two.charAt(two.length() - 1), 1);
    cases.add(atOffset(invalid("non-canonical-two-char-tail", "The last of two trailing characters has"
            + " non-zero unused low bits (4 bits unused).", twoBad, Reason.DESCRIPTOR_MALFORMED),
        two.length() - 1));
    String three = withLengthMod4(3);
    String threeBad = three.substring(0, three.length() - 1) + bump(three.charAt(three.length() - 1), 1);
    cases.add(atOffset(invalid("non-canonical-three-char-tail", "The last of three trailing characters has"
            + " non-zero unused low bits (2 bits unused).", threeBad, Reason.DESCRIPTOR_MALFORMED),
        three.length() - 1));
    return cases;
  }

  /** A valid, signed header whose length is 4k + {@code mod}, found by growing the chain name. */
  private String withLengthMod4(int mod) {
    for (int n = 1; n < 20; n++) {
      String header = codec.encode(simple(101, 2, 0).chainName("c".repeat(n)).build());
      if (header.length() % 4 == mod) {
        return header;
      }
    }
    throw new IllegalStateException("no header of length 4k+" + mod);
  }

  private static char bump(char c, int by) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet.charAt(alphabet.indexOf(c) + by);
  }

  // ---------------------------------------------------------------------------------------------
  // Invalid cases: envelope

  private List<ObjectNode> envelopeCases() {
    List<ObjectNode> cases = new ArrayList<>();
    byte[] descriptor = descriptorBytes(simple(200, 3, 0).build());
    byte[] tag = mac(K1, descriptor);
    byte[] envelope = envelope(1, K1.id, descriptor, tag);

    cases.add(invalid("zero-tag", "The byte 00: field number 0 is not a valid protobuf tag.",
        b64(new byte[] {0}), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("garbage", "Text, not protobuf.",
        b64("this is not protobuf".getBytes(StandardCharsets.US_ASCII)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("truncated-in-mac", "A valid envelope cut 5 bytes before its end, inside the MAC.",
        b64(java.util.Arrays.copyOf(envelope, envelope.length - 5)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("truncated-in-descriptor", "A valid envelope cut inside its descriptor bytes.",
        b64(java.util.Arrays.copyOf(envelope, 10)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("truncated-varint", "Field 1 (version) whose varint never ends.",
        b64(new byte[] {0x08, (byte) 0x81}), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("overlong-varint", "A varint of 11 bytes (protobuf allows at most 10).",
        b64(new byte[] {0x08, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("huge-length", "descriptor_bytes claims 2147483647 bytes; 4 follow.",
        b64(bytes(0x08, 0x01, 0x1a, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3, 4)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("negative-length", "descriptor_bytes claims a length of -1 (ten-byte varint"
            + " 0xffffffffffffffff).",
        b64(bytes(0x08, 0x01, 0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 2, 3)),
        Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("wire-type-7", "A tag with wire type 7, which does not exist.",
        b64(bytes(0x08, 0x01, 0x0f, 0x00)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("unmatched-end-group", "An end-group tag (wire type 4) with no start group.",
        b64(bytes(0x08, 0x01, 0x2c)), Reason.DESCRIPTOR_MALFORMED));
    ByteArrayOutputStream badUtf8 = new ByteArrayOutputStream();
    tag(badUtf8, 1, 0);
    varint(badUtf8, 1);
    lengthDelimited(badUtf8, 2, bytes(0x6b, 0xff));
    lengthDelimited(badUtf8, 3, descriptor);
    lengthDelimited(badUtf8, 4, tag);
    cases.add(invalid("key-id-not-utf8", "key_id is a proto3 string and holds the bytes 6b ff, not UTF-8.",
        b64(badUtf8.toByteArray()), Reason.DESCRIPTOR_MALFORMED));
    cases.add(atField(invalid("envelope-version-2", "Envelope version 2, not defined by this specification.",
        b64(envelope(2, K1.id, descriptor, tag)), Reason.DESCRIPTOR_UNSUPPORTED_VERSION), "envelope.version"));
    cases.add(atField(invalid("envelope-version-missing", "No version field: version 0.",
        b64(envelope(0, K1.id, descriptor, tag)), Reason.DESCRIPTOR_UNSUPPORTED_VERSION), "envelope.version"));
    cases.add(atField(invalid("envelope-version-max", "Envelope version 4294967295.",
        b64(envelope(-1, K1.id, descriptor, tag)), Reason.DESCRIPTOR_UNSUPPORTED_VERSION), "envelope.version"));
    cases.add(atField(invalid("envelope-version-257", "Envelope version 257, which would wrap to 1 in the"
            + " MAC input's u8: the version is checked in full first.",
        b64(envelope(257, K1.id, descriptor, hmac(K1.secret, macInput(257, K1.id, descriptor)))),
        Reason.DESCRIPTOR_UNSUPPORTED_VERSION), "envelope.version"));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Invalid cases: integrity

  private List<ObjectNode> integrityCases() {
    List<ObjectNode> cases = new ArrayList<>();
    Descriptor base = proto(midChainBase(300));
    byte[] descriptor = base.toByteArray();
    byte[] tag = mac(K1, descriptor);

    cases.add(integrity("unsigned", "Neither key id nor MAC.",
        envelope(1, "", descriptor, new byte[0]), Reason.INTEGRITY_MISSING));
    cases.add(integrity("version-only", "An envelope holding only version 1.",
        bytes(0x08, 0x01), Reason.INTEGRITY_MISSING));
    cases.add(integrity("missing-mac", "Key id k1 but no MAC.",
        envelope(1, K1.id, descriptor, new byte[0]), Reason.INTEGRITY_MISSING));
    cases.add(integrity("missing-key-id", "A correct MAC by k1, but no key id.",
        envelope(1, "", descriptor, tag), Reason.INTEGRITY_MISSING));
    cases.add(integrity("unknown-key-id", "Key id k9, which the ring does not hold.",
        envelope(1, "k9", descriptor, hmac(K1.secret, macInput(1, "k9", descriptor))), Reason.INTEGRITY_UNKNOWN_KEY));
    cases.add(integrity("key-id-case", "Key id K1: key ids are case-sensitive.",
        envelope(1, "K1", descriptor, hmac(K1.secret, macInput(1, "K1", descriptor))), Reason.INTEGRITY_UNKNOWN_KEY));
    byte[] flipped = tag.clone();
    flipped[31] ^= 0x01;
    cases.add(integrity("bad-mac", "k1's MAC with the last bit flipped.",
        envelope(1, K1.id, descriptor, flipped), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("truncated-mac", "The first 31 bytes of k1's MAC.",
        envelope(1, K1.id, descriptor, java.util.Arrays.copyOf(tag, 31)), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("truncated-mac-16", "The first 16 bytes of k1's MAC (a truncated HMAC is not accepted).",
        envelope(1, K1.id, descriptor, java.util.Arrays.copyOf(tag, 16)), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("extended-mac", "k1's MAC followed by one zero byte.",
        envelope(1, K1.id, descriptor, java.util.Arrays.copyOf(tag, 33)), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("mac-of-other-key", "Labelled k1, made with k2's secret.",
        envelope(1, K1.id, descriptor, hmac(K2.secret, macInput(1, K1.id, descriptor))), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("mac-by-outsider", "Labelled k1, made with a secret the ring does not hold.",
        envelope(1, K1.id, descriptor, mac(OUTSIDER, descriptor)), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("key-id-not-bound", "Made with k1's secret over an input naming k2, but the envelope"
            + " says k1: the key id is part of the MAC input.",
        envelope(1, K1.id, descriptor, hmac(K1.secret, macInput(1, K2.id, descriptor))), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("key-id-swapped", "k1's correct MAC, but the envelope names k2.",
        envelope(1, K2.id, descriptor, tag), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("mac-without-label", "Plain HMAC-SHA256(k1, descriptor bytes), without the MAC"
            + " input's label, version and key id.",
        envelope(1, K1.id, descriptor, hmac(K1.secret, descriptor)), Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("mac-without-separator", "The MAC input without the 00 byte after the label.",
        envelope(1, K1.id, descriptor, hmac(K1.secret,
            concat(LABEL, bytes(1, 2), K1.id.getBytes(StandardCharsets.US_ASCII), descriptor))),
        Reason.INTEGRITY_BAD_MAC));
    cases.add(integrity("mac-of-empty-descriptor", "k1's MAC over the empty descriptor, with the real bytes.",
        envelope(1, K1.id, descriptor, mac(K1, new byte[0])), Reason.INTEGRITY_BAD_MAC));
    cases.add(tampered("pointer-changed", "Signed at pointer 1; pointer set to 2 afterwards (skipping a"
        + " segment).", base, tag, d -> d.setPointer(2)));
    cases.add(tampered("hop-limit-changed", "Signed with hop limit 3; raised to 200 afterwards.",
        base, tag, d -> d.setHopLimit(200)));
    cases.add(tampered("segment-removed", "Signed with four segments; the third removed afterwards.",
        base, tag, d -> d.removeSegments(2)));
    cases.add(tampered("segments-reordered", "Signed as validate, enrich, pricing, receipt; the last two"
        + " swapped afterwards.", base, tag, d -> {
          var third = d.getSegments(2);
          return d.setSegments(2, d.getSegments(3)).setSegments(3, third);
        }));
    cases.add(tampered("edge-metadata-changed", "customer.tier changed from gold to platinum after signing.",
        base, tag, d -> d.setEdgeMetadata(0, MetadataEntry.newBuilder().setKey("customer.tier").setValue("platinum"))));
    cases.add(tampered("context-metadata-added", "A context entry added after signing.", base, tag,
        d -> d.addContextMetadata(MetadataEntry.newBuilder().setKey("injected").setValue("1"))));
    cases.add(tampered("expiry-extended", "Expiry moved 5 minutes later after signing (replay).", base, tag,
        d -> d.setExpiresAtMs(d.getExpiresAtMs() + 300_000)));
    cases.add(tampered("route-record-removed", "A route record removed after signing (hiding a hop).",
        base, tag, d -> d.removeRoute(0)));
    cases.add(tampered("unknown-field-appended", "An unknown field appended to the descriptor bytes after"
        + " signing: the MAC covers unknown fields too.", base, tag,
        d -> d.setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())));
    return cases;
  }

  private ObjectNode integrity(String name, String description, byte[] envelope, Reason reason) {
    return atField(invalid(name, description, b64(envelope), reason), "envelope");
  }

  private ObjectNode tampered(String name, String description, Descriptor signedOver, byte[] tag,
      UnaryOperator<Descriptor.Builder> change) {
    byte[] changed = change.apply(signedOver.toBuilder()).build().toByteArray();
    return integrity(name, description, envelope(1, K1.id, changed, tag), Reason.INTEGRITY_BAD_MAC);
  }

  // ---------------------------------------------------------------------------------------------
  // Invalid cases: descriptor bytes, version, limits, structure (all correctly signed)

  private List<ObjectNode> descriptorCases() {
    List<ObjectNode> cases = new ArrayList<>();
    Descriptor base = proto(midChainBase(400));
    byte[] good = base.toByteArray();

    cases.add(invalid("descriptor-garbage", "Signed bytes that are not protobuf (tag 0).",
        signed(K1, bytes(0x00, 0x01, 0x02)), Reason.DESCRIPTOR_MALFORMED));
    // 08 01 | 1a 10 <chain id> | 22 08 "checkout" | 2a <length> <first segment...>: segments start at 30
    require(good[30] == 0x2a, "the first segment starts at byte 30");
    cases.add(invalid("descriptor-truncated", "A signed descriptor cut 3 bytes into its first segment.",
        signed(K1, java.util.Arrays.copyOf(good, 33)), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("descriptor-huge-length", "Segment field claiming 2147483647 bytes.",
        signed(K1, bytes(0x08, 0x01, 0x2a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x0a, 0x01, 0x61)),
        Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("descriptor-negative-length", "Segment field claiming a length of -1.",
        signed(K1, bytes(0x08, 0x01, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x0a)),
        Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("service-not-utf8", "A service name holding the bytes 61 c3 28 (invalid UTF-8).",
        signed(K1, concat(bytes(0x08, 0x01, 0x2a, 0x05, 0x0a, 0x03, 0x61, 0xc3, 0x28))), Reason.DESCRIPTOR_MALFORMED));
    cases.add(invalid("metadata-value-not-utf8", "An edge metadata value that is not UTF-8.",
        signed(K1, concat(good, bytes(0x42, 0x06, 0x0a, 0x01, 0x78, 0x12, 0x01, 0xff))), Reason.DESCRIPTOR_MALFORMED));

    cases.add(signedAt("major-version-2", "Descriptor major version 2.",
        base.toBuilder().setMajorVersion(2), Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "majorVersion"));
    cases.add(signedAt("major-version-missing", "No major_version field: major version 0.",
        base.toBuilder().clearMajorVersion(), Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "majorVersion"));

    // limits, checked on the parsed message before the invariants
    Descriptor.Builder many = base.toBuilder().clearSegments().setHopLimit(65);
    for (int i = 0; i < 65; i++) {
      many.addSegments(segment("s" + i, ""));
    }
    cases.add(signedAt("too-many-segments", "65 segments; the default maximum is 64.", many,
        Reason.LIMITS_SEGMENTS, "segments"));
    cases.add(signedAt("service-name-too-long", "A service name of 254 characters (a DNS name has at most 253).",
        base.toBuilder().setSegments(1, segment(dnsName(254), "")), Reason.LIMITS_NAME_LENGTH, "segments[1].service"));
    cases.add(signedAt("chain-name-too-long", "A chain name of 254 characters.",
        base.toBuilder().setChainName("c".repeat(254)), Reason.LIMITS_NAME_LENGTH, "chainName"));
    cases.add(signedAt("node-name-too-long", "A route record node of 254 characters.",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().setNode("n".repeat(254))),
        Reason.LIMITS_NAME_LENGTH, "route[0].node"));
    cases.add(signedAt("hop-limit-256", "Hop limit 256; the default maximum is 255.",
        base.toBuilder().setHopLimit(256), Reason.LIMITS_HOP_LIMIT, "hopLimit"));
    cases.add(signedAt("hop-limit-max-uint32", "Hop limit 4294967295.",
        base.toBuilder().setHopLimit(-1), Reason.LIMITS_HOP_LIMIT, "hopLimit"));
    Descriptor.Builder entries = base.toBuilder().clearEdgeMetadata().clearContextMetadata();
    for (int i = 0; i < 40; i++) {
      entries.addEdgeMetadata(entry("edge." + i, "e"));
    }
    for (int i = 0; i < 25; i++) {
      entries.addContextMetadata(entry("ctx." + i, "c"));
    }
    cases.add(signedAt("too-many-metadata-entries", "40 edge and 25 context entries: 65, one more than the"
        + " default maximum of 64 for both together.", entries, Reason.LIMITS_METADATA_ENTRIES, "metadata"));
    cases.add(signedAt("metadata-value-too-large", "A value of 1025 UTF-8 bytes (512 times U+00E9 and one"
            + " 'x'); the default maximum is 1024.",
        base.toBuilder().addEdgeMetadata(entry("big", "\u00e9".repeat(512) + "x")),
        Reason.LIMITS_METADATA_VALUE, "edgeMetadata[1].value"));
    cases.add(signedAt("metadata-key-too-long", "A context key of 65 characters; the default maximum is 64.",
        base.toBuilder().addContextMetadata(entry("k".repeat(65), "v")),
        Reason.LIMITS_METADATA_KEY, "contextMetadata[1].key"));
    Descriptor.Builder args = base.toBuilder();
    io.chainmesh.core.internal.proto.Segment.Builder withArgs = base.getSegments(0).toBuilder().clearArguments();
    for (int i = 0; i < 17; i++) {
      withArgs.addArguments(entry("a" + i, "v"));
    }
    args.setSegments(0, withArgs);
    cases.add(signedAt("too-many-arguments", "17 arguments on one segment; the default maximum is 16.",
        args, Reason.LIMITS_ARGUMENTS, "segments[0].arguments"));
    cases.add(signedAt("argument-value-too-large", "An argument value of 1025 bytes.",
        base.toBuilder().setSegments(0, base.getSegments(0).toBuilder().addArguments(entry("blob", "x".repeat(1025)))),
        Reason.LIMITS_METADATA_VALUE, "segments[0].arguments[1].value"));
    Descriptor.Builder longRoute = base.toBuilder().clearRoute();
    for (int i = 0; i < 65; i++) {
      longRoute.addRoute(base.getRoute(0).toBuilder().setSegmentIndex(i));
    }
    cases.add(signedAt("too-many-route-records", "65 route records; the default maximum is 64 (checked"
        + " before their order).", longRoute, Reason.LIMITS_ROUTE, "route"));
    cases.add(signedAt("too-many-inserted-segments", "inserted_segments 17; the default maximum is 16.",
        base.toBuilder().setInsertedSegments(17), Reason.LIMITS_INSERTED_SEGMENTS, "insertedSegments"));

    // structure and syntax
    cases.add(signedAt("no-segments", "An empty segment list.",
        base.toBuilder().clearSegments().clearRoute().setPointer(0).setHopLimit(1),
        Reason.DESCRIPTOR_MALFORMED, "segments"));
    cases.add(signedAt("pointer-past-end", "Pointer 4 in a list of 4 segments.",
        base.toBuilder().setPointer(4), Reason.POINTER_OUT_OF_RANGE, "pointer"));
    cases.add(signedAt("pointer-max-uint32", "Pointer 4294967295.",
        base.toBuilder().setPointer(-1), Reason.POINTER_OUT_OF_RANGE, "pointer"));
    cases.add(signedAt("hop-limit-zero", "Hop limit 0 (absent).",
        base.toBuilder().clearHopLimit(), Reason.HOP_LIMIT_EXCEEDED, "hopLimit"));
    cases.add(signedAt("uppercase-service", "Service name Pricing.shop: names are lower case.",
        base.toBuilder().setSegments(2, segment("Pricing.shop", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("service-label-hyphen", "A label starting with '-'.",
        base.toBuilder().setSegments(2, segment("-pricing.shop", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("service-empty-label", "Two dots in a row.",
        base.toBuilder().setSegments(2, segment("pricing..shop", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("service-label-too-long", "A label of 64 characters (at most 63).",
        base.toBuilder().setSegments(2, segment("p".repeat(64) + ".shop", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("service-underscore", "An underscore: not a host name character.",
        base.toBuilder().setSegments(2, segment("pricing_v2.shop", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("service-trailing-dot", "A fully qualified name with a trailing dot.",
        base.toBuilder().setSegments(2, segment("pricing.shop.", "quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].service"));
    cases.add(signedAt("url-as-service", "A raw URL in the service field (SSRF attempt).",
        base.toBuilder().setSegments(2, segment("http://169.254.169.254/latest/meta-data", "")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("ipv4-as-service", "An IPv4 address in the service field: its last label is all digits.",
        base.toBuilder().setSegments(2, segment("169.254.169.254", "")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("numeric-last-label-service", "A name whose last label is all digits (RFC 1123 §2.1).",
        base.toBuilder().setSegments(2, segment("pricing.42", "quote")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("host-port-as-service", "host:port in the service field.",
        base.toBuilder().setSegments(2, segment("pricing.shop:8080", "")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("empty-service", "A segment with neither service nor url.",
        base.toBuilder().setSegments(2, segment("", "quote")), Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("service-and-url", "A segment with both service and url.",
        base.toBuilder().setSegments(2, segment("pricing.shop", "").toBuilder().setUrl("https://pricing.example.com/")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].service"));
    cases.add(signedAt("url-not-http", "A raw-URL segment with scheme file.",
        base.toBuilder().setSegments(2, urlSegment("file:///etc/passwd")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].url"));
    cases.add(signedAt("url-relative", "A relative raw URL.",
        base.toBuilder().setSegments(2, urlSegment("/internal/admin")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].url"));
    cases.add(signedAt("url-user-info", "A raw URL with user info.",
        base.toBuilder().setSegments(2, urlSegment("https://admin:secret@pricing.example.com/")),
        Reason.SEGMENT_INVALID_NAME, "segments[2].url"));
    cases.add(signedAt("url-unparseable", "A raw URL that does not parse (a space in the host).",
        base.toBuilder().setSegments(2, urlSegment("https://pricing example.com/")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].url"));
    cases.add(signedAt("function-invalid", "Function name with a space.",
        base.toBuilder().setSegments(2, segment("pricing.shop", "get quote")), Reason.SEGMENT_INVALID_NAME,
        "segments[2].function"));
    cases.add(signedAt("function-too-long", "Function name of 64 characters (at most 63).",
        base.toBuilder().setSegments(2, segment("pricing.shop", "f".repeat(64))), Reason.SEGMENT_INVALID_NAME,
        "segments[2].function"));
    cases.add(signedAt("chain-name-invalid", "Chain name with a slash.",
        base.toBuilder().setChainName("check/out"), Reason.SEGMENT_INVALID_NAME, "chainName"));
    cases.add(signedAt("node-invalid", "A route record node with a space.",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().setNode("node 1")), Reason.SEGMENT_INVALID_NAME,
        "route[0].node"));
    cases.add(signedAt("chain-id-15-bytes", "A chain id of 15 bytes.",
        base.toBuilder().setChainId(base.getChainId().substring(1)), Reason.DESCRIPTOR_MALFORMED, "chainId"));
    cases.add(signedAt("chain-id-missing", "No chain id.",
        base.toBuilder().clearChainId(), Reason.DESCRIPTOR_MALFORMED, "chainId"));
    cases.add(signedAt("metadata-key-uppercase", "Edge metadata key Customer.Tier: keys are lower case.",
        base.toBuilder().setEdgeMetadata(0, entry("Customer.Tier", "gold")), Reason.METADATA_INVALID_KEY,
        "edgeMetadata"));
    cases.add(signedAt("metadata-key-empty", "An empty context metadata key.",
        base.toBuilder().addContextMetadata(entry("", "x")), Reason.METADATA_INVALID_KEY, "contextMetadata"));
    cases.add(signedAt("argument-key-invalid", "Argument key with a space.",
        base.toBuilder().setSegments(0, base.getSegments(0).toBuilder().addArguments(entry("bad key", "x"))),
        Reason.METADATA_INVALID_KEY, "segments[0].arguments"));
    cases.add(signedAt("duplicate-edge-key", "customer.tier twice among the edge entries.",
        base.toBuilder().addEdgeMetadata(entry("customer.tier", "platinum")), Reason.METADATA_DUPLICATE_KEY,
        "edgeMetadata[1]"));
    cases.add(signedAt("duplicate-context-key", "fraud.score twice among the context entries.",
        base.toBuilder().addContextMetadata(entry("fraud.score", "0.99")), Reason.METADATA_DUPLICATE_KEY,
        "contextMetadata[1]"));
    cases.add(signedAt("duplicate-argument-key", "schema twice among a segment's arguments.",
        base.toBuilder().setSegments(0, base.getSegments(0).toBuilder().addArguments(entry("schema", "v4"))),
        Reason.METADATA_DUPLICATE_KEY, "segments[0].arguments[1]"));
    cases.add(signedAt("key-in-edge-and-context", "customer.tier both as an edge and as a context entry.",
        base.toBuilder().addContextMetadata(entry("customer.tier", "platinum")), Reason.METADATA_DUPLICATE_KEY,
        "contextMetadata"));
    cases.add(signedAt("unknown-return-mode", "Return mode 2, not defined.",
        base.toBuilder().setReturnModeValue(2), Reason.DESCRIPTOR_MALFORMED, "returnMode"));
    cases.add(signedAt("async-without-reply-to", "Asynchronous return without a reply-to segment.",
        base.toBuilder().setReturnMode(io.chainmesh.core.internal.proto.ReturnMode.RETURN_MODE_ASYNC),
        Reason.DESCRIPTOR_MALFORMED, "replyTo"));
    cases.add(signedAt("sync-with-reply-to", "Synchronous return with a reply-to segment.",
        base.toBuilder().setReplyTo(segment("edge.shop", "reply")), Reason.DESCRIPTOR_MALFORMED, "replyTo"));
    cases.add(signedAt("reply-to-invalid", "Asynchronous return to a reply-to service that is not a DNS name.",
        base.toBuilder().setReturnMode(io.chainmesh.core.internal.proto.ReturnMode.RETURN_MODE_ASYNC)
            .setReplyTo(segment("Edge", "reply")), Reason.SEGMENT_INVALID_NAME, "replyTo.service"));
    Descriptor.Builder twoRecords = base.toBuilder().setPointer(2)
        .addRoute(base.getRoute(0).toBuilder().setSegmentIndex(1).setNode("enrich-1"));
    cases.add(signedAt("route-out-of-order", "Route records for segments 1 then 0.",
        twoRecords.clone().setRoute(0, twoRecords.getRoute(0).toBuilder().setSegmentIndex(1))
            .setRoute(1, twoRecords.getRoute(1).toBuilder().setSegmentIndex(0)),
        Reason.DESCRIPTOR_MALFORMED, "route[1].segmentIndex"));
    cases.add(signedAt("route-repeated-index", "Two route records for segment 0.",
        twoRecords.clone().setRoute(1, twoRecords.getRoute(1).toBuilder().setSegmentIndex(0)),
        Reason.DESCRIPTOR_MALFORMED, "route[1].segmentIndex"));
    cases.add(signedAt("route-ahead-of-pointer", "A route record for segment 2 while the pointer is at 1.",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().setSegmentIndex(2)),
        Reason.DESCRIPTOR_MALFORMED, "route[0].segmentIndex"));
    cases.add(signedAt("route-unknown-outcome", "Outcome 9, not defined.",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().setOutcomeValue(9)),
        Reason.DESCRIPTOR_MALFORMED, "route[0].outcome"));
    cases.add(signedAt("route-unspecified-outcome", "Outcome 0 (OUTCOME_UNSPECIFIED).",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().clearOutcome()),
        Reason.DESCRIPTOR_MALFORMED, "route[0].outcome"));
    cases.add(signedAt("route-duration-out-of-range", "duration_us 2^63: above the signed 64-bit range.",
        base.toBuilder().setRoute(0, base.getRoute(0).toBuilder().setDurationUs(Long.MIN_VALUE)),
        Reason.DESCRIPTOR_MALFORMED, "route[0].durationUs"));
    cases.add(signedAt("negative-deadline", "deadline_ms -1.",
        base.toBuilder().setDeadlineMs(-1), Reason.DESCRIPTOR_MALFORMED, "deadline"));
    cases.add(signedAt("expiry-equals-issue", "expires_at_ms equal to issued_at_ms.",
        base.toBuilder().setExpiresAtMs(base.getIssuedAtMs()), Reason.DESCRIPTOR_MALFORMED, "expiresAt"));
    cases.add(signedAt("inserted-segments-not-less-than-count", "inserted_segments 4 in a list of 4: at least"
        + " the first segment was not inserted.", base.toBuilder().setInsertedSegments(4),
        Reason.DESCRIPTOR_MALFORMED, "insertedSegments"));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Invalid cases: validity window and order of checks

  private List<ObjectNode> validityCases() {
    List<ObjectNode> cases = new ArrayList<>();
    Descriptor base = proto(midChainBase(500));
    long now = NOW.toEpochMilli();
    long skew = CLOCK_SKEW.toMillis();
    cases.add(signedAt("expired", "Expired 5.001 s ago: 1 ms beyond the clock skew.",
        base.toBuilder().setIssuedAtMs(now - 60_000).setExpiresAtMs(now - skew - 1),
        Reason.DESCRIPTOR_EXPIRED, "expiresAt"));
    cases.add(signedAt("expired-long-ago", "Issued and expired in 1970.",
        base.toBuilder().setIssuedAtMs(0).setExpiresAtMs(60_000).setDeadlineMs(0),
        Reason.DESCRIPTOR_EXPIRED, "expiresAt"));
    cases.add(signedAt("not-yet-valid", "Issued 5.001 s in the future: 1 ms beyond the clock skew.",
        base.toBuilder().setIssuedAtMs(now + skew + 1).setExpiresAtMs(now + 60_000),
        Reason.DESCRIPTOR_NOT_YET_VALID, "issuedAt"));
    cases.add(signedAt("lifetime-too-long", "Valid for 10 minutes and 1 ms; the maximum lifetime is 10 minutes.",
        base.toBuilder().setIssuedAtMs(now - 1000).setExpiresAtMs(now - 1000 + MAX_LIFETIME.toMillis() + 1),
        Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt"));
    cases.add(signedAt("lifetime-one-year", "Valid for a year.",
        base.toBuilder().setIssuedAtMs(now - 1000).setExpiresAtMs(now + 365L * 24 * 3600 * 1000),
        Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt"));
    cases.add(signedAt("expiry-max-int64", "expires_at_ms 9223372036854775807: a naive expires + skew"
            + " overflows a signed 64-bit integer.",
        base.toBuilder().setIssuedAtMs(now - 1000).setExpiresAtMs(Long.MAX_VALUE),
        Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt"));
    cases.add(signedAt("issued-min-int64", "issued_at_ms -9223372036854775808 and a near expiry: a naive"
            + " expires - issued overflows a signed 64-bit integer.",
        base.toBuilder().setIssuedAtMs(Long.MIN_VALUE).setExpiresAtMs(now + 1000).setDeadlineMs(0),
        Reason.DESCRIPTOR_LIFETIME_TOO_LONG, "expiresAt"));

    // Order of checks: each of these has two faults; the reason is that of the earlier check.
    Descriptor expired = base.toBuilder().setIssuedAtMs(0).setExpiresAtMs(60_000).setDeadlineMs(0).build();
    byte[] expiredBytes = expired.toByteArray();
    byte[] wrongTag = mac(OUTSIDER, expiredBytes);
    cases.add(atField(invalid("order-bad-mac-before-expiry", "Expired and with a bad MAC: integrity is"
            + " checked first.", b64(envelope(1, K1.id, expiredBytes, wrongTag)), Reason.INTEGRITY_BAD_MAC),
        "envelope"));
    byte[] garbage = bytes(0x00, 0x01);
    cases.add(atField(invalid("order-bad-mac-before-parse", "Descriptor bytes that do not parse, with a bad"
            + " MAC: integrity is checked before the descriptor is parsed.",
        b64(envelope(1, K1.id, garbage, mac(OUTSIDER, garbage))), Reason.INTEGRITY_BAD_MAC), "envelope"));
    cases.add(atField(invalid("order-envelope-version-before-mac", "Envelope version 2 and no MAC: the"
            + " version is checked first.", b64(envelope(2, "", expiredBytes, new byte[0])),
        Reason.DESCRIPTOR_UNSUPPORTED_VERSION), "envelope.version"));
    Descriptor.Builder major = base.toBuilder().setMajorVersion(2).setHopLimit(70000);
    cases.add(signedAt("order-major-before-limits", "Major version 2 and hop limit 70000: the major version is"
        + " checked before the limits.", major, Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "majorVersion"));
    cases.add(signedAt("order-limits-before-structure", "Hop limit 256 and pointer past the end: limits are"
            + " checked before the invariants.", base.toBuilder().setHopLimit(256).setPointer(9),
        Reason.LIMITS_HOP_LIMIT, "hopLimit"));
    cases.add(signedAt("order-structure-before-validity", "Pointer past the end and expired: the invariants"
            + " are checked before the validity window.",
        base.toBuilder().setPointer(9).setIssuedAtMs(0).setExpiresAtMs(60_000).setDeadlineMs(0),
        Reason.POINTER_OUT_OF_RANGE, "pointer"));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Insecure development mode

  private List<ObjectNode> insecureValidCases() {
    List<ObjectNode> cases = new ArrayList<>();
    ChainDescriptor d = simple(600, 3, 0).build();
    cases.add(validHeader("insecure-unsigned", "An unsigned envelope (no key id, no MAC) is accepted; the"
            + " advanced descriptor is unsigned too.",
        b64(envelope(1, "", descriptorBytes(d), new byte[0])),
        Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED)), insecureCodec));
    cases.add(validHeader("insecure-signed-by-unknown-key", "A descriptor signed with k1: a ring in insecure"
            + " mode holds no key, so it cannot verify the MAC, and accepts it anyway.",
        codec.encode(d), Step.advance(record(0, "alpha-1", NOW, 5, Outcome.FORWARDED)), insecureCodec));
    return cases;
  }

  private List<ObjectNode> insecureInvalidCases() {
    List<ObjectNode> cases = new ArrayList<>();
    Descriptor base = proto(midChainBase(700));
    cases.add(atField(invalid("insecure-hop-limit-zero", "Unsigned, hop limit 0: insecure mode skips only the"
            + " integrity check.", b64(envelope(1, "", base.toBuilder().clearHopLimit().build().toByteArray(),
            new byte[0])), Reason.HOP_LIMIT_EXCEEDED), "hopLimit"));
    Descriptor expired = base.toBuilder().setIssuedAtMs(0).setExpiresAtMs(60_000).setDeadlineMs(0).build();
    cases.add(atField(invalid("insecure-expired", "Unsigned and expired.",
        b64(envelope(1, "", expired.toByteArray(), new byte[0])), Reason.DESCRIPTOR_EXPIRED), "expiresAt"));
    cases.add(invalid("insecure-malformed", "Unsigned envelope whose descriptor bytes do not parse.",
        b64(envelope(1, "", bytes(0x00), new byte[0])), Reason.DESCRIPTOR_MALFORMED));
    return cases;
  }

  // ---------------------------------------------------------------------------------------------
  // Building blocks

  /** {@code segments} segments alpha, beta, ... at {@code pointer}, issued 10 s before now, 60 s life. */
  private static ChainDescriptor.Builder simple(int id, int segments, int pointer) {
    String[] names = {"alpha", "beta", "gamma", "delta", "epsilon"};
    ChainDescriptor.Builder b = ChainDescriptor.builder().chainId(chainId(id)).issuedAt(ISSUED).expiresAt(EXPIRES)
        .pointer(pointer);
    for (int i = 0; i < segments; i++) {
      b.segment(Segment.of(names[i]));
    }
    return b;
  }

  /** The descriptor most invalid cases start from: valid, four segments, pointer 1, one route record. */
  private static ChainDescriptor midChainBase(int id) {
    return ChainDescriptor.builder()
        .chainId(chainId(id))
        .chainName("checkout")
        .segment(Segment.builder("validate.shop").function("order").argument("schema", "v3").build())
        .segment(Segment.of("enrich.shop", "customer"))
        .segment(Segment.of("pricing.shop", "quote"))
        .segment(Segment.of("receipt.shop"))
        .pointer(1)
        .hopLimit(3)
        .edgeMetadata("customer.tier", "gold")
        .contextMetadata("fraud.score", "0.12")
        .issuedAt(ISSUED)
        .expiresAt(EXPIRES)
        .deadline(NOW.plusSeconds(30))
        .routeRecord(record(0, "validate-1", ISSUED.plusMillis(100), 900, Outcome.FORWARDED))
        .build();
  }

  private static ChainId chainId(int n) {
    return ChainId.fromHex(String.format("c4a1%028x", n));
  }

  private static RouteRecord record(int index, String node, Instant start, long micros, Outcome outcome) {
    return RouteRecord.builder().segmentIndex(index).node(node).start(start)
        .duration(Duration.ofNanos(micros * 1000)).outcome(outcome).build();
  }

  private static io.chainmesh.core.internal.proto.Segment segment(String service, String function) {
    return io.chainmesh.core.internal.proto.Segment.newBuilder().setService(service).setFunction(function).build();
  }

  private static io.chainmesh.core.internal.proto.Segment urlSegment(String url) {
    return io.chainmesh.core.internal.proto.Segment.newBuilder().setUrl(url).build();
  }

  private static MetadataEntry entry(String key, String value) {
    return MetadataEntry.newBuilder().setKey(key).setValue(value).build();
  }

  /** A syntactically valid DNS name of exactly {@code length} characters. */
  private static String dnsName(int length) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append("a".repeat(Math.min(63, length - sb.length())));
    }
    return sb.toString();
  }

  private static ChainCodec codec(KeyRing ring) {
    return ChainCodec.builder(ring).clock(Clock.fixed(NOW, ZoneOffset.UTC)).clockSkew(CLOCK_SKEW)
        .maxLifetime(MAX_LIFETIME).build();
  }

  /** The header of {@code d} under limits large enough for any header. */
  private String encodeUnlimited(ChainDescriptor d) {
    return ChainCodec.builder(ring).limits(DecodeLimits.builder().maxHeaderBytes(1 << 20).build())
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().encode(d);
  }

  /** The descriptor bytes the codec writes for {@code d}. */
  private byte[] descriptorBytes(ChainDescriptor d) {
    return envelopeOf(encodeUnlimited(d)).getDescriptorBytes().toByteArray();
  }

  private Descriptor proto(ChainDescriptor d) {
    try {
      return Descriptor.parseFrom(descriptorBytes(d));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Envelope envelopeOf(String header) {
    try {
      return Envelope.parseFrom(Base64.getUrlDecoder().decode(header));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The MAC input of the specification. */
  static byte[] macInput(int envelopeVersion, String keyId, byte[] descriptor) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    return concat(LABEL, bytes(0x00, envelopeVersion & 0xff, id.length), id, descriptor);
  }

  static byte[] hmac(byte[] secret, byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] mac(Key key, byte[] descriptor) {
    return hmac(key.secret, macInput(1, key.id, descriptor));
  }

  private static byte[] envelope(int version, String keyId, byte[] descriptor, byte[] mac) {
    return Envelope.newBuilder().setVersion(version).setKeyId(keyId)
        .setDescriptorBytes(ByteString.copyFrom(descriptor)).setMac(ByteString.copyFrom(mac)).build().toByteArray();
  }

  private static String signed(Key key, byte[] descriptor) {
    return b64(envelope(1, key.id, descriptor, mac(key, descriptor)));
  }

  private ObjectNode signedAt(String name, String description, Descriptor.Builder descriptor, Reason reason,
      String field) {
    return atField(invalid(name, description, signed(K1, descriptor.build().toByteArray()), reason), field);
  }

  static String b64(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, (long) field << 3 | wireType);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] content) {
    tag(out, field, 2);
    varint(out, content.length);
    out.writeBytes(content);
  }

  private static byte[] pattern(int first) {
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = (byte) (first + i);
    }
    return out;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /** What a valid case does after decoding: advance or recordFinal, and what should come of it. */
  private record Step(String op, RouteRecord record, Reason refusal) {
    static Step advance(RouteRecord record) {
      return new Step("advance", record, null);
    }

    static Step advanceRefused(RouteRecord record, Reason reason) {
      return new Step("advance", record, reason);
    }

    static Step recordFinal(RouteRecord record) {
      return new Step("recordFinal", record, null);
    }

    static Step recordFinalRefused(RouteRecord record, Reason reason) {
      return new Step("recordFinal", record, reason);
    }
  }

  private ObjectNode valid(String name, String description, ChainDescriptor d, ChainCodec signer, Step step) {
    return validCase(name, description, signer.encode(d), d, step, codec);
  }

  private ObjectNode validHeader(String name, String description, String header, Step step) {
    return validHeader(name, description, header, step, codec);
  }

  private ObjectNode validHeader(String name, String description, String header, Step step, ChainCodec hop) {
    return validCase(name, description, header, hop.decode(header), step, hop);
  }

  private ObjectNode validCase(String name, String description, String header, ChainDescriptor d, Step step,
      ChainCodec hop) {
    ObjectNode c = MAPPER.createObjectNode();
    c.put("name", name);
    c.put("description", description);
    c.put("header", header);
    c.set("descriptor", MAPPER.readTree(ChainJson.toJson(d)));
    ObjectNode s = c.putObject("step");
    s.put("op", step.op);
    s.set("record", recordJson(step.record));
    try {
      ChainDescriptor next = step.op.equals("advance") ? d.advance(step.record) : d.recordFinal(step.record);
      String nextHeader = hop.encode(next);
      require(step.refusal == null, name + ": expected " + step.refusal);
      s.put("header", nextHeader);
      s.set("descriptor", MAPPER.readTree(ChainJson.toJson(next)));
    } catch (ChainException e) {
      require(e.reason() == step.refusal, name + ": unexpected " + e.getMessage());
      s.put("reason", e.reason().code());
    }
    return c;
  }

  private static JsonNode recordJson(RouteRecord r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("segmentIndex", r.segmentIndex());
    n.put("node", r.node());
    n.put("start", r.start().toString());
    n.put("durationMicros", r.duration().toNanos() / 1000);
    n.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
    return n;
  }

  private static ObjectNode invalid(String name, String description, String header, Reason reason) {
    ObjectNode c = MAPPER.createObjectNode();
    c.put("name", name);
    c.put("description", description);
    c.put("header", header);
    c.put("reason", reason.code());
    c.put("status", reason.httpStatus());
    return c;
  }

  private static ObjectNode atField(ObjectNode c, String field) {
    c.put("field", field);
    return c;
  }

  private static ObjectNode atOffset(ObjectNode c, int offset) {
    c.put("offset", offset);
    return c;
  }

  private ObjectNode context(boolean insecure) {
    ObjectNode c = MAPPER.createObjectNode();
    if (insecure) {
      c.put("insecureDevelopmentMode", true);
      c.putArray("keys");
    } else {
      ArrayNode keys = c.putArray("keys");
      for (Key k : List.of(K1, K2)) {
        ObjectNode key = keys.addObject();
        key.put("id", k.id);
        key.put("secretHex", HEX.formatHex(k.secret));
        key.put("secret", b64(k.secret));
      }
      c.put("signingKeyId", K1.id);
    }
    c.put("now", NOW.toString());
    c.put("nowMs", NOW.toEpochMilli());
    c.put("clockSkewMs", CLOCK_SKEW.toMillis());
    c.put("maxLifetimeMs", MAX_LIFETIME.toMillis());
    ObjectNode limits = c.putObject("limits");
    DecodeLimits d = DecodeLimits.DEFAULTS;
    limits.put("maxHeaderBytes", d.maxHeaderBytes());
    limits.put("maxSegments", d.maxSegments());
    limits.put("maxNameLength", d.maxNameLength());
    limits.put("maxMetadataEntries", d.maxMetadataEntries());
    limits.put("maxMetadataKeyLength", d.maxMetadataKeyLength());
    limits.put("maxMetadataValueBytes", d.maxMetadataValueBytes());
    limits.put("maxArgumentsPerSegment", d.maxArgumentsPerSegment());
    limits.put("maxHopLimit", d.maxHopLimit());
    limits.put("maxRouteRecords", d.maxRouteRecords());
    limits.put("maxInsertedSegments", d.maxInsertedSegments());
    return c;
  }

  private String file(String description, ObjectNode context, List<ObjectNode> valid, List<ObjectNode> invalid) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("description", description);
    root.set("context", context);
    ArrayNode v = root.putArray("valid");
    valid.forEach(v::add);
    ArrayNode i = root.putArray("invalid");
    invalid.forEach(i::add);
    return MAPPER.writer().with(PRETTY).writeValueAsString(root) + "\n";
  }
}
