package io.chainmesh.core;

import com.google.protobuf.UnknownFieldSet;
import io.chainmesh.core.internal.Syntax;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stop of a chain: a logical service name, optionally one of its functions, optionally
 * arguments — the L7 form of an SRv6 SID's {@code LOC:FUNCT:ARG} (RFC 8986).
 *
 * <p>The service name is a lower-case DNS name that only the hop's resolver turns into an address,
 * so a descriptor can never point a hop at an arbitrary host. A segment may instead hold a raw
 * {@link #url() URL}; hops refuse those unless their resolver explicitly allows the host.
 *
 * <p>Immutable; build with {@link #of(String)}, {@link #of(String, String)} or {@link #builder(String)}.
 */
public final class Segment {
  private final String service;
  private final String function;
  private final URI url;
  private final Map<String, String> arguments;
  final UnknownFieldSet unknownFields;

  private Segment(String service, String function, URI url, Map<String, String> arguments,
      UnknownFieldSet unknownFields) {
    this.service = service;
    this.function = function;
    this.url = url;
    this.arguments = arguments;
    this.unknownFields = unknownFields;
  }

  /**
   * A segment naming a whole service.
   *
   * @throws ChainException {@link Reason#SEGMENT_INVALID_NAME} if {@code service} is not a DNS name
   */
  public static Segment of(String service) {
    return builder(service).build();
  }

  /**
   * A segment naming one function of a service.
   *
   * @throws ChainException {@link Reason#SEGMENT_INVALID_NAME} if either name has the wrong syntax
   */
  public static Segment of(String service, String function) {
    return builder(service).function(function).build();
  }

  /**
   * A raw-URL segment: an absolute {@code http} or {@code https} URL without user info. Hops
   * refuse these unless their resolver is configured to allow the URL's host.
   *
   * @throws ChainException {@link Reason#SEGMENT_INVALID_NAME} for any other kind of URI
   */
  public static Segment url(URI url) {
    return new Builder(null, checkUrl(url)).build();
  }

  /** A logical segment read from bytes that were already validated: no checks, no copies. */
  static Segment trusted(String service, String function, Map<String, String> arguments) {
    return new Segment(service, function, null, arguments, UnknownFieldSet.getDefaultInstance());
  }

  static Builder urlBuilder(URI url) {
    return new Builder(null, url);
  }

  /** A builder for a segment naming {@code service}. */
  public static Builder builder(String service) {
    return new Builder(Objects.requireNonNull(service, "service"), null);
  }

  /**
   * The logical service name; for a {@link #isUrl() raw-URL segment}, the URL as text.
   */
  public String service() {
    return url != null ? url.toString() : service;
  }

  /** The function of the service this segment invokes, if it names one. */
  public Optional<String> function() {
    return Optional.ofNullable(function);
  }

  /** Whether this segment holds a raw URL instead of a logical service name. */
  public boolean isUrl() {
    return url != null;
  }

  /** The raw URL of a raw-URL segment. */
  public Optional<URI> url() {
    return Optional.ofNullable(url);
  }

  /** The arguments, in order; unmodifiable. */
  public Map<String, String> arguments() {
    return arguments;
  }

  /** One argument. */
  public Optional<String> argument(String key) {
    return Optional.ofNullable(arguments.get(key));
  }

  /** Whether this segment names {@code service} and, if it names a function, {@code function}. */
  public boolean matches(String service, String function) {
    return url == null && this.service.equals(service)
        && (this.function == null || this.function.equals(function));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Segment other
        && Objects.equals(service, other.service)
        && Objects.equals(function, other.function)
        && (url == null ? other.url == null : other.url != null && url.toString().equals(other.url.toString()))
        && sameEntriesInOrder(arguments, other.arguments)
        && unknownFields.equals(other.unknownFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service(), function, arguments);
  }

  /**
   * Whether two maps hold the same entries in the same order: the wire form keeps order, so values
   * that are equal must encode to the same bytes (and MAC).
   */
  static boolean sameEntriesInOrder(Map<String, String> a, Map<String, String> b) {
    if (a.size() != b.size()) {
      return false;
    }
    java.util.Iterator<Map.Entry<String, String>> other = b.entrySet().iterator();
    for (Map.Entry<String, String> entry : a.entrySet()) {
      if (!entry.equals(other.next())) {
        return false;
      }
    }
    return true;
  }

  /** {@code service/function{key=value, ...}}, or {@code <url>} for a raw-URL segment. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (url != null) {
      sb.append('<').append(url).append('>');
    } else {
      sb.append(service);
      if (function != null) {
        sb.append('/').append(function);
      }
    }
    if (!arguments.isEmpty()) {
      sb.append(arguments);
    }
    return sb.toString();
  }

  static URI checkUrl(URI url) {
    String scheme = url.getScheme();
    if (!url.isAbsolute() || url.isOpaque() || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "url",
          "a raw-URL segment must be an absolute http or https URL, got "
              + ChainException.quote(url.toString()));
    }
    if (url.getRawUserInfo() != null) {
      throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "url",
          "a raw-URL segment must not carry user info");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "url", "a raw-URL segment needs a host");
    }
    return url;
  }

  /** Builds a {@link Segment}; {@link #build()} validates every field. */
  public static final class Builder {
    private final String service;
    private final URI url;
    private String function;
    private final LinkedHashMap<String, String> arguments = new LinkedHashMap<>();
    private UnknownFieldSet unknownFields = UnknownFieldSet.getDefaultInstance();

    private Builder(String service, URI url) {
      this.service = service;
      this.url = url;
    }

    /** The function to invoke; {@code null} for none. */
    public Builder function(String function) {
      this.function = function;
      return this;
    }

    /**
     * Adds an argument.
     *
     * @throws ChainException {@link Reason#METADATA_DUPLICATE_KEY} if {@code key} is already set
     */
    public Builder argument(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (arguments.putIfAbsent(key, value) != null) {
        throw ChainException.atField(Reason.METADATA_DUPLICATE_KEY, "arguments",
            "argument " + ChainException.quote(key) + " is given twice");
      }
      return this;
    }

    /** Adds every argument of {@code map}, in its iteration order. */
    public Builder arguments(Map<String, String> map) {
      map.forEach(this::argument);
      return this;
    }

    Builder unknownFields(UnknownFieldSet unknownFields) {
      this.unknownFields = unknownFields;
      return this;
    }

    /**
     * The segment.
     *
     * @throws ChainException {@link Reason#SEGMENT_INVALID_NAME} for a bad service or function name,
     *     {@link Reason#METADATA_INVALID_KEY} for a bad argument key
     */
    public Segment build() {
      if (service != null) {
        String problem = Syntax.dnsNameProblem(service);
        if (problem != null) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "service",
              "service name " + ChainException.quote(service) + " " + problem);
        }
      }
      if (function != null) {
        String problem = Syntax.tokenProblem(function, Syntax.MAX_DNS_LABEL);
        if (problem != null) {
          throw ChainException.atField(Reason.SEGMENT_INVALID_NAME, "function",
              "function name " + ChainException.quote(function) + " " + problem);
        }
      }
      for (String key : arguments.keySet()) {
        String problem = Syntax.keyProblem(key, 1024);
        if (problem != null) {
          throw ChainException.atField(Reason.METADATA_INVALID_KEY, "arguments",
              "argument key " + ChainException.quote(key) + " " + problem);
        }
      }
      Map<String, String> args = arguments.isEmpty()
          ? Map.of()
          : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
      return new Segment(service, function, url, args, unknownFields);
    }
  }
}
