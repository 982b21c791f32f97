package io.chainmesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chainmesh.core.internal.proto.Descriptor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a hop does with header values it did not produce: tampered, truncated, random or signed
 * nonsense. Decoding throws nothing but {@link ChainException}, with a reason a decoder can give and
 * a short message, and accepts nothing it should not.
 */
class HeaderProperties {
  /** Refusals of a header whose envelope bytes were changed after signing. */
  private static final Set<Reason> TAMPERED = EnumSet.of(Reason.INTEGRITY_MISSING, Reason.INTEGRITY_UNKNOWN_KEY,
      Reason.INTEGRITY_BAD_MAC, Reason.DESCRIPTOR_MALFORMED, Reason.DESCRIPTOR_UNSUPPORTED_VERSION);
  /** Every reason decoding a header can give. */
  private static final Set<Reason> DECODE_REASONS = EnumSet.of(Reason.DESCRIPTOR_MALFORMED,
      Reason.DESCRIPTOR_TOO_LARGE, Reason.DESCRIPTOR_UNSUPPORTED_VERSION, Reason.DESCRIPTOR_EXPIRED,
      Reason.DESCRIPTOR_NOT_YET_VALID, Reason.DESCRIPTOR_LIFETIME_TOO_LONG, Reason.INTEGRITY_MISSING,
      Reason.INTEGRITY_UNKNOWN_KEY, Reason.INTEGRITY_BAD_MAC, Reason.HOP_LIMIT_EXCEEDED, Reason.POINTER_OUT_OF_RANGE,
      Reason.SEGMENT_INVALID_NAME, Reason.METADATA_INVALID_KEY, Reason.METADATA_DUPLICATE_KEY,
      Reason.LIMITS_SEGMENTS, Reason.LIMITS_NAME_LENGTH, Reason.LIMITS_METADATA_ENTRIES, Reason.LIMITS_METADATA_KEY,
      Reason.LIMITS_METADATA_VALUE, Reason.LIMITS_ARGUMENTS, Reason.LIMITS_HOP_LIMIT, Reason.LIMITS_ROUTE,
      Reason.LIMITS_INSERTED_SEGMENTS);
  /** Longest refusal message: a reason, a sentence, an excerpt and a field path. */
  private static final int MAX_MESSAGE = 300;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final ChainCodec codec = Fixtures.codec();

  @Provide
  Arbitrary<ChainDescriptor> descriptors() {
    return ChainArbitraries.descriptors();
  }

  @Provide
  Arbitrary<Descriptor> descriptorMessages() {
    return ChainArbitraries.descriptorMessages();
  }

