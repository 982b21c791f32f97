package io.chainmesh.core;

import com.google.protobuf.UnsafeByteOperations;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.MetadataEntry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Between the generated protobuf {@link Descriptor} and the public model, plus the one place where
 * {@link DecodeLimits} are checked: on the parsed message before any model object is built when
 * decoding, and on the message about to be written when encoding, so a hop never emits what its
 * peers would refuse.
 */
final class DescriptorMapping {
  private DescriptorMapping() {}

  /** Checks counts and sizes of a parsed or about-to-be-written message against {@code limits}. */
  static void checkLimits(Descriptor d, DecodeLimits limits) {
    if (d.getSegmentsCount() > limits.maxSegments()) {
      throw ChainException.atField(Reason.LIMITS_SEGMENTS, "segments",
          d.getSegmentsCount() + " segments; at most " + limits.maxSegments() + " are allowed");
    }
    checkName(d.getChainName(), "chainName", -1, "", limits);
    for (int i = 0; i < d.getSegmentsCount(); i++) {
      checkSegment(d.getSegments(i), "segments", i, limits);
    }
    if (d.hasReplyTo()) {
      checkSegment(d.getReplyTo(), "replyTo", -1, limits);
    }
    if (Integer.compareUnsigned(d.getHopLimit(), limits.maxHopLimit()) > 0) {
      throw ChainException.atField(Reason.LIMITS_HOP_LIMIT, "hopLimit",
          "hop limit " + Integer.toUnsignedString(d.getHopLimit()) + " is above the maximum "
              + limits.maxHopLimit());
    }
    int entries = d.getEdgeMetadataCount() + d.getContextMetadataCount();
    if (entries > limits.maxMetadataEntries()) {
      throw ChainException.atField(Reason.LIMITS_METADATA_ENTRIES, "metadata",
          entries + " metadata entries; at most " + limits.maxMetadataEntries() + " are allowed");
    }
    checkEntries(d.getEdgeMetadataList(), "edgeMetadata", -1, "", limits);
    checkEntries(d.getContextMetadataList(), "contextMetadata", -1, "", limits);
    if (d.getRouteCount() > limits.maxRouteRecords()) {
      throw ChainException.atField(Reason.LIMITS_ROUTE, "route",
          d.getRouteCount() + " route records; at most " + limits.maxRouteRecords() + " are allowed");
    }
    for (int i = 0; i < d.getRouteCount(); i++) {
      checkName(d.getRoute(i).getNode(), "route", i, ".node", limits);
    }
    if (Integer.compareUnsigned(d.getInsertedSegments(), limits.maxInsertedSegments()) > 0) {
      throw ChainException.atField(Reason.LIMITS_INSERTED_SEGMENTS, "insertedSegments",
          Integer.toUnsignedString(d.getInsertedSegments()) + " inserted segments; at most "
              + limits.maxInsertedSegments() + " are allowed");
    }
  }

  /**
   * The path of a field, such as {@code segments[3].service} or {@code replyTo.service}: built only
   * when an error names it, never on the way through (checks run on every decode and encode).
   */
  private static String at(String list, int index, String suffix) {
    return index < 0 ? list + suffix : list + "[" + index + "]" + suffix;
  }

  private static void checkSegment(io.chainmesh.core.internal.proto.Segment s, String list, int index,
      DecodeLimits limits) {
    checkName(s.getService(), list, index, ".service", limits);
    checkName(s.getFunction(), list, index, ".function", limits);
    if (s.getArgumentsCount() > limits.maxArgumentsPerSegment()) {
      throw ChainException.atField(Reason.LIMITS_ARGUMENTS, at(list, index, ".arguments"),
          s.getArgumentsCount() + " arguments; at most " + limits.maxArgumentsPerSegment() + " are allowed");
    }
    checkEntries(s.getArgumentsList(), list, index, ".arguments", limits);
  }

  private static void checkName(String name, String list, int index, String suffix, DecodeLimits limits) {
    if (name.length() > limits.maxNameLength()) {
      throw ChainException.atField(Reason.LIMITS_NAME_LENGTH, at(list, index, suffix),
          "name of " + name.length() + " characters; at most " + limits.maxNameLength() + " are allowed");
    }
  }

