package io.chainmesh.http.internal;

import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.core.ChainHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The embedded server's door: a JDK {@link HttpExchange} as a {@link HopExchange}. */
public final class JdkHttpExchange implements HopExchange {
  private final HttpExchange exchange;
  private boolean cutOff;

  /** Adapts {@code exchange}. */
  public JdkHttpExchange(HttpExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  @Override
  public int headerCount(String name) {
    java.util.List<String> values = exchange.getRequestHeaders().get(name);
    return values == null ? 0 : values.size();
  }

  @Override
  public long contentLength() {
    return declaredLength(exchange);
  }

  /**
   * The body length {@code exchange}'s framing declares, or -1 when unknown (chunked). The JDK server
   * refuses, before any handler runs, a request whose {@code Content-Length} is not one decimal number
   * or comes with {@code Transfer-Encoding}.
   */
  public static long declaredLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public InputStream body() {
    return exchange.getRequestBody();
  }

  @Override
  public void respond(Outgoing response) throws IOException {
    if (response.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
    }
    if (response.route() != null) {
      exchange.getResponseHeaders().set(ChainHeaders.ROUTE, response.route());
    }
    if (RequestAdmission.retryLater(response.status(), response.contentType())) {
      exchange.getResponseHeaders().set("Retry-After", RequestAdmission.RETRY_AFTER_SECONDS);
    }
    long length = response.length();
    boolean noBody = length == 0 || response.status() == 204 || response.status() == 304;
    try {
      // JDK HttpServer: -1 means no body, 0 means chunked.
      exchange.sendResponseHeaders(response.status(), noBody ? -1 : (length < 0 ? 0 : length));
    } catch (IndexOutOfBoundsException e) {
      brokenRequestFraming(response);
      return;
    }
    if (noBody) {
      response.close();
      return;
    }
    OutputStream out = exchange.getResponseBody();
    try {
      response.writeTo(out);
    } catch (IOException e) {
      // Not out.close(): on a chunked answer it would write the last chunk and pass the cut-off
      // answer off as whole. The server must drop the connection instead (see cutOff()).
      cutOff = true;
      throw e;
    }
    try {
      out.close();
    } catch (IndexOutOfBoundsException e) {
      brokenRequestFraming(response);
    }
  }

  /**
   * Once the answer is out, the JDK server drains what is left of the request body; a chunk size that
   * overflows its parser (8+ hex digits) makes that throw. The answer was flushed first: the
   * connection is dropped, as for a cut-off answer.
   */
  private void brokenRequestFraming(Outgoing response) {
    response.close();
    cutOff = true;
  }

  /**
   * Whether the answer broke off after its head was sent (the next hop or the caller failed
   * mid-body), or the request's broken framing broke the server's reading of it. The exchange must
   * then not be closed normally but the connection dropped, so the caller sees a failed read rather
   * than a short answer or a wait for bytes that never come.
   */
  public boolean cutOff() {
    return cutOff;
  }
}
