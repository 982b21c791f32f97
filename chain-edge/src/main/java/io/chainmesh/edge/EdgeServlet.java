package io.chainmesh.edge;

import io.chainmesh.edge.internal.ServletEdgeExchange;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;

/**
 * The edge in an existing Jakarta Servlet 6 container (Jetty 12, Tomcat 10.1+, ...): a servlet that
 * serves a {@link ChainEdge} started with {@link ChainEdge.Builder#startForServlet()}, through the
 * same pipeline as the edge's own server. Map it to {@code /*} (the catalogue matches the request's
 * whole path) with async support on, so that a client waiting for an asynchronous chain holds no
 * container thread; without async support such a client holds one until it is answered.
 *
 * <pre>{@code
 * ChainEdge edge = ChainEdge.builder().catalogue(Path.of("chains.yaml")).keys(keys).startForServlet();
 * ServletHolder holder = new ServletHolder(new EdgeServlet(edge));
 * holder.setAsyncSupported(true);
 * context.addServlet(holder, "/*");
 * }</pre>
 *
 * <p>The servlet does not own the edge: close the edge when the application stops. The container's
 * own limits (threads, request size, slow clients) apply in place of {@link ChainEdge.Builder#maxThreads}
 * and the JDK server's properties.
 */
public final class EdgeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ChainEdge edge;

  /** A servlet serving {@code edge}. */
  public EdgeServlet(ChainEdge edge) {
    this.edge = Objects.requireNonNull(edge, "edge");
  }

  /** The edge served. */
  public ChainEdge edge() {
    return edge;
  }

  /** Every method goes through the edge; refusals and failures are problem documents. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    ServletEdgeExchange exchange = new ServletEdgeExchange(request, response);
    edge.serve(exchange);
    try {
      exchange.awaitAnswer();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