  private static void checkEntries(List<MetadataEntry> entries, String list, int index, String suffix,
      DecodeLimits limits) {
    for (int i = 0; i < entries.size(); i++) {
      MetadataEntry e = entries.get(i);
      if (e.getKey().length() > limits.maxMetadataKeyLength()) {
        throw ChainException.atField(Reason.LIMITS_METADATA_KEY, at(list, index, suffix) + "[" + i + "].key",
            "key of " + e.getKey().length() + " characters; at most " + limits.maxMetadataKeyLength()
                + " are allowed");
      }
      int bytes = Syntax.utf8Length(e.getValue());
      if (bytes > limits.maxMetadataValueBytes()) {
        throw ChainException.atField(Reason.LIMITS_METADATA_VALUE, at(list, index, suffix) + "[" + i + "].value",
            "value of " + bytes + " bytes; at most " + limits.maxMetadataValueBytes() + " are allowed");
      }
    }
  }

  /** The model of a parsed message whose limits have been checked. */
  static ChainDescriptor fromProto(Descriptor d) {
    ChainDescriptor.Builder b = ChainDescriptor.builder();
    b.minorVersion(d.getMinorVersion());
    b.chainId(ChainId.fromBytes(d.getChainId().toByteArray()));
    if (!d.getChainName().isEmpty()) {
      b.chainName(d.getChainName());
    }
    for (int i = 0; i < d.getSegmentsCount(); i++) {
      b.segment(segmentFromProto(d.getSegments(i), "segments", i));
    }
    if (d.getPointer() < 0) { // a uint32 above 2^31 - 1: past the end of any list, like any other
      throw ChainException.atField(Reason.POINTER_OUT_OF_RANGE, "pointer",
          "pointer " + Integer.toUnsignedString(d.getPointer()) + " is outside the segment list of "
              + d.getSegmentsCount());
    }
    b.pointer(d.getPointer());
    int hopLimit = unsigned(d.getHopLimit(), "hopLimit");
    if (hopLimit == 0) {
      throw ChainException.atField(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", "hop limit is 0");
    }
    b.hopLimit(hopLimit);
    putEntries(d.getEdgeMetadataList(), "edgeMetadata", b::edgeMetadata);
    putEntries(d.getContextMetadataList(), "contextMetadata", b::contextMetadata);
    b.issuedAt(Instant.ofEpochMilli(d.getIssuedAtMs()));
    b.expiresAt(Instant.ofEpochMilli(d.getExpiresAtMs()));
    if (d.getDeadlineMs() < 0) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "deadline", "deadline is negative");
    }
    if (d.getDeadlineMs() != 0) {
      b.deadline(Instant.ofEpochMilli(d.getDeadlineMs()));
    }
    ReturnMode mode = switch (d.getReturnMode()) {
      case RETURN_MODE_SYNC -> ReturnMode.SYNC;
      case RETURN_MODE_ASYNC -> ReturnMode.ASYNC;
      default -> throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "returnMode",
          "unknown return mode " + d.getReturnModeValue());
    };
    b.returnMode(mode, d.hasReplyTo() ? segmentFromProto(d.getReplyTo(), "replyTo", -1) : null);
    for (int i = 0; i < d.getRouteCount(); i++) {
      b.routeRecord(recordFromProto(d.getRoute(i), i));
    }
    b.insertedSegments(unsigned(d.getInsertedSegments(), "insertedSegments"));
    b.unknownFields(d.getUnknownFields());
    return b.build();
  }

  private static Segment segmentFromProto(io.chainmesh.core.internal.proto.Segment s, String list, int index) {
    try {
      Segment.Builder b;
      if (!s.getUrl().isEmpty()) {
        if (!s.getService().isEmpty()) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "service",
              "a segment holds either a service name or a URL, not both");
        }
        URI uri;
        try {
          uri = new URI(s.getUrl());
        } catch (URISyntaxException e) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "url",
              "URL " + ChainException.quote(s.getUrl()) + " does not parse at index " + e.getIndex());
        }
        b = Segment.urlBuilder(Segment.checkUrl(uri));
      } else {
        b = Segment.builder(s.getService());
      }
      if (!s.getFunction().isEmpty()) {
        b.function(s.getFunction());
      }
      if (s.getArgumentsCount() > 0) {
        putEntries(s.getArgumentsList(), "arguments", b::argument);
      }
      b.unknownFields(s.getUnknownFields());
      return b.build();
    } catch (ChainException e) {
      throw e.under(at(list, index, ""));
    }
  }

  private static RouteRecord recordFromProto(io.chainmesh.core.internal.proto.RouteRecord r, int index) {
    try {
      Outcome outcome = switch (r.getOutcome()) {
        case OUTCOME_FORWARDED -> Outcome.FORWARDED;
        case OUTCOME_ANSWERED -> Outcome.ANSWERED;
        case OUTCOME_ENDED_EARLY -> Outcome.ENDED_EARLY;
        case OUTCOME_FAILED -> Outcome.FAILED;
        default -> throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "outcome",
            "unknown outcome " + r.getOutcomeValue());
      };
      if (r.getDurationUs() < 0) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "durationUs", "duration is out of range");
      }
      return RouteRecord.builder()
          .segmentIndex(unsigned(r.getSegmentIndex(), "segmentIndex"))
          .node(r.getNode())
          .start(Instant.ofEpochMilli(r.getStartMs()))
          .duration(java.time.Duration.ofNanos(Math.multiplyExact(r.getDurationUs(), 1000L)))
          .outcome(outcome)
          .unknownFields(r.getUnknownFields())
          .build();
    } catch (ArithmeticException e) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, at("route", index, ".durationUs"),
          "duration is out of range");
    } catch (ChainException e) {
      throw e.under(at("route", index, ""));
    }
  }

  private static int unsigned(int value, String field) {
    if (value < 0) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, field,
          "value " + Integer.toUnsignedString(value) + " is out of range");
    }
    return value;
  }

  private interface EntrySink {
    void put(String key, String value);
  }

  private static void putEntries(List<MetadataEntry> entries, String at, EntrySink sink) {
    for (int i = 0; i < entries.size(); i++) {
      MetadataEntry e = entries.get(i);
      try {
        sink.put(e.getKey(), e.getValue());
      } catch (ChainException ex) {
        throw ChainException.atField(ex.reason(), at + "[" + i + "]", ex.detail());
      }
    }
  }

  /** The message for a model value. */
  static Descriptor toProto(ChainDescriptor d) {
    Descriptor.Builder b = Descriptor.newBuilder()
        .setMajorVersion(ChainDescriptor.MAJOR_VERSION)
        .setMinorVersion(d.minorVersion())
        .setChainId(UnsafeByteOperations.unsafeWrap(d.chainId().toBytes())) // a fresh array, never written again
        .setPointer(d.pointer())
        .setHopLimit(d.hopLimit())
        .setIssuedAtMs(d.issuedAt().toEpochMilli())
        .setExpiresAtMs(d.expiresAt().toEpochMilli())
        .setInsertedSegments(d.insertedSegments());
    d.chainName().ifPresent(b::setChainName);
    for (Segment s : d.segments()) {
      b.addSegments(segmentToProto(s));
    }
    addEntries(d.edgeMetadata(), b::addEdgeMetadata);
    addEntries(d.contextMetadata(), b::addContextMetadata);
    d.deadline().ifPresent(t -> b.setDeadlineMs(t.toEpochMilli()));
    if (d.returnMode() == ReturnMode.ASYNC) {
      b.setReturnMode(io.chainmesh.core.internal.proto.ReturnMode.RETURN_MODE_ASYNC);
      b.setReplyTo(segmentToProto(d.replyTo().orElseThrow()));
    }
    for (RouteRecord r : d.route()) {
      b.addRoute(io.chainmesh.core.internal.proto.RouteRecord.newBuilder()
          .setSegmentIndex(r.segmentIndex())
          .setNode(r.node())
          .setStartMs(r.start().toEpochMilli())
          .setDurationUs(r.duration().toNanos() / 1000)
          .setOutcome(switch (r.outcome()) {
            case FORWARDED -> io.chainmesh.core.internal.proto.Outcome.OUTCOME_FORWARDED;
            case ANSWERED -> io.chainmesh.core.internal.proto.Outcome.OUTCOME_ANSWERED;
            case ENDED_EARLY -> io.chainmesh.core.internal.proto.Outcome.OUTCOME_ENDED_EARLY;
            case FAILED -> io.chainmesh.core.internal.proto.Outcome.OUTCOME_FAILED;
          })
          .setUnknownFields(r.unknownFields));
    }
    b.setUnknownFields(d.unknownFields);
    return b.build();
  }

  private static io.chainmesh.core.internal.proto.Segment segmentToProto(Segment s) {
    io.chainmesh.core.internal.proto.Segment.Builder b = io.chainmesh.core.internal.proto.Segment.newBuilder();
    if (s.isUrl()) {
      b.setUrl(s.service());
    } else {
      b.setService(s.service());
    }
    s.function().ifPresent(b::setFunction);
    addEntries(s.arguments(), b::addArguments);
    b.setUnknownFields(s.unknownFields);
    return b.build();
  }

  private interface EntryAdder {
    void add(MetadataEntry entry);
  }

  private static void addEntries(Map<String, String> map, EntryAdder adder) {
    for (Map.Entry<String, String> e : map.entrySet()) {
      adder.add(MetadataEntry.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build());
    }
  }
}
