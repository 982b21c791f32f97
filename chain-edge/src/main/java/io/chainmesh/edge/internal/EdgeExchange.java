package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.RequestAdmission;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request at the edge, whichever door it came through ({@link JdkEdgeExchange} on the JDK
 * server, {@link ServletEdgeExchange} in a servlet container): header lookup (case-insensitive), a
 * bounded body, and a response that is sent at most once, from whichever thread answers (the
 * request's own, a reply delivery's, or a timeout's). Sending ends the exchange.
 */
public abstract class EdgeExchange {
  private final AtomicBoolean answered = new AtomicBoolean();

  /** For the doors. */
  protected EdgeExchange() {}

  /** The first value of a request header, by case-insensitive name, or null. */
  public abstract String header(String name);

  /** The request method, as sent. */
  public abstract String method();

  /** The request's raw (still percent-encoded) path. */
  public abstract String rawPath();

  /**
   * The whole request body, held in {@code memory} until the result is closed. A declared length
   * over {@code max} is refused before a byte is read.
   *
   * @throws ChainException {@link Reason#LIMITS_BODY} above {@code max} bytes, {@link Reason#HOP_UNAVAILABLE}
   *     when {@code memory} is exhausted, {@link Reason#BODY_MALFORMED} when it ends early
   * @throws IOException when the body cannot be read: broken framing, or the client went away
   */
  public abstract BodyMemory.Held readBody(long max, BodyMemory memory) throws IOException;

  /** Whether a response has been sent (or is being sent). */
  public final boolean isAnswered() {
    return answered.get();
  }

  /**
   * Sends the response and ends the exchange; does nothing if a response was already sent.
   *
   * @return whether this call sent it
   */
  public final boolean respond(int status, String contentType, byte[] body, Map<String, String> headers) {
    if (!answered.compareAndSet(false, true)) {
      return false;
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (contentType != null && body.length > 0) {
      out.put("Content-Type", contentType);
    }
    out.putAll(headers);
    if (RequestAdmission.retryLater(status, contentType)) {
      out.put("Retry-After", RequestAdmission.RETRY_AFTER_SECONDS);
    }
    boolean noBody = body.length == 0 || status == 204 || status == 304 || "HEAD".equals(method());
    send(status, out, noBody ? null : body);
    return true;
  }

  /** Sends {@code problem} as {@code application/problem+json}. */
  public final boolean respond(ChainProblem problem) {
    return respond(problem.status(), ChainHeaders.PROBLEM_JSON, problem.toJson(), Map.of());
  }

  /**
   * Writes the answer and ends the exchange, whatever happens; called once. A client that went
   * away is not an error.
   *
   * @param body null for an answer without a body
   */
  protected abstract void send(int status, Map<String, String> headers, byte[] body);

  /**
   * Whether the connection must be dropped rather than kept for another request: the request's
   * framing broke the server's own reading of it. False unless a door says otherwise.
   */
  public boolean dropConnection() {
    return false;
  }
}
