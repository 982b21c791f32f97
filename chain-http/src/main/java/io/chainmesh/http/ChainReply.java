package io.chainmesh.http;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.http.internal.ApiAccess;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * An answer that ends a hop's work on a request. Return one from a {@link ChainFunction} to end
 * the chain early with a status and body of your choice (the rest of the segments are skipped and
 * the answer goes back to the caller), or return the reply {@link Forwarder#forward} gave you to
 * relay the downstream answer unchanged.
 *
 * <p>The body follows the same rules as a function's return value: {@code byte[]}, {@code String},
 * {@code InputStream} or an object written by the hop's {@link BodyCodec}. Immutable.
 */
public final class ChainReply {
  static {
    ApiAccess.install(new ApiAccess() {
      @Override
      protected ChainReply relayed(int status, String contentType, Object response) {
        return new ChainReply(status, null, contentType, response);
      }

      @Override
      protected Object response(ChainReply reply) {
        return reply.relayed;
      }

      @Override
      protected Object body(ChainReply reply) {
        return reply.body;
      }

      @Override
      protected ChainProblem located(ChainProblem problem, String chainId, int segmentIndex, String segment,
          String hop) {
        return problem.locatedAt(chainId, segmentIndex, segment, hop);
      }

      @Override
      protected ChainContext context(ChainDescriptor d, String function, String traceId, String spanId, Clock clock) {
        return new ChainContext(d, function, traceId, spanId, clock);
      }
    });
  }

  private final int status;
  private final Object body;
  private final String contentType;
  private final Object relayed;

  private ChainReply(int status, Object body, String contentType, Object relayed) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("reply status must be in [200, 599], was " + status);
    }
    this.status = status;
    this.body = body;
    this.contentType = contentType;
    this.relayed = relayed;
  }

  /** A reply with {@code status} and no body. */
  public static ChainReply status(int status) {
    return new ChainReply(status, null, null, null);
  }

  /**
   * A reply with {@code status} and {@code body}; a {@code String} body is sent as
   * {@code text/plain; charset=utf-8}, other bodies as their binding rules say.
   *
   * @throws IllegalArgumentException for a status outside [200, 599]
   */
  public static ChainReply status(int status, Object body) {
    return new ChainReply(status, Objects.requireNonNull(body, "body"), null, null);
  }

  /**
   * A reply that ends the chain with {@code problem}: its status, and the problem as an
   * {@code application/problem+json} document to which the hop adds where it happened (chain id,
   * segment, hop), as in the problem documents it writes itself. For a refusal of the function's
   * own, build the problem with {@link ChainProblem#builder(String, int, String)}:
   *
   * <pre>{@code
   * return ChainReply.problem(ChainProblem.builder("order.quantity_out_of_range", 422,
   *     "a line's quantity must be 1 to 1000").field("lines[3].quantity").build());
   * }</pre>
   */
  public static ChainReply problem(ChainProblem problem) {
    return new ChainReply(problem.status(), problem, ChainHeaders.PROBLEM_JSON, null);
  }

  /** A {@code 200} reply with {@code body}. */
  public static ChainReply ok(Object body) {
    return status(200, body);
  }

  /** A copy of this reply with an explicit content type. */
  public ChainReply withContentType(String contentType) {
    if (relayed != null) {
      throw new IllegalStateException("a relayed downstream reply is sent unchanged");
    }
    return new ChainReply(status, body, Objects.requireNonNull(contentType, "contentType"), null);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The explicit content type, or for a relayed reply the downstream one, if any. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** Whether this reply is a downstream answer being relayed (returned by {@link Forwarder#forward}). */
  public boolean isRelayed() {
    return relayed != null;
  }

  @Override
  public String toString() {
    return "ChainReply{" + status + (relayed != null ? ", relayed" : "")
        + (contentType != null ? ", " + contentType : "") + '}';
  }
}
