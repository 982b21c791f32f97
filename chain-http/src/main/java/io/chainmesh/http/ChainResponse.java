package io.chainmesh.http;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The answer to a chain started with {@link ChainClient}: status, content type and body as the
 * answering hop sent them, the verified final descriptor with its record route, and the problem
 * document when the chain failed. Immutable.
 *
 * <p>Check {@link #routeStatus()} before trusting an empty {@link #route()}: an answer without a
 * route and an answer whose route was forged both have none, and only the second is an attack.
 */
public final class ChainResponse {
  /** What became of the answer's {@code Chain-Route} header. */
  public enum RouteStatus {
    /** The answer's route verified with the client's keys and belongs to the chain that was sent. */
    VERIFIED,
    /**
     * The answer carried no route: a refusal before any hop verified the descriptor, or something
     * that is not a hop answered.
     */
    ABSENT,
    /**
     * The answer carried a route that was refused: forged, tampered with, signed with a key the
     * client does not hold, malformed, or the route of another chain. {@link #routeRefusal()}
     * says why; nothing of it is exposed.
     */
    REFUSED
  }

  private final int status;
  private final String contentType;
  private final byte[] body;
  private final ChainDescriptor finalDescriptor;
  private final Reason routeRefusal;

  /** An answer with a verified route, or without one (then {@code routeRefusal} says whether one was refused). */
  ChainResponse(int status, String contentType, byte[] body, ChainDescriptor finalDescriptor, Reason routeRefusal) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.finalDescriptor = finalDescriptor;
    this.routeRefusal = finalDescriptor == null ? routeRefusal : null;
  }

  /** The HTTP status of the chain's answer. */
  public int status() {
    return status;
  }

  /** The answer's content type, if any. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** The answer's body; a copy. */
  public byte[] body() {
    return body.clone();
  }

  /** The answer's body as UTF-8 text. */
  public String bodyString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The final descriptor from the {@code Chain-Route} header, verified with the client's keys;
   * empty unless {@link #routeStatus()} is {@link RouteStatus#VERIFIED}.
   */
  public Optional<ChainDescriptor> finalDescriptor() {
    return Optional.ofNullable(finalDescriptor);
  }

  /** Whether the answer's route verified, was absent, or was refused. */
  public RouteStatus routeStatus() {
    return finalDescriptor != null ? RouteStatus.VERIFIED
        : routeRefusal != null ? RouteStatus.REFUSED : RouteStatus.ABSENT;
  }

  /**
   * Why the answer's route was refused ({@code integrity.bad_mac}, {@code integrity.unknown_key},
   * {@code descriptor.malformed}, {@code transit.unproven} for another chain's route, ...); empty
   * unless {@link #routeStatus()} is {@link RouteStatus#REFUSED}.
   */
  public Optional<Reason> routeRefusal() {
    return Optional.ofNullable(routeRefusal);
  }

  /**
   * The verified record route: one record per hop that served a segment, in order; empty unless
   * {@link #routeStatus()} is {@link RouteStatus#VERIFIED}.
   */
  public List<RouteRecord> route() {
    return finalDescriptor == null ? List.of() : finalDescriptor.route();
  }

  /** The problem document, if the answer is one. */
  public Optional<ChainProblem> problem() {
    if (contentType == null || !contentType.startsWith("application/problem+json")) {
      return Optional.empty();
    }
    return ChainProblem.parse(body);
  }

  @Override
  public String toString() {
    return "ChainResponse{" + status + (contentType != null ? ", " + contentType : "") + ", " + body.length
        + " bytes, route " + (routeRefusal != null ? "refused (" + routeRefusal + ")"
            : finalDescriptor == null ? "absent" : route().toString()) + '}';
  }
}
