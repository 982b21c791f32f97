package io.chainmesh.core;

/**
 * Every bound a hop applies to a descriptor, in one immutable value (like jackson-core's
 * {@code StreamReadConstraints}). The header length is checked before anything is decoded, which
 * bounds all allocation that follows; the counts and sizes are checked on the parsed message before
 * any model object is built, and again when a descriptor is encoded.
 *
 * <p>The defaults are those of the wire-format specification; a hop may tighten or loosen them, but
 * peers refuse what exceeds their own limits, so a chain works only within the tightest of its hops.
 */
public final class DecodeLimits {
  /** The defaults of the wire-format specification. */
  public static final DecodeLimits DEFAULTS = builder().build();

  private final int maxHeaderBytes;
  private final int maxSegments;
  private final int maxNameLength;
  private final int maxMetadataEntries;
  private final int maxMetadataKeyLength;
  private final int maxMetadataValueBytes;
  private final int maxArgumentsPerSegment;
  private final int maxHopLimit;
  private final int maxRouteRecords;
  private final int maxInsertedSegments;

  private DecodeLimits(Builder b) {
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.maxSegments = b.maxSegments;
    this.maxNameLength = b.maxNameLength;
    this.maxMetadataEntries = b.maxMetadataEntries;
    this.maxMetadataKeyLength = b.maxMetadataKeyLength;
    this.maxMetadataValueBytes = b.maxMetadataValueBytes;
    this.maxArgumentsPerSegment = b.maxArgumentsPerSegment;
    this.maxHopLimit = b.maxHopLimit;
    this.maxRouteRecords = b.maxRouteRecords;
    this.maxInsertedSegments = b.maxInsertedSegments;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxHeaderBytes = maxHeaderBytes;
    b.maxSegments = maxSegments;
    b.maxNameLength = maxNameLength;
    b.maxMetadataEntries = maxMetadataEntries;
    b.maxMetadataKeyLength = maxMetadataKeyLength;
    b.maxMetadataValueBytes = maxMetadataValueBytes;
    b.maxArgumentsPerSegment = maxArgumentsPerSegment;
    b.maxHopLimit = maxHopLimit;
    b.maxRouteRecords = maxRouteRecords;
    b.maxInsertedSegments = maxInsertedSegments;
    return b;
  }

  /** Longest accepted header value, in characters (= bytes: base64url is ASCII). Default 4096. */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** Most segments in a segment list. Default 64. */
  public int maxSegments() {
    return maxSegments;
  }

  /** Longest service, function, node or chain name. Default 253 (a DNS name). */
  public int maxNameLength() {
    return maxNameLength;
  }

  /** Most metadata entries, edge and context together. Default 64. */
  public int maxMetadataEntries() {
    return maxMetadataEntries;
  }

  /** Longest metadata or argument key. Default 64. */
  public int maxMetadataKeyLength() {
    return maxMetadataKeyLength;
  }

  /** Largest metadata or argument value, in UTF-8 bytes. Default 1024. */
  public int maxMetadataValueBytes() {
    return maxMetadataValueBytes;
  }

  /** Most arguments on one segment. Default 16. */
  public int maxArgumentsPerSegment() {
    return maxArgumentsPerSegment;
  }

  /** Highest accepted hop limit. Default 255. */
  public int maxHopLimit() {
    return maxHopLimit;
  }

  /** Most route records. Default 64. */
  public int maxRouteRecords() {
    return maxRouteRecords;
  }

  /** Most segments inserted by hops (sub-chains) over the chain's life. Default 16. */
  public int maxInsertedSegments() {
    return maxInsertedSegments;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodeLimits other
        && maxHeaderBytes == other.maxHeaderBytes
        && maxSegments == other.maxSegments
        && maxNameLength == other.maxNameLength
        && maxMetadataEntries == other.maxMetadataEntries
        && maxMetadataKeyLength == other.maxMetadataKeyLength
        && maxMetadataValueBytes == other.maxMetadataValueBytes
        && maxArgumentsPerSegment == other.maxArgumentsPerSegment
        && maxHopLimit == other.maxHopLimit
        && maxRouteRecords == other.maxRouteRecords
        && maxInsertedSegments == other.maxInsertedSegments;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(maxHeaderBytes, maxSegments, maxNameLength, maxMetadataEntries,
        maxMetadataKeyLength, maxMetadataValueBytes, maxArgumentsPerSegment, maxHopLimit,
        maxRouteRecords, maxInsertedSegments);
  }

