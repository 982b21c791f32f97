package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.CHAIN_ID;
import static io.chainmesh.core.Fixtures.NOW;
import static io.chainmesh.core.Fixtures.base64url;
import static io.chainmesh.core.Fixtures.codec;
import static io.chainmesh.core.Fixtures.envelope;
import static io.chainmesh.core.Fixtures.everyField;
import static io.chainmesh.core.Fixtures.minimalMessage;
import static io.chainmesh.core.Fixtures.refused;
import static io.chainmesh.core.Fixtures.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.proto.Descriptor;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ChainJsonTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private static final String MINIMAL = """
      {"version": "1.0", "chainId": "0af7651916cd43dd8448eb211c80319c",
       "segments": [{"service": "a"}, {"service": "b", "function": "f"}],
       "issuedAt": "2026-01-31T12:00:00Z", "expiresAt": "2026-01-31T12:01:00Z"}""";

  private static ObjectNode tree(String json) {
    return (ObjectNode) MAPPER.readTree(json);
  }

  /** {@link #MINIMAL} with {@code property} set to the JSON value {@code valueJson}. */
  private static String minimalWith(String property, String valueJson) {
    ObjectNode o = tree(MINIMAL);
    o.set(property, MAPPER.readTree(valueJson));
    return o.toString();
  }

  /** The JSON of {@link Fixtures#everyField()} with {@code valueJson} set at {@code property} of the node at {@code path}. */
  private static String everyFieldWith(String path, String property, String valueJson) {
    ObjectNode o = tree(ChainJson.toJson(everyField()));
    ((ObjectNode) o.at(path)).set(property, MAPPER.readTree(valueJson));
    return o.toString();
  }

  private static ChainDescriptor withUnknownFields() {
    UnknownFieldSet extras = UnknownFieldSet.newBuilder()
        .addField(100, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
        .addField(101, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
        .build();
    UnknownFieldSet segmentExtras = UnknownFieldSet.newBuilder()
        .addField(50, UnknownFieldSet.Field.newBuilder().addFixed32(7).build()).build();
    Descriptor message = minimalMessage()
        .setMinorVersion(4)
        .clearSegments()
        .addSegments(io.chainmesh.core.internal.proto.Segment.newBuilder().setService("a")
            .setUnknownFields(segmentExtras))
        .addRoute(io.chainmesh.core.internal.proto.RouteRecord.newBuilder().setSegmentIndex(0).setNode("n")
            .setOutcome(io.chainmesh.core.internal.proto.Outcome.OUTCOME_FAILED).setUnknownFields(segmentExtras))
        .setUnknownFields(extras)
        .build();
    return codec().decode(signed(message));
  }

  @Nested
  class RoundTrip {
    @Test
    void roundTripsEveryField() {
      ChainDescriptor d = everyField();

      assertEquals(d, ChainJson.fromJson(ChainJson.toJson(d)));
    }

    @Test
    void prettyJsonRoundTripsToo() {
      ChainDescriptor d = everyField();
      String pretty = ChainJson.toPrettyJson(d);

      assertTrue(pretty.contains("\n"), pretty);
      assertEquals(d, ChainJson.fromJson(pretty));
    }

    @Test
    void roundTripsUnknownFieldsOfANewerMinorVersion() {
      ChainDescriptor d = withUnknownFields();
      String json = ChainJson.toJson(d);

      ChainDescriptor back = ChainJson.fromJson(json);

      assertTrue(json.contains("\"unknownFields\""), json);
      assertEquals(d, back);
      assertEquals(4, back.minorVersion());
      assertEquals(codec().encode(d), codec().encode(back));
    }

    @Test
    void roundTripsAfterAHop() {
      ChainDescriptor d = everyField().withContext("hop.note", "ünïcødé \"quoted\"\n").advance(Fixtures.record(2));

      assertEquals(d, ChainJson.fromJson(ChainJson.toJson(d)));
    }

    @Test
    void readsMinimalJsonWithDefaults() {
      ChainDescriptor d = ChainJson.fromJson(MINIMAL);

      assertEquals(CHAIN_ID, d.chainId());
      assertEquals(List.of(Segment.of("a"), Segment.of("b", "f")), d.segments());
      assertEquals(0, d.pointer());
      assertEquals(2, d.hopLimit());
      assertEquals(ReturnMode.SYNC, d.returnMode());
      assertEquals(NOW, d.issuedAt());
      assertEquals(NOW.plusSeconds(60), d.expiresAt());
      assertEquals(Optional.empty(), d.deadline());
      assertEquals(List.of(), d.route());
      assertEquals(Map.of(), d.edgeMetadata());
    }
  }

  @Nested
  class Shape {
    private final JsonNode json = MAPPER.readTree(ChainJson.toJson(everyField()));

    @Test
    void namesTheVersionAndChainIdAsText() {
      assertEquals("1.0", json.get("version").stringValue());
      assertEquals(CHAIN_ID.toHex(), json.get("chainId").stringValue());
      assertEquals("checkout", json.get("chainName").stringValue());
    }

    @Test
    void writesSegmentsWithServiceOrUrl() {
      JsonNode segments = json.get("segments");

      assertEquals("pricing.shop", segments.get(1).get("service").stringValue());
      assertEquals("quote", segments.get(1).get("function").stringValue());
      assertEquals("EUR", segments.get(1).get("arguments").get("currency").stringValue());
      assertEquals("https://fraud.partner.example:8443/score", segments.get(2).get("url").stringValue());
      assertFalse(segments.get(2).has("service"));
    }

    @Test
    void writesTimesAsIsoInstantsAndModesInLowerCase() {
      assertEquals("2026-01-31T11:59:59Z", json.get("issuedAt").stringValue());
      assertEquals("2026-01-31T12:00:30Z", json.get("deadline").stringValue());
      assertEquals("async", json.get("returnMode").stringValue());
      assertEquals("edge.shop", json.get("replyTo").get("service").stringValue());
      assertEquals("forwarded", json.get("route").get(0).get("outcome").stringValue());
      assertEquals(251, json.get("route").get(1).get("durationMicros").longValue());
    }

    @Test
    void neverContainsKeyIdsOrMacs() {
      KeyRing ring = KeyRing.builder().addKey("edge-key-2026", Fixtures.SECRET_1).build();
      String header = codec(ring).encode(everyField());
      byte[] mac = envelope(header).getMac().toByteArray();

      String json = ChainJson.toJson(codec(ring).decode(header));

      assertFalse(json.contains("edge-key-2026"), json);
      assertFalse(json.toLowerCase().contains("mac"), json);
      assertFalse(json.contains(base64url(mac).substring(0, 10)), json);
      assertFalse(json.contains(HexFormat.of().formatHex(mac).substring(0, 10)), json);
      assertFalse(json.contains(base64url(Fixtures.SECRET_1).substring(0, 10)), json);
    }
  }

  @Nested
  class StrictReading {
    @Test
    void refusesTextThatIsNotJsonAtItsOffset() {
      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> ChainJson.fromJson("{\"version\": \"1.0\", }"));

      assertTrue(e.offset().isPresent(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"descriptor\"", "42", "null"})
    void refusesJsonThatIsNotAnObject(String json) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$", () -> ChainJson.fromJson(json));
    }

    @Test
    void refusesUnknownPropertyNamingIt() {
      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, "$",
          () -> ChainJson.fromJson(minimalWith("mac", "\"AAAA\"")));

      assertTrue(e.detail().contains("\"mac\""), e.detail());
    }

    @Test
    void refusesUnknownPropertyOfASegment() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments[1]",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "host", "\"10.0.0.1\"")));
    }

    @Test
    void refusesUnknownPropertyOfARouteRecord() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route[0]",
          () -> ChainJson.fromJson(everyFieldWith("/route/0", "mac", "\"x\"")));
    }

    @Test
    void refusesUnknownPropertyOfReplyTo() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.replyTo",
          () -> ChainJson.fromJson(everyFieldWith("/replyTo", "port", "8080")));
    }

    @Test
    void refusesDuplicateProperties() {
      String json = MINIMAL.replace("\"version\": \"1.0\",", "\"version\": \"1.0\", \"version\": \"1.0\",");

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> ChainJson.fromJson(json));
      assertTrue(e.offset().isPresent(), e.getMessage());
    }

    @Test
    void refusesDuplicateMetadataKeys() {
      String json = MINIMAL.replace("\"version\": \"1.0\",",
          "\"version\": \"1.0\", \"edgeMetadata\": {\"tier\": \"gold\", \"tier\": \"platinum\"},");

      refused(Reason.DESCRIPTOR_MALFORMED, () -> ChainJson.fromJson(json));
    }

    @Test
    void refusesWrongTypeOfPointer() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.pointer", () -> ChainJson.fromJson(minimalWith("pointer", "\"1\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "2147483648", "true"})
    void refusesHopLimitThatIsNotAnInt(String value) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.hopLimit", () -> ChainJson.fromJson(minimalWith("hopLimit", value)));
    }

    @Test
    void refusesWrongTypeOfChainId() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.chainId", () -> ChainJson.fromJson(minimalWith("chainId", "5")));
    }

    @Test
    void refusesChainIdThatIsNotHex() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.chainId",
          () -> ChainJson.fromJson(minimalWith("chainId", "\"0af7651916cd43dd8448eb211c80319z\"")));
    }

    @Test
    void refusesMissingChainId() {
      ObjectNode o = tree(MINIMAL);
      o.remove("chainId");

      refused(Reason.DESCRIPTOR_MALFORMED, "$.chainId", () -> ChainJson.fromJson(o.toString()));
    }

    @Test
    void refusesSegmentsThatAreNotAnArray() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments",
          () -> ChainJson.fromJson(minimalWith("segments", "{\"service\": \"a\"}")));
    }

    @Test
    void refusesMetadataThatIsNotAnObject() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.edgeMetadata",
          () -> ChainJson.fromJson(minimalWith("edgeMetadata", "[\"tier\"]")));
    }

    @Test
    void refusesMetadataValueThatIsNotAString() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.edgeMetadata.tier",
          () -> ChainJson.fromJson(minimalWith("edgeMetadata", "{\"tier\": 3}")));
    }

    @Test
    void refusesWrongTypeOfFunction() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments[1].function",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "function", "7")));
    }

    @Test
    void refusesWrongTypeOfRouteDuration() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route[1].durationMicros",
          () -> ChainJson.fromJson(everyFieldWith("/route/1", "durationMicros", "\"251\"")));
    }

    @Test
    void refusesRouteThatIsNotAnArray() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route", () -> ChainJson.fromJson(minimalWith("route", "{}")));
    }

    @Test
    void refusesUnknownOutcome() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route[0].outcome",
          () -> ChainJson.fromJson(everyFieldWith("/route/0", "outcome", "\"teleported\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-01-31", "2026-13-01T00:00:00Z", "1769860800000"})
    void refusesIssueTimeThatIsNotAnIsoInstant(String value) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.issuedAt",
          () -> ChainJson.fromJson(minimalWith("issuedAt", "\"" + value + "\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "+292278994-08-17T07:12:55.808Z"})
    void refusesInstantsBeyondInt64MillisecondsAtTheirPath(String value) {
      String quoted = "\"" + value + "\"";

      refused(Reason.DESCRIPTOR_MALFORMED, "$.issuedAt", () -> ChainJson.fromJson(minimalWith("issuedAt", quoted)));
      refused(Reason.DESCRIPTOR_MALFORMED, "$.deadline", () -> ChainJson.fromJson(minimalWith("deadline", quoted)));
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route[0].start",
          () -> ChainJson.fromJson(everyFieldWith("/route/0", "start", quoted)));
    }

    @Test
    void readsTheLastInstantOfInt64Milliseconds() {
      ChainDescriptor d = ChainJson.fromJson(minimalWith("deadline", "\"+292278994-08-17T07:12:55.807Z\""));

      assertEquals(Optional.of(java.time.Instant.ofEpochMilli(Long.MAX_VALUE)), d.deadline());
    }

    @Test
    void refusesBadDeadline() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.deadline",
          () -> ChainJson.fromJson(minimalWith("deadline", "\"soon\"")));
    }

    @Test
    void refusesBadRouteStart() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.route[0].start",
          () -> ChainJson.fromJson(everyFieldWith("/route/0", "start", "\"noon\"")));
    }

    @Test
    void refusesUnsupportedMajorVersion() {
      refused(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "$.version",
          () -> ChainJson.fromJson(minimalWith("version", "\"2.0\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"one\"", "\"1.x\"", "\"\"", "\"1.0.0\"", "1.0"})
    void refusesMalformedVersion(String value) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.version", () -> ChainJson.fromJson(minimalWith("version", value)));
    }

    @Test
    void refusesMissingVersion() {
      ObjectNode o = tree(MINIMAL);
      o.remove("version");

      refused(Reason.DESCRIPTOR_MALFORMED, "$.version", () -> ChainJson.fromJson(o.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "\"+1.0\"", "\"1.-1\"", "\"1.0.0\"", "\"1.\"", "\".0\"", "\"1.x\""})
    void refusesVersionThatIsNotMajorDotMinorInDigits(String version) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.version", () -> ChainJson.fromJson(minimalWith("version", version)));
    }

    @Test
    void readsTheMinorVersion() {
      assertEquals(3, ChainJson.fromJson(minimalWith("version", "\"1.3\"")).minorVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"ASYNC\"", "\"stream\"", "1"})
    void refusesUnknownReturnMode(String value) {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.returnMode", () -> ChainJson.fromJson(minimalWith("returnMode", value)));
    }

    @Test
    void refusesSegmentWithBothServiceAndUrl() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments[1]",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "url", "\"https://x.example/\"")));
    }

    @Test
    void refusesSegmentWithNeitherServiceNorUrl() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments[0]",
          () -> ChainJson.fromJson(minimalWith("segments", "[{\"function\": \"f\"}]")));
    }

    @Test
    void refusesBadServiceNameAtItsPath() {
      refused(Reason.SEGMENT_INVALID_NAME, "$.segments[1].service",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "service", "\"Pricing_Shop\"")));
    }

    @Test
    void refusesNonHttpUrlAtItsPath() {
      refused(Reason.SEGMENT_INVALID_NAME, "$.segments[2].url",
          () -> ChainJson.fromJson(everyFieldWith("/segments/2", "url", "\"file:///etc/passwd\"")));
    }

    @Test
    void refusesBadArgumentKeyAtItsPath() {
      refused(Reason.METADATA_INVALID_KEY, "$.segments[1].arguments",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "arguments", "{\"Bad Key\": \"v\"}")));
    }

    @Test
    void refusesUnknownFieldsThatAreNotProtobuf() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.unknownFields",
          () -> ChainJson.fromJson(minimalWith("unknownFields", "\"not base64!\"")));
      refused(Reason.DESCRIPTOR_MALFORMED, "$.segments[1].unknownFields",
          () -> ChainJson.fromJson(everyFieldWith("/segments/1", "unknownFields", "\"_w\"")));
    }

    @Test
    void refusesPointerOutsideTheSegments() {
      refused(Reason.POINTER_OUT_OF_RANGE, "$.pointer", () -> ChainJson.fromJson(minimalWith("pointer", "2")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -3})
    void refusesHopLimitBelowOne(int hopLimit) {
      refused(Reason.HOP_LIMIT_EXCEEDED, "$.hopLimit",
          () -> ChainJson.fromJson(minimalWith("hopLimit", Integer.toString(hopLimit))));
    }

    @Test
    void refusesAsyncReturnWithoutReplyTo() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.replyTo", () -> ChainJson.fromJson(minimalWith("returnMode", "\"async\"")));
    }

    @Test
    void refusesExpiryBeforeIssue() {
      refused(Reason.DESCRIPTOR_MALFORMED, "$.expiresAt",
          () -> ChainJson.fromJson(minimalWith("expiresAt", "\"2026-01-31T11:00:00Z\"")));
    }

    @Test
    void refusesKeyInBothMetadataMaps() {
      String json = minimalWith("edgeMetadata", "{\"tier\": \"gold\"}");
      ObjectNode o = tree(json);
      o.set("contextMetadata", MAPPER.readTree("{\"tier\": \"silver\"}"));

      refused(Reason.METADATA_DUPLICATE_KEY, "$.contextMetadata", () -> ChainJson.fromJson(o.toString()));
    }

    @Test
    void refusalQuotesAtMostAnExcerptOfTheInput() {
      String longName = "p".repeat(500);

      ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, "$",
          () -> ChainJson.fromJson(minimalWith(longName, "1")));
      assertFalse(e.getMessage().contains("p".repeat(io.chainmesh.core.internal.Excerpt.MAX_CHARS + 1)),
          e.getMessage());
    }
  }
}
