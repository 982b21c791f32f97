package io.chainmesh.http;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An RFC 9457 problem document as chainmesh hops write it: the stable reason code, the HTTP status,
 * a detail safe for remote eyes, and where in the chain it happened (chain id, segment index and
 * name, the node that failed). A failure deep in a chain reaches the caller as the original failing
 * hop wrote it; hops on the way back relay it unchanged.
 *
 * <p>Never contains stack traces, keys, MACs or internal addresses. Immutable.
 */
public final class ChainProblem {
  /** Prefix of the {@code type} URI: {@code urn:chainmesh:problem:} followed by the reason code. */
  public static final String TYPE_PREFIX = "urn:chainmesh:problem:";
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final String reason;
  private final int status;
  private final String detail;
  private final String chainId;
  private final int segmentIndex;
  private final String segment;
  private final String hop;
  private final String field;

  private ChainProblem(Builder b) {
    this.reason = b.reason;
    this.status = b.status;
    this.detail = b.detail;
    this.chainId = b.chainId;
    this.segmentIndex = b.segmentIndex;
    this.segment = b.segment;
    this.hop = b.hop;
    this.field = b.field;
  }

  /** A builder for a problem with {@code reason}, its status and {@code detail}. */
  public static Builder builder(Reason reason, String detail) {
    return new Builder(reason.code(), reason.httpStatus(), detail);
  }

  /**
   * A builder for a problem a function defines, to end its chain with {@link ChainReply#problem}:
   * {@code code} is the function's own stable code, two or more dot-separated words of
   * {@code [a-z0-9_]} starting with a letter (e.g. {@code order.quantity_out_of_range}), at most
   * 64 characters, and not one of chainmesh's {@link Reason} codes (those mean what the wire format
   * says; to refuse with one, throw a {@link ChainException}). The {@code type} is
   * {@value #TYPE_PREFIX} followed by the code, as for chainmesh's own problems.
   *
   * @throws IllegalArgumentException for a code without that syntax or owned by chainmesh, or a
   *     status outside [400, 599]
   */
  public static Builder builder(String code, int status, String detail) {
    String problem = codeProblem(Objects.requireNonNull(code, "code"));
    if (problem != null) {
      throw new IllegalArgumentException("problem code \"" + code + "\" " + problem);
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem's status must be in [400, 599], was " + status);
    }
    return new Builder(code, status, detail);
  }

  private static String codeProblem(String code) {
    if (code.isEmpty() || code.length() > 64) {
      return "must be 1 to 64 characters long";
    }
    if (Reason.fromCode(code).isPresent()) {
      return "is chainmesh's own; throw a ChainException to refuse with it";
    }
    boolean wordStart = true;
    int dots = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '.') {
        if (wordStart) {
          return "has an empty word";
        }
        dots++;
        wordStart = true;
      } else if (wordStart ? c >= 'a' && c <= 'z' : (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        wordStart = false;
      } else {
        return "must be dot-separated words of [a-z0-9_], each starting with a letter";
      }
    }
    return dots == 0 || wordStart ? "must be two or more dot-separated words, e.g. order.quantity_out_of_range" : null;
  }

  /** A builder from a refusal: its reason, detail and field. */
  public static Builder builder(ChainException e) {
    Builder b = builder(e.reason(), e.detail());
    e.field().ifPresent(b::field);
    e.offset().ifPresent(o -> b.field("offset " + o));
    return b;
  }

  /**
   * Reads a problem document written by a chainmesh hop.
   *
   * @return empty if {@code body} is not JSON with a string {@code reason} and an integer {@code status}
   */
  public static Optional<ChainProblem> parse(byte[] body) {
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (JacksonException e) {
      return Optional.empty();
    }
    if (n == null || !n.isObject() || n.get("reason") == null || !n.get("reason").isString()
        || n.get("status") == null || !n.get("status").canConvertToInt()) {
      return Optional.empty();
    }
    Builder b = new Builder(n.get("reason").stringValue(), n.get("status").intValue(),
        n.has("detail") ? n.get("detail").asString() : "");
    if (n.has("chainId")) {
      b.chainId(n.get("chainId").asString());
    }
    if (n.has("segmentIndex") && n.get("segmentIndex").canConvertToInt()) {
      b.segment(n.get("segmentIndex").intValue(), n.has("segment") ? n.get("segment").asString() : "");
    }
    if (n.has("hop")) {
      b.hop(n.get("hop").asString());
    }
    if (n.has("field")) {
      b.field(n.get("field").asString());
    }
    return Optional.of(b.build());
  }

  /** This problem, said to have happened at {@code segment} of chain {@code chainId} on {@code hop}. */
  ChainProblem locatedAt(String chainId, int segmentIndex, String segment, String hop) {
    Builder b = new Builder(reason, status, detail).chainId(chainId).segment(segmentIndex, segment).hop(hop);
    b.field = field;
    return b.build();
  }

  /** The reason code, e.g. {@code integrity.bad_mac}; possibly one this version does not know. */
  public String reasonCode() {
    return reason;
  }

  /** The reason, if this version knows the code. */
  public Optional<Reason> reason() {
    return Reason.fromCode(reason);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** What went wrong, for people. */
  public String detail() {
    return detail;
  }

  /** The chain's id, when the descriptor was verified before the failure. */
  public Optional<String> chainId() {
    return Optional.ofNullable(chainId);
  }

  /** Index of the segment where the failure happened, when known. */
  public OptionalInt segmentIndex() {
    return segmentIndex < 0 ? OptionalInt.empty() : OptionalInt.of(segmentIndex);
  }

  /** The segment where the failure happened ({@code service/function}), when known. */
  public Optional<String> segment() {
    return Optional.ofNullable(segment);
  }

  /** The node id of the hop that failed or refused. */
  public Optional<String> hop() {
    return Optional.ofNullable(hop);
  }

  /** The descriptor field or input offset at fault, when known. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The {@code application/problem+json} body. */
  public byte[] toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", TYPE_PREFIX + reason);
    o.put("title", reason);
    o.put("status", status);
    o.put("detail", detail);
    o.put("reason", reason);
    if (chainId != null) {
      o.put("chainId", chainId);
    }
    if (segmentIndex >= 0) {
      o.put("segmentIndex", segmentIndex);
      o.put("segment", segment);
    }
    if (hop != null) {
      o.put("hop", hop);
    }
    if (field != null) {
      o.put("field", field);
    }
    return MAPPER.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return reason + " (" + status + ")" + (segment != null ? " at segment " + segmentIndex + " " + segment : "")
        + (hop != null ? " on " + hop : "") + ": " + detail;
  }

  /** Builds a {@link ChainProblem}. */
  public static final class Builder {
    private final String reason;
    private final int status;
    private final String detail;
    private String chainId;
    private int segmentIndex = -1;
    private String segment;
    private String hop;
    private String field;

    private Builder(String reason, int status, String detail) {
      this.reason = Objects.requireNonNull(reason, "reason");
      this.status = status;
      this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** The chain id (only once the descriptor is verified: never echo unverified input). */
    public Builder chainId(String chainId) {
      this.chainId = chainId;
      return this;
    }

    /** Where in the chain: segment index and its {@code service/function} text. */
    public Builder segment(int index, String segment) {
      this.segmentIndex = index;
      this.segment = segment;
      return this;
    }

    /** The node id of the failing hop. */
    public Builder hop(String hop) {
      this.hop = hop;
      return this;
    }

    /** The descriptor field or input offset at fault. */
    public Builder field(String field) {
      this.field = field;
      return this;
    }

    /** The problem. */
    public ChainProblem build() {
      return new ChainProblem(this);
    }
  }
}
