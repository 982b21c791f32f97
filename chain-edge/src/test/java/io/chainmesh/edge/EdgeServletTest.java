package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.Reason;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge behind the servlet door (an {@link EdgeServlet} in Jetty 12) runs the same pipeline as
 * behind its own server: chains start and are answered, asynchronous replies are delivered to the
 * servlet, and the edge's refusals are the same problem documents.
 */
class EdgeServletTest {
  private static final String CATALOGUE = """
      services: [upper, exclaim, reverse]
      chains:
        - name: shout
          match: POST /shout
          segments: [upper, exclaim, reverse]
        - name: shout-later
          match: POST /later
          segments: [upper, exclaim, reverse]
          returnMode: async
      """;

  private final EdgeTestKit kit = new EdgeTestKit();
  private final List<Server> jetties = new ArrayList<>();
  private ChainEdge edge;

  @BeforeEach
  void startHops() {
    kit.hop("upper", new TestFunctions.Upper());
    kit.hop("exclaim", new TestFunctions.Exclaim());
    kit.hop("reverse", new TestFunctions.Reverse());
    edge = ChainEdge.builder().catalogue(kit.write(CATALOGUE)).keys(EdgeTestKit.KEYS).resolver(kit.resolver())
        .nodeId("edge-node").catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO).maxBodyBytes(1024)
        .startForServlet();
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (Server jetty : jetties) {
      jetty.stop();
    }
    edge.close();
    kit.close();
  }

  @Test
  void aSyncChainStartedThroughTheServletAnswersTheClient() throws Exception {
    URI door = jetty(true);

    EdgeTestKit.Answer answer = kit.call(door.resolve("/shout"), "POST", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
    assertEquals(1, edge.stats().chainsStarted());
  }

  @Test
  void anAsyncChainsReplyDeliveredToTheServletAnswersTheWaitingClient() throws Exception {
    URI door = jetty(true);
    kit.route(ChainEdge.DEFAULT_REPLY_TO_SERVICE, door);

    EdgeTestKit.Answer answer = kit.call(door.resolve("/later"), "POST", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
    assertEquals(1, edge.stats().repliesAccepted());
  }

  @Test
  void withoutAsyncSupportTheContainerThreadWaitsForTheReply() throws Exception {
    URI door = jetty(false);
    kit.route(ChainEdge.DEFAULT_REPLY_TO_SERVICE, door);

    EdgeTestKit.Answer answer = kit.call(door.resolve("/later"), "POST", "hello");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("!OLLEH", answer.body());
  }

  @Test
  void aRequestNoChainMatchesIsRefusedWithTheSameProblem() throws Exception {
    URI door = jetty(true);

    EdgeTestKit.Answer answer = kit.call(door.resolve("/nowhere"), "POST", "hello");

    assertEquals(404, answer.status(), answer::toString);
    assertEquals(Reason.EDGE_NO_ROUTE.code(), answer.reason());
  }

  @Test
  void aBodyOverTheLimitIsRefusedWithTheSameProblem() throws Exception {
    URI door = jetty(true);

    EdgeTestKit.Answer answer = kit.call(door.resolve("/shout"), "POST", "x".repeat(2048));

    assertEquals(413, answer.status(), answer::toString);
    assertEquals(Reason.LIMITS_BODY.code(), answer.reason());
    assertEquals(0, edge.stats().chainsStarted());
  }

  @Test
  void anEdgeStartedForAServletHasNoAddressOfItsOwn() {
    assertThrows(IllegalStateException.class, edge::uri);
  }

  /** The edge behind an {@link EdgeServlet} mapped to {@code /*} in a Jetty on a loopback port. */
  private URI jetty(boolean asyncSupported) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder(new EdgeServlet(edge));
    holder.setAsyncSupported(asyncSupported);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    server.start();
    jetties.add(server);
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }
}
