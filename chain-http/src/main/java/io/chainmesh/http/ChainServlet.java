package io.chainmesh.http;

import io.chainmesh.http.internal.ServletHttpExchange;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * The door into existing Jakarta Servlet 6 containers (Jetty 12, Tomcat 10.1+, ...): a servlet
 * that serves a {@link ChainHop} through the same pipeline as {@link ChainServer}. Map it to the
 * path your resolver's URLs point at; it serves every HTTP method.
 *
 * <pre>{@code
 * context.addServlet(new ServletHolder(new ChainServlet(hop)), "/chain/*");
 * }</pre>
 *
 * <p>The servlet does not own the hop: close the hop when the application stops.
 */
public final class ChainServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ChainHop hop;

  /** A servlet serving {@code hop}. */
  public ChainServlet(ChainHop hop) {
    this.hop = Objects.requireNonNull(hop, "hop");
  }

  /**
   * Every method goes through the hop pipeline; refusals and failures are problem documents.
   *
   * @throws IOException only when the answer broke off after its head was sent, so that the
   *     container drops the connection instead of completing a short answer
   */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ServletHttpExchange door = new ServletHttpExchange(request, response);
    hop.handle(door);
    if (door.cutOff()) {
      throw new IOException("the answer broke off mid-body; dropping the connection");
    }
  }
}
