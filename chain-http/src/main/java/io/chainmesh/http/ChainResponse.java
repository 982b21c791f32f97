package io.chainmesh.http;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.RouteRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The answer to a chain started with {@link ChainClient}: status, content type and body as the
 * answering hop sent them, the verified final descriptor with its record route, and the problem
 * document when the chain failed. Immutable.
 */
public final class ChainResponse {
  private final int status;
  private final String contentType;
  private final byte[] body;
  private final ChainDescriptor finalDescriptor;

  ChainResponse(int status, String contentType, byte[] body, ChainDescriptor finalDescriptor) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.finalDescriptor = finalDescriptor;
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
   * empty if the answer carried none (a refusal before any descriptor was verified) or it failed
   * verification.
   */
  public Optional<ChainDescriptor> finalDescriptor() {
    return Optional.ofNullable(finalDescriptor);
  }

  /** The record route: one record per hop that served a segment, in order; empty without a route. */
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
        + " bytes, route=" + route() + '}';
  }
}
