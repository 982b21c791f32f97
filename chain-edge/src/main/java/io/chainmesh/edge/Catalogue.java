package io.chainmesh.edge;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.internal.CatalogueCompiler;
import io.chainmesh.edge.internal.ChainEntry;
import io.chainmesh.edge.internal.CompiledCatalogue;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The edge's chain catalogue: which requests start which chains. Loaded from YAML and validated as
 * a whole before it is used, so a catalogue that loads never fails a request for a reason it could
 * have known; one that does not load throws a {@link CatalogueException} naming file, line, column
 * and field of every problem. Immutable.
 *
 * <h2>Shape</h2>
 * <pre>{@code
 * version: 1                      # optional; the only version is 1
 * services:                       # the service names segments may use
 *   validate: http://validate.shop.svc:8080/   # with URLs: also the edge's resolver
 *   price: http://price.shop.svc:8080/
 * # or just names, resolved by the edge's resolver:   services: [validate, price]
 * defaults:                       # optional, for every chain below
 *   returnMode: sync              # sync (default) | async
 *   deadline: 5s                  # a duration (below); no deadline unless set
 *   lifetime: 30s                 # descriptor lifetime; default max(60s, deadline)
 * chains:                         # first match wins
 *   - name: checkout              # the chain name written into descriptors; unique
 *     match:                      # or the shorthand  match: "POST /shops/{shop}/checkout"
 *       method: POST              # a method, or * for any
 *       path: /shops/{shop}/checkout   # {var} takes one whole path segment
 *       headers:                  # optional: all must be present with exactly these values
 *         Api-Version: "2"
 *     segments:                   # visiting order
 *       - validate                # a service
 *       - price/quote             # service/function
 *       - service: fraud          # the long form, with arguments
 *         function: score
 *         arguments: {threshold: "0.9"}
 *     metadata:                   # edge metadata: read-only for every hop
 *       channel: web              # a literal
 *       shop: {path: shop}        # a path variable
 *       customer.tier: {header: Customer-Tier, default: standard}   # a request header
 *     returnMode: async           # overrides defaults
 *     deadline: 5s
 *     hopLimit: 8                 # default: segments + 4, room for sub-chains hops insert
 *     lifetime: 30s
 * }</pre>
 *
 * <p>Checked at load: unknown fields; names (DNS service names, function and chain names, metadata
 * and argument keys); that every segment names a declared service (or, without a {@code services:}
 * section, one the edge's resolver accepts); path patterns; that a {@code path} source names a
 * variable of the match path; that no chain header is matched or read; durations, and that the
 * lifetime covers the deadline and stays within what hops accept; the hop limit; duplicate chain
 * names; and every {@link DecodeLimits} bound, by encoding a sample descriptor of each chain. A
 * metadata entry from an absent header without a default is left out of the descriptor.
 *
 * <h2>Durations</h2>
 * {@code deadline} and {@code lifetime} are written as on the edge's and chain-cli's command lines
 * (one grammar): a whole number of 1 to 9 digits, an optional single space, and a lower-case unit
 * {@code ms}, {@code s}, {@code m} or {@code min} (minutes), {@code h} — {@code 250ms}, {@code 5s},
 * {@code 5 s}, {@code 2 min}, {@code 1h}; or ISO-8601 without a sign — {@code PT5S}, {@code PT0.25S},
 * {@code P1D}. Longer than zero, at most {@code 999999999h}; {@code 5S}, {@code 1.5s} or
 * {@code 5 seconds} are refused at load.
 */
public final class Catalogue {
  /** Largest catalogue file read: 1 MiB. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private final CompiledCatalogue compiled;

  private Catalogue(CompiledCatalogue compiled) {
    this.compiled = compiled;
  }

  /** A loader with the default limits and no resolver. */
  public static Loader loader() {
    return new Loader();
  }

  /**
   * The catalogue in {@code file}, under the default limits; it must declare its {@code services:}.
   *
   * @throws CatalogueException if it cannot be read or does not validate
   */
  public static Catalogue load(Path file) {
    return loader().load(file);
  }

  /** Where the catalogue came from: the file name, or the name given to {@link Loader#parse}. */
  public String source() {
    return compiled.source();
  }

  /** The chain names, in matching order. */
  public List<String> chainNames() {
    return compiled.entries().stream().map(ChainEntry::name).toList();
  }

  /** The service names the catalogue declares; empty if it declares none. */
  public Set<String> services() {
    return compiled.services();
  }

  CompiledCatalogue compiled() {
    return compiled;
  }

  /** {@code Catalogue{chains.yaml: [quote, checkout]}}. */
  @Override
  public String toString() {
    return "Catalogue{" + source() + ": " + chainNames() + '}';
  }

  /** Reads and validates catalogues against a set of limits and, optionally, a resolver. */
  public static final class Loader {
    private DecodeLimits limits = DecodeLimits.DEFAULTS;
    private SegmentResolver resolver;
    private Duration maxLifetime = ChainCodec.DEFAULT_MAX_LIFETIME;
    private String replyToService = ChainEdge.DEFAULT_REPLY_TO_SERVICE;

    private Loader() {}

    /** The limits every chain must fit in; {@link DecodeLimits#DEFAULTS} unless set. */
    public Loader limits(DecodeLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The resolver that checks segment names when the catalogue has no {@code services:} section: a
     * name is known if it resolves. A template resolver accepts every well-formed name.
     */
    public Loader resolver(SegmentResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The longest descriptor lifetime hops accept; {@link ChainCodec#DEFAULT_MAX_LIFETIME} unless set. */
    public Loader maxLifetime(Duration maxLifetime) {
      this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
      return this;
    }

    /** The reply-to service asynchronous chains name (counts toward the descriptor size); {@code edge} unless set. */
    public Loader replyToService(String service) {
      this.replyToService = Objects.requireNonNull(service, "service");
      return this;
    }

    /**
     * Reads {@code file} (UTF-8, at most {@link #MAX_FILE_BYTES}) and validates it.
     *
     * @throws CatalogueException if it cannot be read or does not validate
     */
    public Catalogue load(Path file) {
      String source = file.toString();
      byte[] bytes;
      try {
        if (Files.size(file) > MAX_FILE_BYTES) {
          throw single(source, "the file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw single(source, "cannot read the catalogue: " + e);
      }
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw single(source, "the file is not UTF-8 text");
      }
      return parse(text, source);
    }

    /**
     * Validates {@code yaml}; {@code sourceName} names it in messages.
     *
     * @throws CatalogueException if it does not validate
     */
    public Catalogue parse(String yaml, String sourceName) {
      Segment replyTo = Segment.of(replyToService);
      return new Catalogue(CatalogueCompiler.compile(yaml, sourceName,
          new CatalogueCompiler.Options(limits, resolver, maxLifetime, replyTo)));
    }

    private static CatalogueException single(String source, String message) {
      return new CatalogueException(List.of(new CatalogueException.Problem(source, 0, 0, "", message)));
    }
  }
}
