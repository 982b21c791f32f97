package io.chainmesh.edge.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chainmesh.edge.Catalogue;
import io.chainmesh.edge.CatalogueException;
import io.chainmesh.edge.EdgeStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The edge's admin door, on the loopback interface only and on its own port, so that it is never
 * reachable where clients are: {@code POST /reload} reloads the catalogue (200 with the chains, or 422
 * with every problem, the old catalogue staying in force), {@code GET /stats} shows the counters.
 */
public final class AdminEndpoint implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;

  private AdminEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds loopback {@code port} (0 for any free one) and starts serving.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static AdminEndpoint start(int port, Executor executor, Supplier<Catalogue> reload,
      Supplier<EdgeStats> stats) {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the edge's admin endpoint to " + address, e);
    }
    server.setExecutor(executor);
    server.createContext("/reload", exchange -> {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
          send(exchange, 405, error("use POST /reload"));
          return;
        }
        try {
          Catalogue c = reload.get();
          ObjectNode o = JSON.createObjectNode();
          o.put("catalogue", c.source());
          ArrayNode chains = o.putArray("chains");
          c.chainNames().forEach(chains::add);
          send(exchange, 200, o);
        } catch (IllegalStateException e) {
          send(exchange, 409, error(e.getMessage()));
        } catch (CatalogueException e) {
          ObjectNode o = error("the catalogue does not load; the previous one stays in force");
          ArrayNode problems = o.putArray("problems");
          e.problems().forEach(p -> problems.add(p.toString()));
          send(exchange, 422, o);
        }
      }
    });
    server.createContext("/stats", exchange -> {
      try (exchange) {
        EdgeStats s = stats.get();
        ObjectNode o = JSON.createObjectNode();
        o.put("chainsStarted", s.chainsStarted());
        o.put("parkedRequests", s.parkedRequests());
        o.put("parkingRefused", s.parkingRefused());
        o.put("asyncTimeouts", s.asyncTimeouts());
        o.put("repliesAccepted", s.repliesAccepted());
        o.put("repliesForged", s.repliesForged());
        o.put("repliesLate", s.repliesLate());
        o.put("repliesUnknown", s.repliesUnknown());
        o.put("transitUnproven", s.transitUnproven());
        o.put("catalogueReloads", s.catalogueReloads());
        o.put("catalogueReloadsRejected", s.catalogueReloadsRejected());
        o.put("bodyBytesHeld", s.bodyBytesHeld());
        send(exchange, 200, o);
      }
    });
    server.start();
    return new AdminEndpoint(server);
  }

  /** {@code http://127.0.0.1:port/}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
  }

  private static ObjectNode error(String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", message);
    return o;
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  /** Stops the admin server. */
  @Override
  public void close() {
    server.stop(0);
  }
}
