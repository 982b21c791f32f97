package io.chainmesh.http.faults;

import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A hop behind the servlet door: a {@link ChainServlet} mapped to {@code /*} in an embedded Jetty 12
 * on a loopback port. Closing it stops Jetty and closes the hop.
 */
public final class JettyDoor implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final ChainHop hop;

  private JettyDoor(ChainHop hop) throws Exception {
    this.hop = hop;
    this.server = new Server();
    this.connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new ChainServlet(hop)), "/*");
    server.setHandler(context);
    server.start();
  }

  /** Serves {@code hop} in a started Jetty. */
  public static JettyDoor serve(ChainHop hop) {
    try {
      return new JettyDoor(hop);
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not start", e);
    }
  }

  /** The hop served. */
  public ChainHop hop() {
    return hop;
  }

  /** {@code http://127.0.0.1:port/}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      hop.close();
    }
  }
}