  @Override
  public String toString() {
    return "DecodeLimits{headerBytes=" + maxHeaderBytes + ", segments=" + maxSegments
        + ", nameLength=" + maxNameLength + ", metadataEntries=" + maxMetadataEntries
        + ", metadataKeyLength=" + maxMetadataKeyLength + ", metadataValueBytes=" + maxMetadataValueBytes
        + ", argumentsPerSegment=" + maxArgumentsPerSegment + ", hopLimit=" + maxHopLimit
        + ", routeRecords=" + maxRouteRecords + ", insertedSegments=" + maxInsertedSegments + '}';
  }

  /** Builds {@link DecodeLimits}; every setter refuses values that make no sense. */
  public static final class Builder {
    private int maxHeaderBytes = 4096;
    private int maxSegments = 64;
    private int maxNameLength = 253;
    private int maxMetadataEntries = 64;
    private int maxMetadataKeyLength = 64;
    private int maxMetadataValueBytes = 1024;
    private int maxArgumentsPerSegment = 16;
    private int maxHopLimit = 255;
    private int maxRouteRecords = 64;
    private int maxInsertedSegments = 16;

    private Builder() {}

    /** @throws IllegalArgumentException below 64 or above 1 MiB */
    public Builder maxHeaderBytes(int value) {
      this.maxHeaderBytes = range("maxHeaderBytes", value, 64, 1 << 20);
      return this;
    }

    /** @throws IllegalArgumentException below 1 or above 4096 */
    public Builder maxSegments(int value) {
      this.maxSegments = range("maxSegments", value, 1, 4096);
      return this;
    }

    /** @throws IllegalArgumentException below 1 or above 253 (the longest DNS name) */
    public Builder maxNameLength(int value) {
      this.maxNameLength = range("maxNameLength", value, 1, 253);
      return this;
    }

    /** @throws IllegalArgumentException below 0 or above 4096 */
    public Builder maxMetadataEntries(int value) {
      this.maxMetadataEntries = range("maxMetadataEntries", value, 0, 4096);
      return this;
    }

    /** @throws IllegalArgumentException below 1 or above 1024 */
    public Builder maxMetadataKeyLength(int value) {
      this.maxMetadataKeyLength = range("maxMetadataKeyLength", value, 1, 1024);
      return this;
    }

    /** @throws IllegalArgumentException below 0 or above 1 MiB */
    public Builder maxMetadataValueBytes(int value) {
      this.maxMetadataValueBytes = range("maxMetadataValueBytes", value, 0, 1 << 20);
      return this;
    }

    /** @throws IllegalArgumentException below 0 or above 1024 */
    public Builder maxArgumentsPerSegment(int value) {
      this.maxArgumentsPerSegment = range("maxArgumentsPerSegment", value, 0, 1024);
      return this;
    }

    /** @throws IllegalArgumentException below 1 or above 65535 */
    public Builder maxHopLimit(int value) {
      this.maxHopLimit = range("maxHopLimit", value, 1, 65535);
      return this;
    }

    /** @throws IllegalArgumentException below 0 or above 4096 */
    public Builder maxRouteRecords(int value) {
      this.maxRouteRecords = range("maxRouteRecords", value, 0, 4096);
      return this;
    }

    /** @throws IllegalArgumentException below 0 or above 4096 */
    public Builder maxInsertedSegments(int value) {
      this.maxInsertedSegments = range("maxInsertedSegments", value, 0, 4096);
      return this;
    }

    /** The limits. */
    public DecodeLimits build() {
      return new DecodeLimits(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
      }
      return value;
    }
  }
}
