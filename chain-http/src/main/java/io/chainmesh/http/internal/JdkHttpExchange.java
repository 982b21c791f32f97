package io.chainmesh.http.internal;

import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.core.ChainHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The embedded server's door: a JDK {@link HttpExchange} as a {@link HopExchange}. */
public final class JdkHttpExchange implements HopExchange {
  private final HttpExchange exchange;

  /** Adapts {@code exchange}. */
  public JdkHttpExchange(HttpExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  @Override
  public long contentLength() {
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
    long length = response.length();
    boolean noBody = length == 0 || response.status() == 204 || response.status() == 304;
    // JDK HttpServer: -1 means no body, 0 means chunked.
    exchange.sendResponseHeaders(response.status(), noBody ? -1 : (length < 0 ? 0 : length));
    if (noBody) {
      response.close();
      return;
    }
    try (OutputStream out = exchange.getResponseBody()) {
      response.writeTo(out);
    }
  }
}
