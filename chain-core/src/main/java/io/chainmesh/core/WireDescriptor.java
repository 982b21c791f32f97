package io.chainmesh.core;

import com.google.protobuf.UnsafeByteOperations;
import io.chainmesh.core.internal.Syntax;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hop's fast path: a verified descriptor kept as its protobuf bytes, validated by scanning the
 * wire form once, its segments, metadata and route read from the bytes only when asked, and re-encoded
 * after {@link ChainDescriptor#advance} by patching pointer and hop limit and appending the new route
 * record to the bytes it came in.
 *
 * <p>{@link #scan} accepts only what the reference path ({@link DescriptorMapping}) accepts, and only
 * in the form the reference encoder writes: known fields in field-number order, no default values
 * written out, minimal varints, no unknown fields, no raw-URL segments. For anything else it answers
 * null and the codec takes the reference path, which refuses with the exact reason, field and offset,
 * or accepts the unusual form and keeps its unknown fields. So for canonical input the bytes a hop
 * sends are the reference encoder's bytes: {@code toProto(model).toByteArray()}.
 */
final class WireDescriptor {
  /** Thrown inside {@link #scan} only, to leave for the reference path; never escapes this class. */
  private static final class NotCanonical extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotCanonical() {
      super("not canonical", null, false, false);
    }
  }

  private static final NotCanonical NOT_CANONICAL = new NotCanonical();
  /** Up to this many keys in one list, duplicates are found by comparing every pair without a table. */
  private static final int PAIRWISE_KEYS = 16;

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_LENGTH = 2;
  private static final int TAG_POINTER = 6 << 3;
  private static final int TAG_HOP_LIMIT = 7 << 3;
  private static final int TAG_ROUTE = 15 << 3 | WIRE_LENGTH;

  final byte[] buf;
  final int start;
  final int end;
  /** The limits the bytes were checked against. */
  final DecodeLimits limits;

  int minorVersion;
  long idHigh;
  long idLow;
  private int nameOff = -1;
  private int nameLen;
  int segmentCount;
  private int segmentsOff;
  int pointer;
  int hopLimit;
  private int edgeCount;
  private int edgeOff;
  private int contextCount;
  private int contextOff;
  long issuedAtMs;
  long expiresAtMs;
  /** 0 when there is no deadline. */
  long deadlineMs;
  boolean async;
  private int replyOff = -1;
  private int replyLen;
  int routeCount;
  private int routeOff;
  /** Segment index of the last route record, -1 without records. */
  int lastRouteIndex = -1;
  int insertedSegments;
  /** Offsets of the first field numbered 6 or more, 8 or more, 16 or more (the patch points). */
  private int at6 = -1;
  private int at8 = -1;
  private int at16 = -1;

  private int pos;
  private int limit;
  /** 8-bit hashes of the first metadata keys, edge then context, one per byte. */
  private long keyHashes;

  private WireDescriptor(byte[] buf, int start, int end, DecodeLimits limits) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.limits = limits;
  }

  /**
   * The index of the canonical, valid descriptor in {@code buf[off, off + len)}, or null when the
   * reference path must decide. {@code buf} must never be written again.
   */
  static WireDescriptor scan(byte[] buf, int off, int len, DecodeLimits limits) {
    WireDescriptor w = new WireDescriptor(buf, off, off + len, limits);
    try {
      w.scanDescriptor();
      return w;
    } catch (NotCanonical | IndexOutOfBoundsException e) {
      // NotCanonical: the input is unusual or invalid. An index out of bounds would be a bug in the
      // scan; the reference path still decides correctly, so it is not let out of decode either.
      return null;
    }
  }

  // ---- scanning and validation ----

  private static NotCanonical fail() {
    return NOT_CANONICAL;
  }

  private void scanDescriptor() {
    pos = start;
    limit = end;
    int last = 0;
    boolean major = false;
    boolean chainId = false;
    int previousIndex = -1;
    while (pos < end) {
      int tagAt = pos;
      int tag = uint32();
      int field = tag >>> 3;
      if (field < last || field == last && field != 5 && field != 8 && field != 9 && field != 15) {
        throw fail();
      }
      last = field;
      if (field >= 6 && at6 < 0) {
        at6 = tagAt;
      }
      if (field >= 8 && at8 < 0) {
        at8 = tagAt;
      }
      if (field >= 16 && at16 < 0) {
        at16 = tagAt;
      }
      int wireType = tag & 7;
      switch (field) {
        case 1 -> {
          expect(wireType, WIRE_VARINT);
          if (uint32() != ChainDescriptor.MAJOR_VERSION) {
            throw fail();
          }
          major = true;
        }
        case 2 -> {
          expect(wireType, WIRE_VARINT);
          minorVersion = nonZero(uint32());
        }
        case 3 -> {
          expect(wireType, WIRE_LENGTH);
          if (length() != ChainId.BYTES) {
            throw fail();
          }
          idHigh = bigEndian(pos);
          idLow = bigEndian(pos + 8);
          pos += ChainId.BYTES;
          chainId = true;
        }
        case 4 -> {
          expect(wireType, WIRE_LENGTH);
          nameLen = length();
          nameOff = pos;
          if (nameLen > limits.maxNameLength() || !isToken(nameOff, nameLen, Syntax.MAX_DNS_NAME)) {
            throw fail();
          }
          pos += nameLen;
        }
        case 5 -> {
          expect(wireType, WIRE_LENGTH);
          if (segmentCount++ == 0) {
            segmentsOff = tagAt;
          }
          scanSegment();
        }
        case 6 -> {
          expect(wireType, WIRE_VARINT);
          pointer = nonZero(uint32());
          if (pointer < 0) {
            throw fail();
          }
        }
        case 7 -> {
          expect(wireType, WIRE_VARINT);
          hopLimit = nonZero(uint32());
          if (Integer.compareUnsigned(hopLimit, limits.maxHopLimit()) > 0) {
            throw fail();
          }
        }
        case 8 -> {
          expect(wireType, WIRE_LENGTH);
          if (edgeCount++ == 0) {
            edgeOff = tagAt;
          }
          keyHashes |= scanEntry(limits.maxMetadataKeyLength()) << 8 * (edgeCount - 1 & 7);
        }
        case 9 -> {
          expect(wireType, WIRE_LENGTH);
          if (contextCount++ == 0) {
            contextOff = tagAt;
          }
          keyHashes |= scanEntry(limits.maxMetadataKeyLength()) << 8 * (edgeCount + contextCount - 1 & 7);
        }
        case 10 -> {
          expect(wireType, WIRE_VARINT);
          issuedAtMs = nonZero(varint());
        }
        case 11 -> {
          expect(wireType, WIRE_VARINT);
          expiresAtMs = nonZero(varint());
        }
        case 12 -> {
          expect(wireType, WIRE_VARINT);
          deadlineMs = nonZero(varint());
          if (deadlineMs < 0) {
            throw fail();
          }
        }
        case 13 -> {
          expect(wireType, WIRE_VARINT);
          if (varint() != 1) { // RETURN_MODE_ASYNC; SYNC (0) is never written
            throw fail();
          }
          async = true;
        }
        case 14 -> {
          expect(wireType, WIRE_LENGTH);
          replyOff = tagAt;
          scanSegment();
          replyLen = pos - tagAt;
        }
        case 15 -> {
          expect(wireType, WIRE_LENGTH);
          if (routeCount++ == 0) {
            routeOff = tagAt;
          }
          previousIndex = scanRecord(previousIndex);
        }
        case 16 -> {
          expect(wireType, WIRE_VARINT);
          insertedSegments = nonZero(uint32());
          if (insertedSegments < 0 || insertedSegments > limits.maxInsertedSegments()) {
            throw fail();
          }
        }
        default -> throw fail(); // unknown fields (a newer minor version): the reference path keeps them
      }
    }
    at6 = at6 < 0 ? end : at6;
    at8 = at8 < 0 ? end : at8;
    at16 = at16 < 0 ? end : at16;
    lastRouteIndex = previousIndex;
    if (!major || !chainId || segmentCount == 0 || segmentCount > limits.maxSegments()
        || pointer >= segmentCount || hopLimit == 0 || insertedSegments > segmentCount - 1
        || edgeCount + contextCount > limits.maxMetadataEntries()
        || routeCount > limits.maxRouteRecords()
        || expiresAtMs <= issuedAtMs
        || async != (replyOff >= 0)) {
      throw fail();
    }
    // Record indexes were checked against the pointer as they were read; the pointer comes first.
    checkUniqueKeys();
  }

  private void expect(int wireType, int expected) {
    if (wireType != expected) {
      throw fail();
    }
  }

  private static int nonZero(int value) {
    if (value == 0) {
      throw fail(); // the reference encoder never writes a default value
    }
    return value;
  }

  private static long nonZero(long value) {
    if (value == 0) {
      throw fail();
    }
    return value;
  }

  /** A minimal varint of at most 10 bytes, inside the current message. */
  private long varint() {
    int p = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        throw fail();
      }
      byte b = buf[p++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (b == 0 && shift > 0 || shift == 63 && b > 1) {
          throw fail(); // not minimal, or bits beyond 64
        }
        pos = p;
        return result;
      }
    }
    throw fail();
  }

  /** A minimal varint below 2^32; the one-byte case small enough to be inlined everywhere. */
  private int uint32() {
    int p = pos;
    if (p < limit) {
      byte b = buf[p];
      if (b >= 0) {
        pos = p + 1;
        return b;
      }
    }
    return longUint32();
  }

  private int longUint32() {
    long v = varint();
    if (v >>> 32 != 0) {
      throw fail();
    }
    return (int) v;
  }

  /** A length prefix that fits the current message. */
  private int length() {
    int n = uint32();
    if (n < 0 || n > limit - pos) {
      throw fail();
    }
    return n;
  }

  private long bigEndian(int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (buf[p + i] & 0xff);
    }
    return v;
  }

  private void scanSegment() {
    int n = length();
    int outer = limit;
    limit = pos + n;
    int last = 0;
    boolean service = false;
    int arguments = 0;
    int argumentsOff = -1;
    while (pos < limit) {
      int tagAt = pos;
      int tag = uint32();
      int field = tag >>> 3;
      if (field < last || field == last && field != 3) {
        throw fail();
      }
      last = field;
      switch (field) {
        case 1 -> {
          expect(tag & 7, WIRE_LENGTH);
          int len = length();
          if (len > limits.maxNameLength() || !isDnsName(pos, len)) {
            throw fail();
          }
          pos += len;
          service = true;
        }
        case 2 -> {
          expect(tag & 7, WIRE_LENGTH);
          int len = length();
          if (len > limits.maxNameLength() || !isToken(pos, len, Syntax.MAX_DNS_LABEL)) {
            throw fail();
          }
          pos += len;
        }
        case 3 -> {
          expect(tag & 7, WIRE_LENGTH);
          if (arguments++ == 0) {
            argumentsOff = tagAt;
          }
          scanEntry(limits.maxMetadataKeyLength());
        }
        default -> throw fail(); // url (4): raw-URL segments take the reference path; unknown fields
      }
    }
    if (!service || arguments > limits.maxArgumentsPerSegment()) {
      throw fail();
    }
    if (arguments > 1) {
      checkUniquePairwise(argumentsOff, arguments);
    }
    limit = outer;
  }

  /**
   * A metadata entry or argument: a valid key, a value of valid UTF-8 within the limits. Returns an
   * 8-bit hash of the key.
   */
  private long scanEntry(int maxKeyLength) {
    int n = length();
    int outer = limit;
    limit = pos + n;
    if (pos >= limit || buf[pos] != (1 << 3 | WIRE_LENGTH)) {
      throw fail(); // no key, or not first
    }
    pos++;
    int keyLen = length();
    if (keyLen > maxKeyLength || !isKey(pos, keyLen)) {
      throw fail();
    }
    long hash = hash(pos, keyLen);
    pos += keyLen;
    if (pos < limit) {
      if (buf[pos] != (2 << 3 | WIRE_LENGTH)) {
        throw fail();
      }
      pos++;
      int valueLen = length();
      if (valueLen == 0 || valueLen > limits.maxMetadataValueBytes() || !isUtf8(pos, valueLen)) {
        throw fail();
      }
      pos += valueLen;
    }
    if (pos != limit) {
      throw fail();
    }
    limit = outer;
    return hash;
  }

  /** A route record; returns its segment index, which must follow {@code previous} and not pass the pointer. */
  private int scanRecord(int previous) {
    int n = length();
    int outer = limit;
    limit = pos + n;
    int last = 0;
    int index = 0;
    boolean node = false;
    boolean outcome = false;
    while (pos < limit) {
      int tag = uint32();
      int field = tag >>> 3;
      if (field <= last) {
        throw fail();
      }
      last = field;
      switch (field) {
        case 1 -> {
          expect(tag & 7, WIRE_VARINT);
          index = nonZero(uint32());
          if (index < 0) {
            throw fail();
          }
        }
        case 2 -> {
          expect(tag & 7, WIRE_LENGTH);
          int len = length();
          if (len > limits.maxNameLength() || !isToken(pos, len, Syntax.MAX_DNS_NAME)) {
            throw fail();
          }
          pos += len;
          node = true;
        }
        case 3 -> {
          expect(tag & 7, WIRE_VARINT);
          nonZero(varint());
        }
        case 4 -> {
          expect(tag & 7, WIRE_VARINT);
          long micros = nonZero(varint());
          if (micros < 0 || micros > Long.MAX_VALUE / 1000) {
            throw fail();
          }
        }
        case 5 -> {
          expect(tag & 7, WIRE_VARINT);
          long value = varint();
          if (value < 1 || value > 4) { // FORWARDED, ANSWERED, ENDED_EARLY, FAILED
            throw fail();
          }
          outcome = true;
        }
        default -> throw fail();
      }
    }
    if (!node || !outcome || index <= previous || index > pointer) {
      throw fail();
    }
    limit = outer;
    return index;
  }

  // Syntax checks eight characters at a time: a word of eight bytes, one lane per character, and
  // lane-wise range tests (SWAR). Every lane of a word under test holds an ASCII byte (checked
  // first), so adding a constant below 0x81 to a lane never carries into the next one.

  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final int KEY = 0; // [a-z0-9._-]
  private static final int TOKEN = 1; // [A-Za-z0-9._-]
  private static final int DNS = 2; // [a-z0-9.-]
  private static final int DIGITS = 3; // [0-9]

  /** 0x80 in each lane of {@code w} whose byte is in {@code [lo, hi]}. */
  private static long within(long w, int lo, int hi) {
    return (w + (0x80 - lo) * ONES) & ~(w + (0x7f - hi) * ONES) & HIGHS;
  }

  private static long lanesOf(long w, int kind) {
    long digits = within(w, '0', '9');
    return switch (kind) {
      case KEY -> digits | within(w, 'a', 'z') | within(w, '-', '.') | within(w, '_', '_');
      case TOKEN -> digits | within(w, 'a', 'z') | within(w, 'A', 'Z') | within(w, '-', '.') | within(w, '_', '_');
      case DNS -> digits | within(w, 'a', 'z') | within(w, '-', '.');
      default -> digits;
    };
  }

  /**
   * The {@code n} (at most 8) bytes at {@code at} as a little-endian word, the lanes past them
   * zero: one read of eight bytes where the array allows it.
   */
  private long word(int at, int n) {
    if (at + 8 <= buf.length) {
      long w = (long) LONG_LE.get(buf, at);
      return n == 8 ? w : w & (1L << 8 * n) - 1;
    }
    long w = 0;
    for (int i = n - 1; i >= 0; i--) {
      w = w << 8 | (buf[at + i] & 0xff);
    }
    return w;
  }

  /** Whether every byte of {@code buf[from, to)} is ASCII and in the class {@code kind}. */
  private boolean allIn(int from, int to, int kind) {
    for (int i = from; i < to; i += 8) {
      int n = Math.min(8, to - i);
      long w = word(i, n);
      long used = n == 8 ? HIGHS : HIGHS & (1L << 8 * n) - 1;
      if ((w & HIGHS) != 0 || (lanesOf(w, kind) & used) != used) {
        return false;
      }
    }
    return true;
  }

  /** A lower-case DNS name of RFC 1123 labels, as {@link Syntax#dnsNameProblem} defines it. */
  private boolean isDnsName(int off, int len) {
    if (len == 0 || len > Syntax.MAX_DNS_NAME) {
      return false;
    }
    long dots = 0;
    long nonDigits = 0;
    for (int i = off, stop = off + len; i < stop; i += 8) {
      int n = Math.min(8, stop - i);
      long w = word(i, n);
      long used = n == 8 ? HIGHS : HIGHS & (1L << 8 * n) - 1;
      if ((w & HIGHS) != 0 || (lanesOf(w, DNS) & used) != used) {
        return false;
      }
      dots |= within(w, '.', '.');
      nonDigits |= used & ~within(w, '0', '9');
    }
    if (dots == 0) { // one label, the usual case
      return len <= Syntax.MAX_DNS_LABEL && buf[off] != '-' && buf[off + len - 1] != '-' && nonDigits != 0;
    }
    int stop = off + len;
    int labelStart = off;
    for (int i = off; i <= stop; i++) {
      if (i == stop || buf[i] == '.') {
        int labelLen = i - labelStart;
        if (labelLen == 0 || labelLen > Syntax.MAX_DNS_LABEL || buf[labelStart] == '-' || buf[i - 1] == '-') {
          return false;
        }
        if (i < stop) {
          labelStart = i + 1;
        }
      }
    }
    return !allIn(labelStart, stop, DIGITS); // the last label is not all digits
  }

  /** {@code [A-Za-z0-9]} then {@code [A-Za-z0-9._-]}, 1 to {@code maxLength} characters. */
  private boolean isToken(int off, int len, int maxLength) {
    if (len == 0 || len > maxLength) {
      return false;
    }
    int first = buf[off];
    return (first >= '0' && first <= '9' || first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z')
        && allIn(off, off + len, TOKEN);
  }

  /** {@code [a-z0-9]} then {@code [a-z0-9._-]}, 1 to 1024 characters (the model's key syntax). */
  private boolean isKey(int off, int len) {
    if (len == 0 || len > 1024) {
      return false;
    }
    int first = buf[off];
    return (first >= '0' && first <= '9' || first >= 'a' && first <= 'z') && allIn(off, off + len, KEY);
  }

  private boolean isUtf8(int off, int len) {
    long any = 0;
    for (int i = off, stop = off + len; i < stop; i += 8) {
      any |= word(i, Math.min(8, stop - i));
    }
    // ASCII, or protobuf's own check (the one its parser applies to strings)
    return (any & HIGHS) == 0 || UnsafeByteOperations.unsafeWrap(buf, off, len).isValidUtf8();
  }

  // ---- duplicate keys ----

  /**
   * Edge keys unique, context keys unique, and no context key also an edge key: the checks the
   * model's builder makes. Keys are found again by walking the entries (tag, length, key tag, key
   * length, key): cheap, and nothing is allocated for the usual handful of entries.
   */
  private void checkUniqueKeys() {
    int total = edgeCount + contextCount;
    if (total < 2) {
      return;
    }
    if (total <= 8) {
      // The keys' 8-bit hashes, gathered by the scan: distinct hashes prove distinct keys.
      for (int i = 1; i < total; i++) {
        long h = keyHashes >>> 8 * i & 0xff;
        for (int j = 0; j < i; j++) {
          if ((keyHashes >>> 8 * j & 0xff) == h) {
            checkUniquePairwise();
            return;
          }
        }
      }
      return;
    }
    if (total <= PAIRWISE_KEYS) {
      checkUniquePairwise();
      return;
    }
    // Many keys: a small open-addressing table of entry offsets, by key hash.
    int size = Integer.highestOneBit(total * 2 - 1) << 1;
    int[] table = new int[size];
    int mask = size - 1;
    int p = edgeOff;
    for (int i = 0; i < edgeCount; i++) {
      insertKey(table, mask, p);
      p = nextEntry(p);
    }
    p = contextOff;
    for (int i = 0; i < contextCount; i++) {
      insertKey(table, mask, p);
      p = nextEntry(p);
    }
  }

  /** 8 bits of a hash of {@code buf[from, from + n)}. */
  private long hash(int from, int n) {
    int to = from + n;
    long h = n;
    for (int i = from; i < to; i += 8) {
      h = (h ^ word(i, Math.min(8, to - i))) * 0x9E3779B97F4A7C15L;
    }
    return h >>> 56;
  }

  /** Every pair of keys compared: edge with edge, context with context, context with edge. */
  private void checkUniquePairwise() {
    if (edgeCount > 1) {
      checkUniquePairwise(edgeOff, edgeCount);
    }
    if (contextCount > 1) {
      checkUniquePairwise(contextOff, contextCount);
    }
    if (edgeCount > 0 && contextCount > 0) {
      int c = contextOff;
      for (int j = 0; j < contextCount; j++) {
        int e = edgeOff;
        for (int i = 0; i < edgeCount; i++) {
          if (sameKey(e, c)) {
            throw fail();
          }
          e = nextEntry(e);
        }
        c = nextEntry(c);
      }
    }
  }

  private void insertKey(int[] table, int mask, int entry) {
    int at = keyLengthAt(entry);
    int keyLen = keyLength(at);
    int keyOff = keyStart(at);
    int h = 1;
    for (int i = 0; i < keyLen; i++) {
      h = 31 * h + buf[keyOff + i];
    }
    h ^= h >>> 16;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      if (table[slot] == 0) {
        table[slot] = entry + 1;
        return;
      }
      if (sameKey(table[slot] - 1, entry)) {
        throw fail();
      }
    }
  }

  private void checkUniquePairwise(int firstOff, int count) {
    int a = firstOff;
    for (int i = 0; i < count - 1; i++) {
      int b = nextEntry(a);
      for (int j = i + 1; j < count; j++) {
        if (sameKey(a, b)) {
          throw fail();
        }
        b = nextEntry(b);
      }
      a = nextEntry(a);
    }
  }

  /**
   * Where the key length of the scanned entry whose tag is at {@code entry} lies: after the one-byte
   * tag, the entry's length and the one-byte key tag. A key length (at most 1024) takes one or two
   * bytes, read by {@link #keyLength} and skipped by {@link #keyStart}.
   */
  private int keyLengthAt(int entry) {
    int p = entry + 1;
    while (buf[p] < 0) {
      p++;
    }
    return p + 2; // past the entry length's last byte and the key tag
  }

  private int keyLength(int at) {
    int b0 = buf[at];
    return b0 >= 0 ? b0 : (b0 & 0x7f) | buf[at + 1] << 7;
  }

  private int keyStart(int at) {
    return buf[at] >= 0 ? at + 1 : at + 2;
  }

  private boolean sameKey(int entryA, int entryB) {
    int la = keyLengthAt(entryA);
    int lb = keyLengthAt(entryB);
    int lenA = keyLength(la);
    if (lenA != keyLength(lb)) {
      return false;
    }
    int a = keyStart(la);
    int b = keyStart(lb);
    if (lenA > 0 && buf[a + lenA - 1] != buf[b + lenA - 1]) {
      return false; // keys often share a prefix; the last character tells most apart at once
    }
    return java.util.Arrays.equals(buf, a, a + lenA, buf, b, b + lenA);
  }

  /** The offset after the entry whose tag is at {@code entry}. */
  private int nextEntry(int entry) {
    int p = entry + 1;
    int len = 0;
    int shift = 0;
    byte b;
    do {
      b = buf[p++];
      len |= (b & 0x7f) << shift;
      shift += 7;
    } while (b < 0);
    return p + len;
  }

  // ---- reading the model from the bytes (only when asked) ----

  /** A reader over the message at {@code buf[from, to)}. */
  private final class Reader {
    int p;
    final int to;

    Reader(int from, int to) {
      this.p = from;
      this.to = to;
    }

    boolean more() {
      return p < to;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = buf[p++];
        result |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return result;
        }
      }
    }

    int tag() {
      return (int) varint();
    }

    /** Reads a length prefix and returns the offset after the value; {@link #p} is at the value. */
    int lengthEnd() {
      int n = (int) varint();
      return p + n;
    }

    String ascii() {
      int stop = lengthEnd();
      String s = new String(buf, p, stop - p, StandardCharsets.ISO_8859_1);
      p = stop;
      return s;
    }

    String utf8() {
      int stop = lengthEnd();
      String s = new String(buf, p, stop - p, StandardCharsets.UTF_8);
      p = stop;
      return s;
    }
  }

  String chainName() {
    return nameOff < 0 ? null : new String(buf, nameOff, nameLen, StandardCharsets.ISO_8859_1);
  }

  List<Segment> segments() {
    Segment[] out = new Segment[segmentCount];
    Reader r = new Reader(segmentsOff, end);
    for (int i = 0; i < segmentCount; i++) {
      r.tag();
      out[i] = segment(r);
    }
    return List.of(out);
  }

  /** Segment {@code index}, without reading the others. */
  Segment segment(int index) {
    Reader r = new Reader(segmentsOff, end);
    for (int i = 0; i < index; i++) {
      r.tag();
      r.p = r.lengthEnd();
    }
    r.tag();
    return segment(r);
  }

  Segment replyTo() {
    if (replyOff < 0) {
      return null;
    }
    Reader r = new Reader(replyOff, replyOff + replyLen);
    r.tag();
    return segment(r);
  }

  /** The segment message whose length prefix is at the reader's position. */
  private Segment segment(Reader outer) {
    int stop = outer.lengthEnd();
    Reader r = new Reader(outer.p, stop);
    String service = null;
    String function = null;
    LinkedHashMap<String, String> arguments = null;
    while (r.more()) {
      int field = r.tag() >>> 3;
      if (field == 1) {
        service = r.ascii();
      } else if (field == 2) {
        function = r.ascii();
      } else {
        if (arguments == null) {
          arguments = new LinkedHashMap<>();
        }
        entry(r, arguments);
      }
    }
    outer.p = stop;
    return Segment.trusted(service, function,
        arguments == null ? Map.of() : Collections.unmodifiableMap(arguments));
  }

  private static void entry(Reader r, Map<String, String> into) {
    int stop = r.lengthEnd();
    r.tag();
    String key = r.ascii();
    String value = "";
    if (r.p < stop) {
      r.tag();
      value = r.utf8();
    }
    into.put(key, value);
  }

  Map<String, String> edgeMetadata() {
    return metadata(edgeOff, edgeCount);
  }

  Map<String, String> contextMetadata() {
    return metadata(contextOff, contextCount);
  }

  private Map<String, String> metadata(int off, int count) {
    LinkedHashMap<String, String> map = new LinkedHashMap<>();
    Reader r = new Reader(off, end);
    for (int i = 0; i < count; i++) {
      r.tag();
      entry(r, map);
    }
    return Collections.unmodifiableMap(map);
  }

  /** The route records of the bytes, followed by {@code appended}. */
  List<RouteRecord> route(List<RouteRecord> appended) {
    RouteRecord[] out = new RouteRecord[routeCount + appended.size()];
    Reader r = new Reader(routeOff, end);
    for (int i = 0; i < routeCount; i++) {
      r.tag();
      int stop = r.lengthEnd();
      int index = 0;
      String node = null;
      long startMs = 0;
      long micros = 0;
      Outcome outcome = null;
      while (r.p < stop) {
        int field = r.tag() >>> 3;
        switch (field) {
          case 1 -> index = (int) r.varint();
          case 2 -> node = r.ascii();
          case 3 -> startMs = r.varint();
          case 4 -> micros = r.varint();
          default -> outcome = OUTCOMES[(int) r.varint()];
        }
      }
      out[i] = RouteRecord.trusted(index, node, Instant.ofEpochMilli(startMs), Duration.ofNanos(micros * 1000),
          outcome);
    }
    for (int i = 0; i < appended.size(); i++) {
      out[routeCount + i] = appended.get(i);
    }
    return List.of(out);
  }

  private static final Outcome[] OUTCOMES =
      {null, Outcome.FORWARDED, Outcome.ANSWERED, Outcome.ENDED_EARLY, Outcome.FAILED};

  // ---- encoding by patching ----

  /**
   * Whether {@link #writeDescriptor} may encode these bytes with {@code appended} under
   * {@code encodeLimits}: the same limits the bytes were checked against (so only what changed needs
   * checking), records without unknown fields, and the route within its bound.
   */
  boolean canPatch(List<RouteRecord> appended, DecodeLimits encodeLimits) {
    if (encodeLimits != limits && !encodeLimits.equals(limits)) {
      return false;
    }
    if (routeCount + appended.size() > encodeLimits.maxRouteRecords()) {
      return false;
    }
    for (int i = 0; i < appended.size(); i++) {
      RouteRecord r = appended.get(i);
      if (r.node().length() > encodeLimits.maxNameLength() || r.unknownFields.getSerializedSize() != 0) {
        return false;
      }
    }
    return true;
  }

  /** Size of the descriptor {@link #writeDescriptor} writes. */
  int patchedSize(int newPointer, int newHopLimit, List<RouteRecord> appended) {
    int size = (at6 - start) + (at16 - at8) + (end - at16);
    if (newPointer != 0) {
      size += 1 + varintSize(newPointer);
    }
    size += 1 + varintSize(newHopLimit);
    for (int i = 0; i < appended.size(); i++) {
      int body = recordSize(appended.get(i));
      size += 1 + varintSize(body) + body;
    }
    return size;
  }

  /**
   * Writes the descriptor with the pointer and hop limit replaced and {@code appended} after the
   * route records: exactly the bytes the reference encoder writes for the same model, because the
   * input is in its canonical field order. Returns the offset after the last byte written.
   */
  int writeDescriptor(byte[] out, int o, int newPointer, int newHopLimit, List<RouteRecord> appended) {
    int head = at6 - start;
    System.arraycopy(buf, start, out, o, head);
    o += head;
    if (newPointer != 0) {
      out[o++] = TAG_POINTER;
      o = writeVarint(out, o, newPointer);
    }
    out[o++] = TAG_HOP_LIMIT;
    o = writeVarint(out, o, newHopLimit);
    int middle = at16 - at8;
    System.arraycopy(buf, at8, out, o, middle);
    o += middle;
    for (int i = 0; i < appended.size(); i++) {
      RouteRecord r = appended.get(i);
      out[o++] = (byte) TAG_ROUTE;
      o = writeVarint(out, o, recordSize(r));
      o = writeRecord(out, o, r);
    }
    int tail = end - at16;
    System.arraycopy(buf, at16, out, o, tail);
    return o + tail;
  }

  private static int recordSize(RouteRecord r) {
    int size = 0;
    if (r.segmentIndex() != 0) {
      size += 1 + varintSize(r.segmentIndex());
    }
    int node = r.node().length(); // a token: ASCII
    size += 1 + varintSize(node) + node;
    long start = r.start().toEpochMilli();
    if (start != 0) {
      size += 1 + varintSize(start);
    }
    long micros = r.duration().toNanos() / 1000;
    if (micros != 0) {
      size += 1 + varintSize(micros);
    }
    return size + 2; // the outcome, 1 to 4
  }

  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the node id is ASCII
  private static int writeRecord(byte[] out, int o, RouteRecord r) {
    if (r.segmentIndex() != 0) {
      out[o++] = 1 << 3;
      o = writeVarint(out, o, r.segmentIndex());
    }
    String node = r.node();
    out[o++] = 2 << 3 | WIRE_LENGTH;
    o = writeVarint(out, o, node.length());
    node.getBytes(0, node.length(), out, o); // ASCII: one byte per character
    o += node.length();
    long start = r.start().toEpochMilli();
    if (start != 0) {
      out[o++] = 3 << 3;
      o = writeVarint(out, o, start);
    }
    long micros = r.duration().toNanos() / 1000;
    if (micros != 0) {
      out[o++] = 4 << 3;
      o = writeVarint(out, o, micros);
    }
    out[o++] = 5 << 3;
    out[o++] = switch (r.outcome()) { // the .proto's numbers
      case FORWARDED -> 1;
      case ANSWERED -> 2;
      case ENDED_EARLY -> 3;
      case FAILED -> 4;
    };
    return o;
  }

  static int varintSize(long value) {
    return (70 - Long.numberOfLeadingZeros(value | 1)) / 7; // 7 bits a byte, at least one byte
  }

  static int writeVarint(byte[] out, int o, long value) {
    while ((value & ~0x7fL) != 0) {
      out[o++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[o++] = (byte) value;
    return o;
  }
}
