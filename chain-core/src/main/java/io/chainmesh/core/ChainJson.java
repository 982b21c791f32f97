package io.chainmesh.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.Base64Url;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a descriptor, for people: logs, documentation, configuration, error bodies and
 * the command line. It round-trips losslessly (unknown protobuf fields of a newer minor version are
 * kept as base64url in {@code unknownFields}) and never contains keys or MACs, which belong to the
 * envelope, not the descriptor.
 *
 * <p>The shape is documented in docs/wire-format.md. Reading is strict: an unknown property, a
 * wrong type or an invalid value is a {@link ChainException} naming the JSON path.
 */
public final class ChainJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> DESCRIPTOR_FIELDS = Set.of("version", "chainId", "chainName",
      "segments", "pointer", "hopLimit", "edgeMetadata", "contextMetadata", "issuedAt", "expiresAt",
      "deadline", "returnMode", "replyTo", "route", "insertedSegments", "unknownFields");
  private static final Set<String> SEGMENT_FIELDS = Set.of("service", "function", "url", "arguments", "unknownFields");
  private static final Set<String> RECORD_FIELDS =
      Set.of("segmentIndex", "node", "start", "durationMicros", "outcome", "unknownFields");

  private ChainJson() {}

  /** Compact JSON. */
  public static String toJson(ChainDescriptor descriptor) {
    return MAPPER.writeValueAsString(toTree(descriptor));
  }

  /** Indented JSON for reading. */
  public static String toPrettyJson(ChainDescriptor descriptor) {
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(descriptor));
  }

  /**
   * The descriptor described by {@code json}.
   *
   * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} for unparseable JSON, unknown
   *     properties or wrong types, naming the JSON path; otherwise the reason of the broken invariant
   */
  public static ChainDescriptor fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, (int) Math.max(0, offset),
          "not valid JSON: " + e.getOriginalMessage());
    }
    return fromTree(root);
  }

  static ObjectNode toTree(ChainDescriptor d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("version", d.majorVersion() + "." + Integer.toUnsignedString(d.minorVersion()));
    o.put("chainId", d.chainId().toHex());
    d.chainName().ifPresent(n -> o.put("chainName", n));
    o.put("pointer", d.pointer());
    o.put("hopLimit", d.hopLimit());
    ArrayNode segments = o.putArray("segments");
    d.segments().forEach(s -> segments.add(segmentTree(s)));
    putMap(o, "edgeMetadata", d.edgeMetadata());
    putMap(o, "contextMetadata", d.contextMetadata());
    o.put("issuedAt", d.issuedAt().toString());
    o.put("expiresAt", d.expiresAt().toString());
    d.deadline().ifPresent(t -> o.put("deadline", t.toString()));
    o.put("returnMode", d.returnMode().name().toLowerCase(Locale.ROOT));
    d.replyTo().ifPresent(r -> o.set("replyTo", segmentTree(r)));
    ArrayNode route = o.putArray("route");
    for (RouteRecord r : d.route()) {
      ObjectNode n = route.addObject();
      n.put("segmentIndex", r.segmentIndex());
      n.put("node", r.node());
      n.put("start", r.start().toString());
      n.put("durationMicros", r.duration().toNanos() / 1000);
      n.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
      putUnknown(n, r.unknownFields);
    }
    o.put("insertedSegments", d.insertedSegments());
    putUnknown(o, d.unknownFields);
    return o;
  }

  private static ObjectNode segmentTree(Segment s) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put(s.isUrl() ? "url" : "service", s.service());
    s.function().ifPresent(f -> n.put("function", f));
    if (!s.arguments().isEmpty()) {
      putMap(n, "arguments", s.arguments());
    }
    putUnknown(n, s.unknownFields);
    return n;
  }

  private static void putMap(ObjectNode o, String name, Map<String, String> map) {
    ObjectNode m = o.putObject(name);
    map.forEach(m::put);
  }

  private static void putUnknown(ObjectNode o, UnknownFieldSet unknown) {
    if (!unknown.asMap().isEmpty()) {
      o.put("unknownFields", Base64Url.encode(unknown.toByteArray()));
    }
  }

  private static ChainDescriptor fromTree(JsonNode root) {
    try {
      return descriptorFromTree(root);
    } catch (ChainException e) {
      // Refusals of the model name its fields ("pointer"); in JSON they are paths ("$.pointer").
      throw e.field().filter(f -> f.startsWith("$")).isPresent() ? e : e.under("$");
    }
  }

  private static ChainDescriptor descriptorFromTree(JsonNode root) {
    requireObject(root, "$", DESCRIPTOR_FIELDS);
    ChainDescriptor.Builder b = ChainDescriptor.builder();
    String version = text(root, "version", true);
    int dot = version.indexOf('.');
    if (dot <= 0 || dot > 10 || version.length() - dot - 1 < 1 || version.length() - dot - 1 > 10
        || !allDigits(version, 0, dot) || !allDigits(version, dot + 1, version.length())
        || Long.parseLong(version.substring(0, dot)) > 0xFFFF_FFFFL
        || Long.parseLong(version.substring(dot + 1)) > 0xFFFF_FFFFL) {
      throw malformed("$.version", "version must be MAJOR.MINOR, two unsigned 32-bit numbers, like \"1.0\"");
    }
    long major = Long.parseLong(version.substring(0, dot));
    int minor = (int) Long.parseLong(version.substring(dot + 1)); // uint32 on the wire
    if (major != ChainDescriptor.MAJOR_VERSION) {
      throw ChainException.atField(Reason.DESCRIPTOR_UNSUPPORTED_VERSION, "$.version",
          "major version " + major + " is not supported");
    }
    b.minorVersion(minor);
    b.chainId(ChainId.fromHex(text(root, "chainId", true)));
    String name = text(root, "chainName", false);
    if (name != null) {
      b.chainName(name);
    }
    JsonNode segments = root.get("segments");
    if (segments == null || !segments.isArray()) {
      throw malformed("$.segments", "segments must be an array");
    }
    for (int i = 0; i < segments.size(); i++) {
      b.segment(segmentFromTree(segments.get(i), "$.segments[" + i + "]"));
    }
    b.pointer(integer(root, "pointer", "$.pointer", 0));
    JsonNode hopLimit = root.get("hopLimit");
    if (hopLimit != null && !hopLimit.isNull()) {
      b.hopLimit(integer(root, "hopLimit", "$.hopLimit", 0));
    }
    readMap(root, "edgeMetadata", "$.edgeMetadata", b::edgeMetadata);
    readMap(root, "contextMetadata", "$.contextMetadata", b::contextMetadata);
    b.issuedAt(instant(root, "issuedAt", true));
    b.expiresAt(instant(root, "expiresAt", true));
    b.deadline(instant(root, "deadline", false));
    String mode = text(root, "returnMode", false);
    JsonNode replyTo = root.get("replyTo");
    Segment reply = replyTo == null || replyTo.isNull() ? null : segmentFromTree(replyTo, "$.replyTo");
    if (mode == null || mode.equals("sync")) {
      b.returnMode(ReturnMode.SYNC, reply);
    } else if (mode.equals("async")) {
      b.returnMode(ReturnMode.ASYNC, reply);
    } else {
      throw malformed("$.returnMode", "returnMode must be \"sync\" or \"async\"");
    }
    JsonNode route = root.get("route");
    if (route != null && !route.isNull()) {
      if (!route.isArray()) {
        throw malformed("$.route", "route must be an array");
      }
      for (int i = 0; i < route.size(); i++) {
        b.routeRecord(recordFromTree(route.get(i), "$.route[" + i + "]"));
      }
    }
    b.insertedSegments(integer(root, "insertedSegments", "$.insertedSegments", 0));
    b.unknownFields(unknown(root, "$"));
    return b.build();
  }

  private static Segment segmentFromTree(JsonNode n, String at) {
    requireObject(n, at, SEGMENT_FIELDS);
    try {
      String service = text(n, "service", false);
      String url = text(n, "url", false);
      Segment.Builder b;
      if ((service == null) == (url == null)) {
        throw malformed(at, "a segment has exactly one of \"service\" and \"url\"");
      }
      if (url != null) {
        try {
          b = Segment.urlBuilder(Segment.checkUrl(new URI(url)));
        } catch (URISyntaxException e) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "url", "URL does not parse");
        }
      } else {
        b = Segment.builder(service);
      }
      String function = text(n, "function", false);
      if (function != null) {
        b.function(function);
      }
      readMap(n, "arguments", "arguments", b::argument);
      b.unknownFields(unknown(n, at));
      return b.build();
    } catch (ChainException e) {
      throw e.field().map(f -> f.startsWith("$") ? e : e.under(at)).orElseGet(() -> e.under(at));
    }
  }

  private static RouteRecord recordFromTree(JsonNode n, String at) {
    requireObject(n, at, RECORD_FIELDS);
    try {
      String outcome = text(n, "outcome", true);
      Outcome parsed;
      try {
        parsed = Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw malformed(at + ".outcome", "unknown outcome " + ChainException.quote(outcome));
      }
      long micros = longValue(n, "durationMicros", at + ".durationMicros");
      if (micros < 0 || micros > Long.MAX_VALUE / 1000) {
        throw malformed(at + ".durationMicros", "duration is out of range");
      }
      return RouteRecord.builder()
          .segmentIndex(integer(n, "segmentIndex", at + ".segmentIndex", -1))
          .node(text(n, "node", true))
          .start(instant(n, "start", true))
          .duration(Duration.ofNanos(micros * 1000))
          .outcome(parsed)
          .unknownFields(unknown(n, at))
          .build();
    } catch (ChainException e) {
      throw e.field().map(f -> f.startsWith("$") ? e : e.under(at)).orElseGet(() -> e.under(at));
    }
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static void requireObject(JsonNode n, String at, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw malformed(at, "expected a JSON object");
    }
    for (String name : n.propertyNames()) {
      if (!allowed.contains(name)) {
        throw malformed(at, "unknown property " + ChainException.quote(name));
      }
    }
  }

  private static String text(JsonNode o, String name, boolean required) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      if (required) {
        throw malformed(name, "missing required property " + name);
      }
      return null;
    }
    if (!n.isString()) {
      throw malformed(name, name + " must be a string");
    }
    return n.stringValue();
  }

  private static int integer(JsonNode o, String name, String at, int absent) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw malformed(at, name + " must be an integer");
    }
    return n.intValue();
  }

  private static long longValue(JsonNode o, String name, String at) {
    JsonNode n = o.get(name);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw malformed(at, name + " must be an integer");
    }
    return n.longValue();
  }

  private static Instant instant(JsonNode o, String name, boolean required) {
    String text = text(o, name, required);
    if (text == null) {
      return null;
    }
    try {
      Instant instant = Instant.parse(text);
      instant.toEpochMilli(); // the wire form holds int64 milliseconds: refuse what it cannot carry
      return instant;
    } catch (DateTimeException | ArithmeticException e) {
      throw malformed(name, name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z,"
          + " within the range of int64 milliseconds since 1970");
    }
  }

  private interface EntrySink {
    void put(String key, String value);
  }

  private static void readMap(JsonNode o, String name, String at, EntrySink sink) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isObject()) {
      throw malformed(at, name + " must be an object of strings");
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isString()) {
        throw malformed(at + "." + e.getKey(), "metadata values must be strings");
      }
      sink.put(e.getKey(), e.getValue().stringValue());
    }
  }

  private static UnknownFieldSet unknown(JsonNode o, String at) {
    String text = text(o, "unknownFields", false);
    if (text == null) {
      return UnknownFieldSet.getDefaultInstance();
    }
    try {
      return UnknownFieldSet.parseFrom(Base64Url.decode(text));
    } catch (InvalidProtocolBufferException | ChainException e) {
      throw malformed(at + ".unknownFields", "unknownFields must be base64url protobuf fields");
    }
  }

  private static ChainException malformed(String at, String detail) {
    return ChainException.atField(Reason.DESCRIPTOR_MALFORMED, at, detail);
  }
}