  @Provide
  Arbitrary<String> base64urlText() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        .ofMaxLength(400);
  }

  /** The refusal of {@code header}; fails if it is accepted or anything but a ChainException is thrown. */
  private ChainException refusal(String header, String what) {
    try {
      codec.decode(header);
    } catch (ChainException e) {
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e::getMessage);
      return e;
    }
    return fail("accepted " + what);
  }

  /** Decoding that either succeeds or refuses with a decode reason and a short message. */
  private static void decodesOrRefuses(Runnable decode) {
    try {
      decode.run();
    } catch (ChainException e) {
      assertTrue(DECODE_REASONS.contains(e.reason()), e::getMessage);
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e::getMessage);
    }
  }

  private void everyBitFlipIsRefusedAsTampered(String header) {
    byte[] envelope = Fixtures.unbase64url(header);
    for (int bit = 0; bit < envelope.length * 8; bit++) {
      byte[] flipped = envelope.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      int at = bit;
      ChainException e = refusal(Fixtures.base64url(flipped), "envelope with bit " + bit + " flipped");
      assertTrue(TAMPERED.contains(e.reason()), () -> "bit " + at + ": " + e.getMessage());
    }
  }

  @Example
  void flippingAnyBitOfTheEnvelopeOfEveryFieldIsRefusedAsTampered() {
    everyBitFlipIsRefusedAsTampered(codec.encode(Fixtures.everyField()));
  }

  @Property(tries = 15)
  void flippingAnyBitOfTheEnvelopeIsRefusedAsTampered(@ForAll("descriptors") ChainDescriptor d) {
    everyBitFlipIsRefusedAsTampered(codec.encode(d));
  }

  @Property(tries = 10)
  void flippingAnyBitOfAnyCharacterOfTheHeaderIsRefused(@ForAll("descriptors") ChainDescriptor d) {
    String header = codec.encode(d);
    for (int i = 0; i < header.length(); i++) {
      for (int bit = 0; bit < 7; bit++) {
        char[] chars = header.toCharArray();
        chars[i] ^= (char) (1 << bit);
        int at = i;
        ChainException e = refusal(new String(chars), "header with character " + i + " changed");
        assertTrue(TAMPERED.contains(e.reason()), () -> "character " + at + ": " + e.getMessage());
      }
    }
  }

  @Example
  void replacingAnyCharacterOfAHeaderWithAnyOtherIsRefused() {
    String header = codec.encode(Fixtures.chain("pricing", "fraud").edgeMetadata("tier", "gold").build());
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .";
    for (int i = 0; i < header.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c != header.charAt(i)) {
          String changed = header.substring(0, i) + c + header.substring(i + 1);
          ChainException e = refusal(changed, "header with character " + i + " replaced");
          assertTrue(TAMPERED.contains(e.reason()), e::getMessage);
        }
      }
    }
  }

  @Example
  void everyTruncationOfAHeaderIsRefused() {
    String header = codec.encode(Fixtures.everyField());
    for (int n = 0; n < header.length(); n++) {
      ChainException e = refusal(header.substring(0, n), "header truncated to " + n);
      assertTrue(TAMPERED.contains(e.reason()), e::getMessage);
    }
  }

  @Property
  void arbitraryStringsAreDecodedOnlyIntoChainExceptions(@ForAll @StringLength(max = 300) String header) {
    decodesOrRefuses(() -> codec.decode(header));
    decodesOrRefuses(() -> codec.decodeUnverified(header));
  }

  @Property
  void arbitraryBase64urlTextIsDecodedOnlyIntoChainExceptions(@ForAll("base64urlText") String header) {
    decodesOrRefuses(() -> codec.decode(header));
    decodesOrRefuses(() -> codec.decodeUnverified(header));
  }

  @Property
  void arbitraryBytesAreDecodedOnlyIntoChainExceptions(@ForAll @Size(max = 300) byte[] bytes) {
    String header = Fixtures.base64url(bytes);

    decodesOrRefuses(() -> codec.decode(header));
    decodesOrRefuses(() -> codec.decodeUnverified(header));
  }

  @Property
  void signedArbitraryBytesAreDecodedOnlyIntoChainExceptions(@ForAll @Size(max = 300) byte[] descriptor) {
    String header = Fixtures.signed(Fixtures.SECRET_1, "k1", descriptor);

    decodesOrRefuses(() -> codec.decode(header));
  }

  /**
   * Signed protobuf messages with arbitrary field values get past the MAC: each is either refused
   * with a ChainException, or accepted as a descriptor that re-encodes and round-trips through JSON.
   */
  @Property
  void signedArbitraryDescriptorsAreAcceptedOnlyWhenValid(@ForAll("descriptorMessages") Descriptor message) {
    Statistics.label("outcome").coverage(c -> c.check("accepted").percentage(p -> p > 1));
    String header = Fixtures.signed(message);
    ChainDescriptor d;
    try {
      d = codec.decode(header);
    } catch (ChainException e) {
      assertTrue(DECODE_REASONS.contains(e.reason()), e::getMessage);
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e::getMessage);
      Statistics.label("outcome").collect(e.reason().code());
      return;
    }
    Statistics.label("outcome").collect("accepted");
    assertEquals(d, codec.decode(codec.encode(d)));
    assertEquals(d, ChainJson.fromJson(ChainJson.toJson(d)));
    assertEquals(message.getUnknownFields(), Fixtures.descriptorMessage(codec.encode(d)).getUnknownFields());
  }

  @Property
  void arbitraryTextIsReadAsJsonOnlyIntoChainExceptions(@ForAll @StringLength(max = 200) String json) {
    decodesOrRefuses(() -> ChainJson.fromJson(json));
  }

  @Provide
  Arbitrary<String> jsonValues() {
    return Arbitraries.of("null", "0", "-1", "1", "2147483648", "-9223372036854775809", "1e400", "1.5", "true",
        "\"\"", "\"x\"", "\"async\"", "\"1.0\"", "\"2.0\"", "\"1.-1\"", "\"2026-01-31T12:00:00Z\"",
        "\"+1000000000-01-01T00:00:00Z\"", "\"0af7651916cd43dd8448eb211c80319c\"", "\"Zm9v\"", "\"http://x.example/\"",
        "[]", "[{}]", "{}", "{\"a\":\"b\"}", "{\"a\":1}", "{\"service\":\"a\"}", "\"\\u0000\"");
  }

  /**
   * Every value slot of a JSON tree — object properties, one new property per object, array
   * elements — as an action that puts {@code value} there.
   */
  private static void slots(JsonNode node, List<Runnable> out, String value) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.propertyNames().forEach(names::add);
      for (String name : names) {
        out.add(() -> o.set(name, MAPPER.readTree(value)));
        slots(o.get(name), out, value);
      }
      out.add(() -> o.set("extra", MAPPER.readTree(value)));
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        int index = i;
        out.add(() -> a.set(index, MAPPER.readTree(value)));
        slots(a.get(i), out, value);
      }
    }
  }

  /** Any one value of a descriptor's JSON replaced by any JSON value: read as a valid descriptor or refused. */
  @Property
  void jsonWithAnyValueReplacedIsReadOnlyAsAValidDescriptorOrRefused(@ForAll("descriptors") ChainDescriptor d,
      @ForAll int slot, @ForAll("jsonValues") String value) {
    JsonNode tree = MAPPER.readTree(ChainJson.toJson(d));
    List<Runnable> slots = new ArrayList<>();
    slots(tree, slots, value);
    slots.get(Math.floorMod(slot, slots.size())).run();
    String json = tree.toString();

    ChainDescriptor read;
    try {
      read = ChainJson.fromJson(json);
    } catch (ChainException e) {
      assertTrue(DECODE_REASONS.contains(e.reason()), e::getMessage);
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e::getMessage);
      assertTrue(e.field().isPresent() || e.offset().isPresent(), e::getMessage);
      e.field().ifPresent(f -> assertTrue(f.startsWith("$"), e::getMessage));
      return;
    }
    assertEquals(read, ChainJson.fromJson(ChainJson.toJson(read)));
  }

  @Example
  void unsignedHeadersOfAnInsecureHopAreRefusedForMissingIntegrity() {
    ChainCodec insecure = Fixtures.codec(KeyRing.insecureDevelopmentMode());
    for (Map.Entry<String, ChainDescriptor> e : Map.of("every field", Fixtures.everyField(),
        "minimal", Fixtures.chain("a").build()).entrySet()) {
      assertEquals(Reason.INTEGRITY_MISSING, refusal(insecure.encode(e.getValue()), e.getKey()).reason());
    }
  }
}
