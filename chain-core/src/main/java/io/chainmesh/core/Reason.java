package io.chainmesh.core;

/**
 * Stable reason codes for every refusal and failure in a chain. The {@link #code()} strings are
 * part of the wire contract (they appear in problem+json bodies and in test vectors) and never
 * change meaning; new codes may be added.
 *
 * <p>Each reason carries the HTTP status a hop answers with when it refuses a request for that
 * reason. The full table with explanations is in {@code docs/wire-format.md}.
 */
public enum Reason {
  /** No descriptor header where one is required. */
  DESCRIPTOR_MISSING("descriptor.missing", 400),
  /** The header value, its base64url, the envelope or the descriptor bytes cannot be parsed. */
  DESCRIPTOR_MALFORMED("descriptor.malformed", 400),
  /** The header value is longer than {@link DecodeLimits#maxHeaderBytes()}. */
  DESCRIPTOR_TOO_LARGE("descriptor.too_large", 431),
  /** Unknown envelope version or unknown descriptor major version. */
  DESCRIPTOR_UNSUPPORTED_VERSION("descriptor.unsupported_version", 400),
  /** The descriptor's expiry has passed (beyond the allowed clock skew). */
  DESCRIPTOR_EXPIRED("descriptor.expired", 401),
  /** The descriptor was issued in the future (beyond the allowed clock skew). */
  DESCRIPTOR_NOT_YET_VALID("descriptor.not_yet_valid", 401),
  /** Expiry minus issue time exceeds the accepted maximum lifetime. */
  DESCRIPTOR_LIFETIME_TOO_LONG("descriptor.lifetime_too_long", 401),
  /** The envelope carries no MAC and the hop is not in insecure development mode. */
  INTEGRITY_MISSING("integrity.missing", 401),
  /** The envelope names a key id the hop does not hold (unknown or retired). */
  INTEGRITY_UNKNOWN_KEY("integrity.unknown_key", 401),
  /** The MAC does not match the envelope: forged, tampered with or truncated. */
  INTEGRITY_BAD_MAC("integrity.bad_mac", 401),
  /** The hop limit is exhausted: a descriptor arrived with 0, or advancing would make it 0. */
  HOP_LIMIT_EXCEEDED("hop_limit.exceeded", 508),
  /** The pointer does not index a segment, or an operation would move it past the end. */
  POINTER_OUT_OF_RANGE("pointer.out_of_range", 400),
  /** A segment's service, function or URL does not have the required syntax. */
  SEGMENT_INVALID_NAME("segment.invalid_name", 400),
  /** The current segment does not name this service or one of its functions (confused deputy). */
  SEGMENT_NOT_HERE("segment.not_here", 421),
  /**
   * The route already records the segment the descriptor asks a hop to serve: it is a finished
   * chain's route ({@code Chain-Route}) or a copy of a request that hop already took on (replay
   * guard). Conflict (409): the descriptor is well formed and genuine, but the segment's state is
   * "served"; sending it again can never succeed, only a new chain can.
   */
  SEGMENT_ALREADY_SERVED("segment.already_served", 409),
  /** The current segment lacks an argument its function requires. */
  SEGMENT_MISSING_ARGUMENT("segment.missing_argument", 400),
  /** The resolver cannot or will not map a segment to an address (unknown name, raw URL refused). */
  SEGMENT_UNRESOLVABLE("segment.unresolvable", 502),
  /** A metadata or argument key does not have the required syntax. */
  METADATA_INVALID_KEY("metadata.invalid_key", 400),
  /** The same metadata or argument key appears twice. */
  METADATA_DUPLICATE_KEY("metadata.duplicate_key", 400),
  /** An attempt to set, through the context, a key the edge owns. */
  METADATA_READ_ONLY("metadata.read_only", 400),
  /** More segments than {@link DecodeLimits#maxSegments()}. */
  LIMITS_SEGMENTS("limits.segments", 400),
  /** A name longer than {@link DecodeLimits#maxNameLength()}. */
  LIMITS_NAME_LENGTH("limits.name_length", 400),
  /** More metadata entries than {@link DecodeLimits#maxMetadataEntries()}. */
  LIMITS_METADATA_ENTRIES("limits.metadata_entries", 400),
  /** A metadata or argument key longer than {@link DecodeLimits#maxMetadataKeyLength()}. */
  LIMITS_METADATA_KEY("limits.metadata_key", 400),
  /** A metadata or argument value larger than {@link DecodeLimits#maxMetadataValueBytes()}. */
  LIMITS_METADATA_VALUE("limits.metadata_value", 400),
  /** More arguments on one segment than {@link DecodeLimits#maxArgumentsPerSegment()}. */
  LIMITS_ARGUMENTS("limits.arguments", 400),
  /** A hop limit above {@link DecodeLimits#maxHopLimit()}. */
  LIMITS_HOP_LIMIT("limits.hop_limit", 400),
  /** More route records than {@link DecodeLimits#maxRouteRecords()}. */
  LIMITS_ROUTE("limits.route", 400),
  /** More inserted (sub-chain) segments than {@link DecodeLimits#maxInsertedSegments()}. */
  LIMITS_INSERTED_SEGMENTS("limits.inserted_segments", 400),
  /** A request body above the hop's configured limit for buffered bindings. */
  LIMITS_BODY("limits.body", 413),
  /** The request body cannot be read or bound (bad JSON for a typed parameter, for example). */
  BODY_MALFORMED("body.malformed", 400),
  /** The request body's content type cannot be bound to the handler's parameter. */
  BODY_UNSUPPORTED_MEDIA_TYPE("body.unsupported_media_type", 415),
  /** The chain's deadline has passed. */
  DEADLINE_EXCEEDED("deadline.exceeded", 504),
  /** The next hop could not be reached (connection refused, reset, DNS failure). */
  NEXT_HOP_UNREACHABLE("next_hop.unreachable", 502),
  /** The next hop did not answer in time. */
  NEXT_HOP_TIMEOUT("next_hop.timeout", 504),
  /** The next hop answered with something that is not a valid chain response. */
  NEXT_HOP_BAD_RESPONSE("next_hop.bad_response", 502),
  /** A handler threw or broke the forwarding contract. */
  HANDLER_FAILED("handler.failed", 500),
  /** The hop is overloaded or shutting down and did not serve the request. */
  HOP_UNAVAILABLE("hop.unavailable", 503),
  /** No chain of the edge's catalogue matches the request. */
  EDGE_NO_ROUTE("edge.no_route", 404),
  /** A result delivered to the edge's reply-to endpoint matches no waiting request (late or unknown). */
  EDGE_REPLY_UNMATCHED("edge.reply_unmatched", 404),
  /** The chain's answer does not prove that every segment was visited in order (proof of transit). */
  TRANSIT_UNPROVEN("transit.unproven", 502);

  private final String code;
  private final int httpStatus;

  Reason(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The stable, dotted reason code, e.g. {@code integrity.bad_mac}. */
  public String code() {
    return code;
  }

  /** The HTTP status a hop answers with when it refuses a request for this reason. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Looks a reason up by its {@link #code()}.
   *
   * @return the reason, or empty for a code this version does not know (a newer peer's code)
   */
  public static java.util.Optional<Reason> fromCode(String code) {
    for (Reason reason : values()) {
      if (reason.code.equals(code)) {
        return java.util.Optional.of(reason);
      }
    }
    return java.util.Optional.empty();
  }

  @Override
  public String toString() {
    return code;
  }
}
