package io.chainmesh.edge.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.JdkHttpExchange;
import io.chainmesh.http.internal.Outgoing;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A request at the edge on the JDK server. Sending closes the exchange. */
public final class JdkEdgeExchange extends EdgeExchange {
  private static final Logger log = LoggerFactory.getLogger(JdkEdgeExchange.class);

  private final HttpExchange exchange;
  private volatile boolean dropConnection;

  /** Wraps {@code exchange}. */
  public JdkEdgeExchange(HttpExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  @Override
  public String method() {
    return exchange.getRequestMethod();
  }

  @Override
  public String rawPath() {
    return exchange.getRequestURI().getRawPath();
  }

  @Override
  public BodyMemory.Held readBody(long max, BodyMemory memory) throws IOException {
    // Not closed here: closing drains what the client has not sent yet (the JDK reads up to 64 KiB),
    // which would hold back the refusal of a declared oversize until the client sent or gave up.
    // The exchange closes it after the answer is out.
    return memory.read(exchange.getRequestBody(), JdkHttpExchange.declaredLength(exchange), max);
  }

  @Override
  protected void send(int status, Map<String, String> headers, byte[] body) {
    try {
      Headers out = exchange.getResponseHeaders();
      headers.forEach(out::set);
      exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
      if (body != null) {
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
  }

  /**
   * Whether the request's framing broke the JDK server's own reading of it. The handler then
   * throws, which is how the JDK server is told to close a connection.
   */
  @Override
  public boolean dropConnection() {
    return dropConnection;
  }
}
