package io.chainmesh.core;

import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.Syntax;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The chain descriptor: the whole state of a chain, carried by the request itself. It holds the
 * segment list in visiting order, a pointer to the segment being served, a hop limit, metadata
 * (read-only entries set by the edge, context entries added by hops), its validity window, an
 * optional deadline, the return mode and the record route.
 *
 * <p>Immutable. The edge creates one with {@link #builder()}; hops only ever derive new values with
 * {@link #advance(RouteRecord)}, {@link #recordFinal(RouteRecord)},
 * {@link #insertAfterCurrent(List, DecodeLimits)} and {@link #withContext(String, String)}. There is
 * deliberately no way to move the pointer back, edit edge metadata or change segments already
 * passed. Every value that exists is valid: {@link Builder#build()} checks the invariants.
 *
 * <p>Unknown protobuf fields of a newer minor version are kept and survive every operation, so an
 * older hop forwards what it does not understand unchanged.
 */
public final class ChainDescriptor {
  /** The descriptor format major version this library implements. */
  public static final int MAJOR_VERSION = 1;
  /** The descriptor format minor version this library writes. */
  public static final int MINOR_VERSION = 0;
  /** Lifetime a builder gives a descriptor when none is set. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  /** Hard ceiling of the hop limit, whatever the configured limits (16 bits). */
  public static final int MAX_HOP_LIMIT = 65535;

  private final int minorVersion;
  private final ChainId chainId;
  private final String chainName;
  private final int segmentCount;
  private final int pointer;
  private final int hopLimit;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final Instant deadline;
  private final ReturnMode returnMode;
  private final Segment replyTo;
  private final int insertedSegments;
  final UnknownFieldSet unknownFields;
  /**
   * The verified bytes this descriptor was decoded from on the fast path, or null for one built or
   * decoded into the model. When set, chain name, reply-to, times, segments, metadata and the route
   * are read from it (the collections once, when first asked for), and the fields above that hold
   * them stay null.
   */
  private final WireDescriptor wire;
  /** Route records appended to {@link #wire}'s since it was decoded; empty without {@code wire}. */
  private final List<RouteRecord> appended;
  // Read from wire when first asked for (volatile: published safely to any thread); set at once otherwise.
  private volatile List<Segment> segments;
  private volatile Map<String, String> edgeMetadata;
  private volatile Map<String, String> contextMetadata;
  private volatile List<RouteRecord> route;

  private ChainDescriptor(Builder b, List<Segment> segments, Map<String, String> edge,
      Map<String, String> context, List<RouteRecord> route) {
    this.minorVersion = b.minorVersion;
    this.chainId = b.chainId;
    this.chainName = b.chainName;
    this.segments = segments;
    this.segmentCount = segments.size();
    this.pointer = b.pointer;
    this.hopLimit = b.hopLimit;
    this.edgeMetadata = edge;
    this.contextMetadata = context;
    this.issuedAt = b.issuedAt;
    this.expiresAt = b.expiresAt;
    this.deadline = b.deadline;
    this.returnMode = b.returnMode;
    this.replyTo = b.replyTo;
    this.route = route;
    this.insertedSegments = b.insertedSegments;
    this.unknownFields = b.unknownFields;
    this.wire = null;
    this.appended = List.of();
  }

  /** A descriptor over verified bytes, with the pointer and hop limit given and records appended. */
  private ChainDescriptor(WireDescriptor wire, int pointer, int hopLimit, List<RouteRecord> appended) {
    this.minorVersion = wire.minorVersion;
    this.chainId = ChainId.of(wire.idHigh, wire.idLow);
    this.chainName = null;
    this.segmentCount = wire.segmentCount;
    this.pointer = pointer;
    this.hopLimit = hopLimit;
    this.issuedAt = null;
    this.expiresAt = null;
    this.deadline = null;
    this.returnMode = wire.async ? ReturnMode.ASYNC : ReturnMode.SYNC;
    this.replyTo = null;
    this.insertedSegments = wire.insertedSegments;
    this.unknownFields = UnknownFieldSet.getDefaultInstance();
    this.wire = wire;
    this.appended = appended;
  }

  /** The descriptor held in bytes that {@link WireDescriptor#scan} accepted. */
  static ChainDescriptor fromWire(WireDescriptor wire) {
    return new ChainDescriptor(wire, wire.pointer, wire.hopLimit, List.of());
  }

  /** The bytes this descriptor was decoded from on the fast path, or null. */
  WireDescriptor wire() {
    return wire;
  }

  /** Route records appended since {@link #wire()} was decoded. */
  List<RouteRecord> appendedRoute() {
    return appended;
  }

  /** A builder for a new chain with a fresh random {@link ChainId}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The format major version: always {@link #MAJOR_VERSION}; others are refused when decoding. */
  public int majorVersion() {
    return MAJOR_VERSION;
  }

  /** The format minor version the descriptor was written with: a uint32 on the wire, read unsigned. */
  public int minorVersion() {
    return minorVersion;
  }

  /** The chain's random 128-bit id. */
  public ChainId chainId() {
    return chainId;
  }

  /** The catalogue entry that built this chain, if the edge named it. */
  public Optional<String> chainName() {
    return Optional.ofNullable(wire != null ? wire.chainName() : chainName);
  }

  /** All segments in visiting order, including those already served; unmodifiable. */
  public List<Segment> segments() {
    List<Segment> list = segments;
    if (list == null) {
      list = wire.segments();
      segments = list;
    }
    return list;
  }

  /** Segment {@code index}, read alone from the bytes when the list has not been read. */
  private Segment segment(int index) {
    List<Segment> list = segments;
    return list != null ? list.get(index) : wire.segment(index);
  }

  /** Index of the segment being served. */
  public int pointer() {
    return pointer;
  }

  /** The segment being served: {@code segments().get(pointer())}. */
  public Segment currentSegment() {
    return segment(pointer);
  }

  /** Whether the current segment is the last one. */
  public boolean isLastSegment() {
    return pointer == segmentCount - 1;
  }

  /** The segment after the current one, unless the current one is the last. */
  public Optional<Segment> nextSegment() {
    return isLastSegment() ? Optional.empty() : Optional.of(segment(pointer + 1));
  }

  /** The segments after the current one, in visiting order; unmodifiable. */
  public List<Segment> remainingSegments() {
    return segments().subList(pointer + 1, segmentCount);
  }

  /** Hops this descriptor may still take; at least 1. */
  public int hopLimit() {
    return hopLimit;
  }

  /** Entries set by the edge; read-only for hops; unmodifiable, in insertion order. */
  public Map<String, String> edgeMetadata() {
    Map<String, String> map = edgeMetadata;
    if (map == null) {
      map = wire.edgeMetadata();
      edgeMetadata = map;
    }
    return map;
  }

  /** Entries added by hops; unmodifiable, in insertion order. */
  public Map<String, String> contextMetadata() {
    Map<String, String> map = contextMetadata;
    if (map == null) {
      map = wire.contextMetadata();
      contextMetadata = map;
    }
    return map;
  }

  /** A metadata value, edge entries first (keys never collide between the two). */
  public Optional<String> metadata(String key) {
    String value = edgeMetadata().get(key);
    return Optional.ofNullable(value != null ? value : contextMetadata().get(key));
  }

  /** When the edge issued the descriptor, at millisecond resolution. */
  public Instant issuedAt() {
    return wire != null ? Instant.ofEpochMilli(wire.issuedAtMs) : issuedAt;
  }

  /** When the descriptor stops being accepted (anti-replay), at millisecond resolution. */
  public Instant expiresAt() {
    return wire != null ? Instant.ofEpochMilli(wire.expiresAtMs) : expiresAt;
  }

  /** The instant by which the whole chain must have answered, if the edge set one. */
  public Optional<Instant> deadline() {
    if (wire != null) {
      return wire.deadlineMs == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(wire.deadlineMs));
    }
    return Optional.ofNullable(deadline);
  }

  /** How the answer travels back. */
  public ReturnMode returnMode() {
    return returnMode;
  }

  /** Where the last hop delivers the result; present exactly in {@link ReturnMode#ASYNC} mode. */
  public Optional<Segment> replyTo() {
    return Optional.ofNullable(wire != null ? wire.replyTo() : replyTo);
  }

  /** The records appended by hops so far, in visiting order; unmodifiable. */
  public List<RouteRecord> route() {
    List<RouteRecord> list = route;
    if (list == null) {
      list = wire.route(appended);
      route = list;
    }
    return list;
  }

  /**
   * Whether the route records the current segment: the segment has been served. This is the state
   * {@link #recordFinal} leaves (the descriptor a chain's last hop, or a hop ending it early, returns
   * in {@code Chain-Route}) and one {@link #advance} never leaves, since it moves the pointer past
   * the record it appends. A finished descriptor is a route to verify, never a request to serve.
   */
  public boolean isFinished() {
    return lastRecordedSegment() == pointer;
  }

  /**
   * The checks a hop makes on the descriptor alone before it serves the current segment (wire
   * format §14.1): the segment must not be served already. Every hop runs them, on whichever decode
   * path the descriptor came, so a finished route handed back as a request runs nothing.
   *
   * @throws ChainException {@link Reason#SEGMENT_ALREADY_SERVED} when {@link #isFinished()}, naming
   *     the route record of the current segment
   */
  public void requireServable() {
    if (isFinished()) {
      int last = (wire != null ? wire.routeCount + appended.size() : route.size()) - 1;
      throw ChainException.atField(Reason.SEGMENT_ALREADY_SERVED, "route[" + last + "].segmentIndex",
          "segment " + pointer + " was already served: the route records it, so this is a finished chain's"
              + " route, not a request");
    }
  }

  /** Segment index of the route's last record, -1 without records; the route is not built for it. */
  private int lastRecordedSegment() {
    if (wire != null) {
      return appended.isEmpty() ? wire.lastRouteIndex : appended.get(appended.size() - 1).segmentIndex();
    }
    List<RouteRecord> list = route;
    return list.isEmpty() ? -1 : list.get(list.size() - 1).segmentIndex();
  }

  /** How many segments hops have inserted as sub-chains over the chain's life. */
  public int insertedSegments() {
    return insertedSegments;
  }

  /**
   * The descriptor the next hop receives: the pointer moved to the next segment, the hop limit one
   * lower and {@code record} (this hop's, for the current segment) appended to the route.
   *
   * @throws ChainException {@link Reason#POINTER_OUT_OF_RANGE} at the last segment, or when the
   *     record is not for the current segment; {@link Reason#DESCRIPTOR_MALFORMED} when the record
   *     does not say {@link Outcome#FORWARDED}; {@link Reason#HOP_LIMIT_EXCEEDED} when the hop
   *     limit would reach 0
   */
  public ChainDescriptor advance(RouteRecord record) {
    requireCurrent(record);
    if (record.outcome() != Outcome.FORWARDED) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "route",
          "advance() records a forwarded hop, not '" + record.outcome().name().toLowerCase(java.util.Locale.ROOT)
              + "'; use recordFinal() for the hop that ends the chain");
    }
    if (isLastSegment()) {
      throw ChainException.atField(Reason.POINTER_OUT_OF_RANGE, "pointer",
          "cannot advance past the last segment (" + pointer + " of " + segmentCount + ")");
    }
    if (hopLimit <= 1) {
      throw ChainException.atField(Reason.HOP_LIMIT_EXCEEDED, "hopLimit",
          "hop limit exhausted at segment " + pointer + " (" + currentSegment() + ")");
    }
    if (canAppendToWire(record)) {
      return new ChainDescriptor(wire, pointer + 1, hopLimit - 1, appendedToWire(record));
    }
    Builder b = derive();
    b.pointer = pointer + 1;
    b.hopLimit = hopLimit - 1;
    return b.buildTrusted(segments(), edgeMetadata(), contextMetadata(), appended(record));
  }

  /**
   * The descriptor as the hop that ends the chain returns it: {@code record} appended, pointer and
   * hop limit unchanged. Used by the last segment when it answers, and by any hop that ends the
   * chain early or fails.
   *
   * @throws ChainException {@link Reason#POINTER_OUT_OF_RANGE} when the record is not for the
   *     current segment or says {@link Outcome#FORWARDED}
   */
  public ChainDescriptor recordFinal(RouteRecord record) {
    requireCurrent(record);
    if (record.outcome() == Outcome.FORWARDED) {
      throw ChainException.atField(Reason.POINTER_OUT_OF_RANGE, "route",
          "a final record cannot say 'forwarded'; use advance()");
    }
    if (canAppendToWire(record)) {
      return new ChainDescriptor(wire, pointer, hopLimit, appendedToWire(record));
    }
    return derive().buildTrusted(segments(), edgeMetadata(), contextMetadata(), appended(record));
  }

  /**
   * Whether a record for the current segment can be appended without leaving the bytes: only the
   * route order is left to check (everything else held when the bytes were decoded, and pointer
   * and hop limit were checked by the caller); if it fails, the model path refuses it.
   */
  private boolean canAppendToWire(RouteRecord record) {
    return wire != null && record.segmentIndex() > lastRecordedSegment();
  }

  private List<RouteRecord> appendedToWire(RouteRecord record) {
    if (appended.isEmpty()) {
      return List.of(record);
    }
    RouteRecord[] list = appended.toArray(new RouteRecord[appended.size() + 1]);
    list[appended.size()] = record;
    return List.of(list);
  }

  /**
   * Inserts a sub-chain right after the current segment, like SRv6's End.B6 behaviour: the inserted
   * segments are visited next, then the rest of the original list. Insertions count against the hop
   * limit and against {@link DecodeLimits#maxInsertedSegments()}, so they cannot loop forever.
   *
   * @throws ChainException {@link Reason#LIMITS_INSERTED_SEGMENTS} or {@link Reason#LIMITS_SEGMENTS}
   *     past the bounds; {@link Reason#HOP_LIMIT_EXCEEDED} when the hop limit cannot reach the end
   *     of the longer list
   */
  public ChainDescriptor insertAfterCurrent(List<Segment> subChain, DecodeLimits limits) {
    if (subChain.isEmpty()) {
      return this;
    }
    int inserted = insertedSegments + subChain.size();
    if (inserted > limits.maxInsertedSegments()) {
      throw ChainException.atField(Reason.LIMITS_INSERTED_SEGMENTS, "segments",
          "inserting " + subChain.size() + " segments would make " + inserted
              + " inserted in this chain; at most " + limits.maxInsertedSegments() + " are allowed");
    }
    int size = segmentCount + subChain.size();
    if (size > limits.maxSegments()) {
      throw ChainException.atField(Reason.LIMITS_SEGMENTS, "segments",
          "inserting " + subChain.size() + " segments would make " + size
              + "; at most " + limits.maxSegments() + " are allowed");
    }
    int needed = size - pointer;
    if (hopLimit < needed) {
      throw ChainException.atField(Reason.HOP_LIMIT_EXCEEDED, "hopLimit",
          "after inserting " + subChain.size() + " segments, " + needed
              + " hops remain but the hop limit is " + hopLimit);
    }
    List<Segment> segments = segments();
    List<Segment> list = new ArrayList<>(size);
    list.addAll(segments.subList(0, pointer + 1));
    for (Segment s : subChain) {
      list.add(Objects.requireNonNull(s, "segment"));
    }
    list.addAll(segments.subList(pointer + 1, segments.size()));
    Builder b = derive();
    b.insertedSegments = inserted;
    return b.buildTrusted(Collections.unmodifiableList(list), edgeMetadata(), contextMetadata(), route());
  }

  /** {@link #insertAfterCurrent(List, DecodeLimits)} under {@link DecodeLimits#DEFAULTS}. */
  public ChainDescriptor insertAfterCurrent(List<Segment> subChain) {
    return insertAfterCurrent(subChain, DecodeLimits.DEFAULTS);
  }

  /**
   * Adds or replaces a context entry for the hops downstream.
   *
   * @throws ChainException {@link Reason#METADATA_READ_ONLY} if the edge set {@code key};
   *     {@link Reason#METADATA_INVALID_KEY} for a bad key
   */
  public ChainDescriptor withContext(String key, String value) {
    Objects.requireNonNull(value, "value");
    checkKey(key, "contextMetadata");
    if (edgeMetadata().containsKey(key)) {
      throw ChainException.atField(Reason.METADATA_READ_ONLY, "contextMetadata",
          "metadata key " + ChainException.quote(key) + " was set by the edge and is read-only");
    }
    if (value.equals(contextMetadata().get(key))) {
      return this;
    }
    LinkedHashMap<String, String> context = new LinkedHashMap<>(contextMetadata());
    context.put(key, value);
    return derive().buildTrusted(segments(), edgeMetadata(), Collections.unmodifiableMap(context), route());
  }

  private void requireCurrent(RouteRecord record) {
    if (record.segmentIndex() != pointer) {
      throw ChainException.atField(Reason.POINTER_OUT_OF_RANGE, "route",
          "the record is for segment " + record.segmentIndex() + " but the pointer is at " + pointer);
    }
  }

  private List<RouteRecord> appended(RouteRecord record) {
    List<RouteRecord> route = route();
    List<RouteRecord> list = new ArrayList<>(route.size() + 1);
    list.addAll(route);
    list.add(record);
    return Collections.unmodifiableList(list);
  }

  private Builder derive() {
    Builder b = new Builder();
    b.minorVersion = minorVersion;
    b.chainId = chainId;
    b.chainName = chainName().orElse(null);
    b.pointer = pointer;
    b.hopLimit = hopLimit;
    b.issuedAt = issuedAt();
    b.expiresAt = expiresAt();
    b.deadline = deadline().orElse(null);
    b.returnMode = returnMode;
    b.replyTo = replyTo().orElse(null);
    b.insertedSegments = insertedSegments;
    b.unknownFields = unknownFields;
    return b;
  }

  /**
   * {@code instant} at the wire's millisecond resolution.
   *
   * @throws ChainException {@link Reason#DESCRIPTOR_MALFORMED} beyond the int64 milliseconds of the wire
   */
  static Instant truncatedToMillis(Instant instant, String field) {
    try {
      return Instant.ofEpochMilli(instant.toEpochMilli());
    } catch (ArithmeticException e) {
      throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, field,
          "instant " + instant + " is beyond the range of int64 milliseconds");
    }
  }

  static void checkKey(String key, String field) {
    String problem = Syntax.keyProblem(key, 1024);
    if (problem != null) {
      throw ChainException.atField(Reason.METADATA_INVALID_KEY, field,
          "metadata key " + ChainException.quote(key) + " " + problem);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainDescriptor other
        && minorVersion == other.minorVersion
        && chainId.equals(other.chainId)
        && chainName().equals(other.chainName())
        && segments().equals(other.segments())
        && pointer == other.pointer
        && hopLimit == other.hopLimit
        && Segment.sameEntriesInOrder(edgeMetadata(), other.edgeMetadata())
        && Segment.sameEntriesInOrder(contextMetadata(), other.contextMetadata())
        && issuedAt().equals(other.issuedAt())
        && expiresAt().equals(other.expiresAt())
        && deadline().equals(other.deadline())
        && returnMode == other.returnMode
        && replyTo().equals(other.replyTo())
        && route().equals(other.route())
        && insertedSegments == other.insertedSegments
        && unknownFields.equals(other.unknownFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(chainId, segments(), pointer, hopLimit, edgeMetadata(), contextMetadata(), route());
  }

  /**
   * A one-line summary for logs: id, name, segments with the current one marked {@code >}, hop
   * limit, metadata keys (not values), mode and route length. Never contains keys or MACs.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ChainDescriptor{id=").append(chainId);
    chainName().ifPresent(name -> sb.append(", name=").append(name));
    List<Segment> segments = segments();
    Map<String, String> edgeMetadata = edgeMetadata();
    Map<String, String> contextMetadata = contextMetadata();
    sb.append(", segments=[");
    for (int i = 0; i < segments.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (i == pointer) {
        sb.append('>');
      }
      sb.append(segments.get(i));
    }
    sb.append("], hopLimit=").append(hopLimit);
    if (!edgeMetadata.isEmpty()) {
      sb.append(", edgeMetadata=").append(edgeMetadata.keySet());
    }
    if (!contextMetadata.isEmpty()) {
      sb.append(", contextMetadata=").append(contextMetadata.keySet());
    }
    sb.append(", mode=").append(returnMode);
    replyTo().ifPresent(segment -> sb.append(", replyTo=").append(segment));
    deadline().ifPresent(instant -> sb.append(", deadline=").append(instant));
    sb.append(", expiresAt=").append(expiresAt()).append(", route=").append(route().size()).append('}');
    return sb.toString();
  }

  /**
   * Builds a new {@link ChainDescriptor}. Only the edge builds descriptors; {@link #build()} checks
   * every invariant, so an invalid descriptor cannot exist.
   */
  public static final class Builder {
    private int minorVersion = MINOR_VERSION;
    private ChainId chainId = null;
    private String chainName;
    private final List<Segment> segmentList = new ArrayList<>();
    private int pointer;
    private int hopLimit;
    private boolean hopLimitSet;
    private final LinkedHashMap<String, String> edge = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> context = new LinkedHashMap<>();
    private Instant issuedAt;
    private Instant expiresAt;
    private Duration lifetime = DEFAULT_LIFETIME;
    private Instant deadline;
    private ReturnMode returnMode = ReturnMode.SYNC;
    private Segment replyTo;
    private final List<RouteRecord> routeList = new ArrayList<>();
    private int insertedSegments;
    private UnknownFieldSet unknownFields = UnknownFieldSet.getDefaultInstance();

    private Builder() {}

    /** The chain id; a fresh {@link ChainId#random()} unless set. */
    public Builder chainId(ChainId chainId) {
      this.chainId = Objects.requireNonNull(chainId, "chainId");
      return this;
    }

    /** The catalogue entry's name; {@code null} for none. */
    public Builder chainName(String chainName) {
      this.chainName = chainName;
      return this;
    }

    /** Appends a segment to the list. */
    public Builder segment(Segment segment) {
      segmentList.add(Objects.requireNonNull(segment, "segment"));
      return this;
    }

    /** Appends segments to the list, in order. */
    public Builder segments(List<Segment> segments) {
      segments.forEach(this::segment);
      return this;
    }

    /** The pointer; 0 (the first segment) unless set. */
    public Builder pointer(int pointer) {
      this.pointer = pointer;
      return this;
    }

    /** The hop limit; unless set, the segments from the pointer on: just enough to reach the last. */
    public Builder hopLimit(int hopLimit) {
      this.hopLimit = hopLimit;
      this.hopLimitSet = true;
      return this;
    }

    /**
     * Adds a read-only edge entry.
     *
     * @throws ChainException {@link Reason#METADATA_DUPLICATE_KEY} if {@code key} is already set
     */
    public Builder edgeMetadata(String key, String value) {
      putUnique(edge, key, value, "edgeMetadata");
      return this;
    }

    /**
     * Adds a context entry, as a hop would have.
     *
     * @throws ChainException {@link Reason#METADATA_DUPLICATE_KEY} if {@code key} is already set
     */
    public Builder contextMetadata(String key, String value) {
      putUnique(context, key, value, "contextMetadata");
      return this;
    }

    /** When the descriptor was issued; now, truncated to milliseconds, unless set. */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = truncatedToMillis(issuedAt, "issuedAt");
      return this;
    }

    /** When the descriptor expires; {@code issuedAt + lifetime} unless set. */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = truncatedToMillis(expiresAt, "expiresAt");
      return this;
    }

    /** Lifetime used when no explicit expiry is set; {@link #DEFAULT_LIFETIME} unless set. */
    public Builder lifetime(Duration lifetime) {
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime must be positive, was " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /** The instant by which the chain must answer; {@code null} for none. */
    public Builder deadline(Instant deadline) {
      this.deadline = deadline == null ? null : truncatedToMillis(deadline, "deadline");
      return this;
    }

    /** Synchronous return; the default. */
    public Builder sync() {
      this.returnMode = ReturnMode.SYNC;
      this.replyTo = null;
      return this;
    }

    /** Asynchronous return: the last hop delivers the result to {@code replyTo}. */
    public Builder async(Segment replyTo) {
      this.returnMode = ReturnMode.ASYNC;
      this.replyTo = Objects.requireNonNull(replyTo, "replyTo");
      return this;
    }

    /** Appends a route record, as hops would have. */
    public Builder routeRecord(RouteRecord record) {
      routeList.add(Objects.requireNonNull(record, "record"));
      return this;
    }

    /** How many of the segments hops have inserted; 0 unless set. */
    public Builder insertedSegments(int insertedSegments) {
      this.insertedSegments = insertedSegments;
      return this;
    }

    Builder minorVersion(int minorVersion) {
      this.minorVersion = minorVersion;
      return this;
    }

    Builder returnMode(ReturnMode mode, Segment replyTo) {
      this.returnMode = mode;
      this.replyTo = replyTo;
      return this;
    }

    Builder unknownFields(UnknownFieldSet unknownFields) {
      this.unknownFields = unknownFields;
      return this;
    }

    /**
     * The descriptor.
     *
     * @throws ChainException with the reason and field of the first broken invariant: no segments
     *     ({@link Reason#DESCRIPTOR_MALFORMED}), pointer outside the list
     *     ({@link Reason#POINTER_OUT_OF_RANGE}), hop limit below 1 ({@link Reason#HOP_LIMIT_EXCEEDED})
     *     or above {@link #MAX_HOP_LIMIT} ({@link Reason#LIMITS_HOP_LIMIT}), a key in both metadata
     *     maps ({@link Reason#METADATA_DUPLICATE_KEY}), expiry not after issue, a reply-to segment
     *     not matching the return mode, route records out of order or ahead of the pointer
     */
    public ChainDescriptor build() {
      // Defaults are filled in for this build only, so a reused builder draws a fresh id and issue
      // time and derives expiry and hop limit from its current values each time.
      ChainId setChainId = chainId;
      Instant setIssuedAt = issuedAt;
      Instant setExpiresAt = expiresAt;
      int setHopLimit = hopLimit;
      try {
        if (chainId == null) {
          chainId = ChainId.random();
        }
        if (issuedAt == null) {
          issuedAt = Instant.ofEpochMilli(System.currentTimeMillis());
        }
        if (expiresAt == null) {
          expiresAt = issuedAt.plus(lifetime);
        }
        if (!hopLimitSet) {
          hopLimit = Math.max(1, segmentList.size() - pointer);
        }
        return buildTrusted(List.copyOf(segmentList), Collections.unmodifiableMap(new LinkedHashMap<>(edge)),
            Collections.unmodifiableMap(new LinkedHashMap<>(context)), List.copyOf(routeList));
      } finally {
        chainId = setChainId;
        issuedAt = setIssuedAt;
        expiresAt = setExpiresAt;
        hopLimit = setHopLimit;
      }
    }

    private ChainDescriptor buildTrusted(List<Segment> segments, Map<String, String> edgeMap,
        Map<String, String> contextMap, List<RouteRecord> route) {
      Objects.requireNonNull(chainId, "chainId");
      if (chainName != null) {
        String problem = Syntax.tokenProblem(chainName, Syntax.MAX_DNS_NAME);
        if (problem != null) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "chainName",
              "chain name " + ChainException.quote(chainName) + " " + problem);
        }
      }
      if (segments.isEmpty()) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "segments",
            "a chain needs at least one segment");
      }
      if (pointer < 0 || pointer >= segments.size()) {
        throw ChainException.atField(Reason.POINTER_OUT_OF_RANGE, "pointer",
            "pointer " + pointer + " is outside the segment list of " + segments.size());
      }
      if (hopLimit < 1) {
        throw ChainException.atField(Reason.HOP_LIMIT_EXCEEDED, "hopLimit",
            hopLimit == 0 ? "hop limit is 0" : "hop limit " + hopLimit + " is below 1");
      }
      if (hopLimit > MAX_HOP_LIMIT) {
        throw ChainException.atField(Reason.LIMITS_HOP_LIMIT, "hopLimit",
            "hop limit " + hopLimit + " is above " + MAX_HOP_LIMIT);
      }
      if (insertedSegments < 0 || insertedSegments > segments.size() - 1) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "insertedSegments",
            "inserted segment count " + insertedSegments + " does not fit a list of " + segments.size());
      }
      for (String key : edgeMap.keySet()) {
        checkKey(key, "edgeMetadata");
      }
      for (String key : contextMap.keySet()) {
        checkKey(key, "contextMetadata");
        if (edgeMap.containsKey(key)) {
          throw ChainException.atField(Reason.METADATA_DUPLICATE_KEY, "contextMetadata",
              "metadata key " + ChainException.quote(key) + " is both an edge and a context entry");
        }
      }
      if (!expiresAt.isAfter(issuedAt)) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "expiresAt",
            "expiry " + expiresAt + " is not after issue time " + issuedAt);
      }
      if ((returnMode == ReturnMode.ASYNC) != (replyTo != null)) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "replyTo",
            returnMode == ReturnMode.ASYNC
                ? "asynchronous return needs a reply-to segment"
                : "a reply-to segment is only allowed in asynchronous return");
      }
      int previous = -1;
      for (int i = 0; i < route.size(); i++) {
        int index = route.get(i).segmentIndex();
        if (index <= previous || index > pointer) {
          throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "route[" + i + "].segmentIndex",
              "route record for segment " + index + " is out of order (previous " + previous
                  + ", pointer " + pointer + ")");
        }
        previous = index;
      }
      return new ChainDescriptor(this, segments, edgeMap, contextMap, route);
    }

    private static void putUnique(Map<String, String> map, String key, String value, String field) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (map.putIfAbsent(key, value) != null) {
        throw ChainException.atField(Reason.METADATA_DUPLICATE_KEY, field,
            "metadata key " + ChainException.quote(key) + " is given twice");
      }
    }
  }
}
