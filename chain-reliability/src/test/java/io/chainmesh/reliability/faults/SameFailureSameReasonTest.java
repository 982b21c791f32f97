package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainProblem;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hops, the edge and {@code ChainClient} send through one sender, so a peer that fails in a given
 * way gets the same reason code whoever sent to it: a hop forwarding to it, an edge or a
 * {@code ChainClient} starting a chain at it.
 */
class SameFailureSameReasonTest {
  private static final int MAX_ANSWER = 1024;
  /** a → b for a hop's view of b; b alone for an edge's view of b as the first hop. */
  private static final String CATALOGUE = """
      services: [a, b]
      chains:
        - name: ab
          match: POST /ab
          segments: [a/append, b/append]
        - name: b
          match: POST /b
          segments: [b/append]
      """;

  private LoopbackDomain domain;
  private ChainEdge edge;
  private ChainClient client;

  @BeforeEach
  void startDomain() {
    domain = new LoopbackDomain();
    domain.hop("a", new TextFunctions.Append());
    edge = domain.edge(CATALOGUE, UnaryOperator.identity());
    client = ChainClient.builder(LoopbackDomain.KEYS, domain.resolver()).httpClient(domain.ownedClient())
        .maxResponseBytes(MAX_ANSWER).build();
  }

  @AfterEach
  void closeDomain() {
    client.close();
    domain.close();
  }

  @Test
  void anAnswerThatIsNotHttpIsBadResponseThroughHopEdgeAndClient() {
    b(MisbehavingHop.answers("SSH-2.0-OpenSSH_9.6\r\n\r\n"));

    assertEquals("next_hop.bad_response", throughHop());
    assertEquals("next_hop.bad_response", throughEdge(edge));
    assertEquals("next_hop.bad_response", throughClient());
  }

  @Test
  void anAnswerOverTheLimitIsBadResponseThroughEdgeAndClient() {
    String big = "y".repeat(MAX_ANSWER + 1);
    b(MisbehavingHop.answers("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + big.length()
        + "\r\nConnection: close\r\n\r\n" + big));
    ChainEdge small = domain.edge(CATALOGUE, e -> e.maxBodyBytes(MAX_ANSWER));

    assertEquals("next_hop.bad_response", throughEdge(small));
    assertEquals("next_hop.bad_response", throughClient());
  }

  @Test
  void aRefusedConnectionIsUnreachableThroughHopEdgeAndClient() {
    domain.route("b", LoopbackDomain.unusedAddress());

    assertEquals("next_hop.unreachable", throughHop());
    assertEquals("next_hop.unreachable", throughEdge(edge));
    assertEquals("next_hop.unreachable", throughClient());
  }

  private void b(MisbehavingHop.Conduct conduct) {
    MisbehavingHop b = MisbehavingHop.start(conduct);
    domain.push(b);
    domain.route("b", b.uri());
  }

  /** Hop a's reason for not reaching b, as the edge passes it on. */
  private String throughHop() {
    LoopbackDomain.Answer answer = domain.post(edge, "/ab", "x");
    ChainProblem problem = answer.problem();
    assertEquals("a-node", problem.hop().orElseThrow(), answer::toString);
    return problem.reasonCode();
  }

  /** The edge's reason for not reaching its first hop b. */
  private String throughEdge(ChainEdge e) {
    LoopbackDomain.Answer answer = domain.post(e, "/b", "x");
    ChainProblem problem = answer.problem();
    assertEquals("edge-node", problem.hop().orElseThrow(), answer::toString);
    return problem.reasonCode();
  }

  /** {@code ChainClient}'s reason for not reaching its first hop b. */
  private String throughClient() {
    ChainDescriptor chain = ChainDescriptor.builder().segment(Segment.of("b", "append")).build();
    return assertThrows(ChainException.class, () -> client.send(chain, "x", "text/plain")).reason().code();
  }
}
