package io.chainmesh.edge.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.internal.RequestAdmission;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.JdkHttpExchange;
import io.chainmesh.http.internal.Outgoing;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request at the edge, on the JDK server: header lookup (case-insensitive), a bounded body, and
 * a response that is sent at most once, from whichever thread answers (the request's own, a reply
 * delivery's, or a timeout's). Sending closes the exchange.
 */
public final class EdgeExchange {
  private static final Logger log = LoggerFactory.getLogger(EdgeExchange.class);

  private final HttpExchange exchange;
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile boolean dropConnection;

  /** Wraps {@code exchange}. */
  public EdgeExchange(HttpExchange exchange) {
    this.exchange = exchange;
  }

  /** The first value of a request header, by case-insensitive name, or null. */
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** The request method, as sent. */
  public String method() {
    return exchange.getRequestMethod();
  }

  /** The request's raw (still percent-encoded) path. */
  public String rawPath() {
    return exchange.getRequestURI().getRawPath();
  }

  /**
   * The whole request body, held in {@code memory} until the result is closed. A declared length
   * over {@code max} is refused before a byte is read.
   *
   * @throws ChainException {@link Reason#LIMITS_BODY} above {@code max} bytes, {@link Reason#HOP_UNAVAILABLE}
   *     when {@code memory} is exhausted, {@link Reason#BODY_MALFORMED} when it ends early
   * @throws IOException when the body cannot be read: broken framing, or the client went away
   */
  public BodyMemory.Held readBody(long max, BodyMemory memory) throws IOException {
    // Not closed here: closing drains what the client has not sent yet (the JDK reads up to 64 KiB),
    // which would hold back the refusal of a declared oversize until the client sent or gave up.
    // The exchange closes it after the answer is out.
    return memory.read(exchange.getRequestBody(), JdkHttpExchange.declaredLength(exchange), max);
  }

  /** Whether a response has been sent (or is being sent). */
  public boolean isAnswered() {
    return answered.get();
  }

  /**
   * Sends the response and closes the exchange; does nothing if a response was already sent.
   *
   * @return whether this call sent it
   */
  public boolean respond(int status, String contentType, byte[] body, Map<String, String> headers) {
    if (!answered.compareAndSet(false, true)) {
      return false;
    }
    try {
      Headers out = exchange.getResponseHeaders();
      if (contentType != null && body.length > 0) {
        out.set("Content-Type", contentType);
      }
      headers.forEach(out::set);
      if (RequestAdmission.retryLater(status, contentType)) {
        out.set("Retry-After", RequestAdmission.RETRY_AFTER_SECONDS);
      }
      boolean noBody = body.length == 0 || status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream os = exchange.getResponseBody()) {
          Outgoing.writeInSlices(os, body);
        }
      }
    } catch (IOException e) {
      log.debug("chainmesh edge: the client went away before its answer was sent ({})", e.toString());
    } catch (IndexOutOfBoundsException e) {
      // Once the answer is out, the JDK server drains what is left of the request body; a chunk size
      // that overflows its parser (8+ hex digits) makes that throw. The answer was flushed first.
      log.debug("chainmesh edge: the request's chunked framing is broken; dropping the connection");
      dropConnection = true;
    } finally {
      exchange.close();
    }
    return true;
  }

  /**
   * Whether the connection must be dropped rather than kept for another request: the request's
   * framing broke the JDK server's own reading of it. The handler then throws, which is how the JDK
   * server is told to close a connection.
   */
  public boolean dropConnection() {
    return dropConnection;
  }

  /** Sends {@code problem} as {@code application/problem+json}. */
  public boolean respond(ChainProblem problem) {
    return respond(problem.status(), ChainHeaders.PROBLEM_JSON, problem.toJson(), Map.of());
  }
}
