package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting and stopping the edge. */
class EdgeLifecycleTest {
  private static final String CATALOGUE = """
      services: [upper]
      chains:
        - {name: a, match: POST /a, segments: [upper]}
      """;

  private final EdgeTestKit kit = new EdgeTestKit();

  @AfterEach
  void stopEverything() {
    kit.close();
  }

  private static boolean edgeThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("chainmesh-edge"));
  }

  @Test
  void closeReleasesThePortAndTheEdgesThreads() {
    kit.hop("upper", new TestFunctions.Upper());
    ChainEdge edge = kit.edge(CATALOGUE, b -> b.adminPort(0).catalogueWatch(Duration.ofMillis(50)));
    assertEquals("X", kit.post(edge, "/a", "x").body());
    int port = edge.port();

    edge.close();

    assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    EdgeTestKit.await("the edge's threads end", () -> !edgeThreadsAlive());
  }

  @Test
  void aClockSkewBeyondWhatHopsAcceptIsRefusedAsForAHop() {
    ChainEdge.Builder b = ChainEdge.builder().catalogue(kit.write(CATALOGUE)).keys(EdgeTestKit.KEYS)
        .resolver(kit.resolver()).loopback().port(0).clockSkew(Duration.ofMinutes(6));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::start);
    assertTrue(e.getMessage().contains("clock skew"), e.getMessage());
  }

  @Test
  void startWithoutKeysFailsSayingHowToGetThem() {
    ChainEdge.Builder b = ChainEdge.builder().catalogue(kit.write(CATALOGUE)).resolver(kit.resolver());

    IllegalStateException e = assertThrows(IllegalStateException.class, b::start);

    assertTrue(e.getMessage().contains("KeyRing.fromEnv(\"CHAIN_KEYS\")"), e::getMessage);
  }

  @Test
  void startWithAnInvalidCatalogueFailsWithItsProblems() {
    Path file = kit.write(CATALOGUE.replace("segments: [upper]", "segments: [nope]"));
    ChainEdge.Builder b = ChainEdge.builder().catalogue(file)
        .keys(EdgeTestKit.KEYS).resolver(kit.resolver()).loopback().port(0);

    CatalogueException e = assertThrows(CatalogueException.class, b::start);

    assertEquals("chains[0].segments[0].service", e.problems().get(0).field());
  }

  @Test
  void catalogueWithoutUrlsNeedsAResolver() {
    ChainEdge.Builder b = ChainEdge.builder().catalogue(kit.write(CATALOGUE)).keys(EdgeTestKit.KEYS)
        .loopback().port(0);

    CatalogueException e = assertThrows(CatalogueException.class, b::start);

    assertTrue(e.getMessage().contains("no resolver was given"), e::getMessage);
  }
}
