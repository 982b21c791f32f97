package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reloading the catalogue without a restart: by call, by file watch and by the admin endpoint. */
class CatalogueReloadTest {
  private static final String FIRST = """
      services: [upper, exclaim, slow]
      chains:
        - {name: a, match: POST /a, segments: [upper]}
        - {name: slow, match: POST /slow, segments: [slow, upper]}
      """;
  private static final String SECOND = """
      services: [upper, exclaim, slow]
      chains:
        - {name: b, match: POST /b, segments: [exclaim]}
      """;
  private static final String INVALID = """
      services: [upper, exclaim, slow]
      chains:
        - {name: b, match: POST /b, segments: [nope]}
      """;

  private final EdgeTestKit kit = new EdgeTestKit();
  private Path file;

  // Not the common pool: Java 25's CompletableFuture uses it however small (1 thread on 2 cores).
  private final ExecutorService background = Executors.newCachedThreadPool();

  @BeforeEach
  void startHops() {
    kit.hop("upper", new TestFunctions.Upper());
    kit.hop("exclaim", new TestFunctions.Exclaim());
    kit.hop("slow", new TestFunctions.Slow());
    file = kit.write(FIRST);
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    kit.close();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void reloadPutsAValidNewCatalogueInForce() {
    ChainEdge edge = kit.edge(file, b -> b);
    EdgeTestKit.rewrite(file, SECOND);

    Catalogue now = edge.reload();

    assertEquals(List.of("b"), now.chainNames());
    assertEquals("x!", kit.post(edge, "/b", "x").body());
    assertEquals(404, kit.post(edge, "/a", "x").status());
    assertEquals(1, edge.stats().catalogueReloads());
  }

  @Test
  void reloadOfAnInvalidCatalogueKeepsTheOldOne() {
    ChainEdge edge = kit.edge(file, b -> b);
    EdgeTestKit.rewrite(file, INVALID);

    CatalogueException e = assertThrows(CatalogueException.class, edge::reload);

    assertEquals(3, e.problems().get(0).line(), e::getMessage);
    assertEquals(List.of("a", "slow"), edge.catalogue().chainNames());
    assertEquals("X", kit.post(edge, "/a", "x").body());
    assertEquals(1, edge.stats().catalogueReloadsRejected());
  }

  @Test
  void changedCatalogueFileIsReloadedByTheWatch() {
    ChainEdge edge = kit.edge(file, b -> b.catalogueWatch(Duration.ofMillis(50)));

    EdgeTestKit.rewrite(file, SECOND);

    EdgeTestKit.await("the watch reloads", () -> edge.catalogue().chainNames().equals(List.of("b")));
    assertEquals("x!", kit.post(edge, "/b", "x").body());
  }

  @Test
  void watchKeepsTheOldCatalogueWhenTheFileBecomesInvalid() {
    ChainEdge edge = kit.edge(file, b -> b.catalogueWatch(Duration.ofMillis(50)));

    EdgeTestKit.rewrite(file, INVALID);

    EdgeTestKit.await("the watch rejects the file", () -> edge.stats().catalogueReloadsRejected() == 1);
    assertEquals("X", kit.post(edge, "/a", "x").body());
  }

  @Test
  void chainsInFlightFinishUnderTheCatalogueTheyStartedWith() throws Exception {
    ChainEdge edge = kit.edge(file, b -> b);
    CompletableFuture<EdgeTestKit.Answer> inFlight = CompletableFuture.supplyAsync(() -> kit.post(edge, "/slow", "x"), background);
    EdgeTestKit.await("the slow chain has started", () -> edge.stats().chainsStarted() == 1);

    EdgeTestKit.rewrite(file, SECOND);
    edge.reload();

    EdgeTestKit.Answer answer = inFlight.get(5, TimeUnit.SECONDS);
    assertEquals(200, answer.status(), answer::toString);
    assertEquals("X", answer.body());
    assertEquals(404, kit.post(edge, "/slow", "x").status());
  }

  @Test
  void adminEndpointReloadsTheCatalogue() {
    ChainEdge edge = kit.edge(file, b -> b.adminPort(0));
    EdgeTestKit.rewrite(file, SECOND);

    EdgeTestKit.Answer answer = kit.call(edge.adminUri().orElseThrow().resolve("/reload"), "POST", "");

    assertEquals(200, answer.status(), answer::toString);
    assertTrue(answer.body().contains("\"chains\":[\"b\"]"), answer::body);
    assertEquals(List.of("b"), edge.catalogue().chainNames());
  }

  @Test
  void adminEndpointReportsEveryProblemOfARejectedCatalogue() {
    ChainEdge edge = kit.edge(file, b -> b.adminPort(0));
    EdgeTestKit.rewrite(file, INVALID);

    EdgeTestKit.Answer answer = kit.call(edge.adminUri().orElseThrow().resolve("/reload"), "POST", "");

    assertEquals(422, answer.status(), answer::toString);
    assertTrue(answer.body().contains("unknown service \\\"nope\\\""), answer::body);
    assertTrue(kit.call(edge.adminUri().orElseThrow().resolve("/stats"), "GET", null).body()
        .contains("\"catalogueReloadsRejected\":1"));
  }

  @Test
  void edgeBuiltFromACatalogueObjectCannotReload() {
    ChainEdge edge = ChainEdge.builder().catalogue(Catalogue.loader().resolver(kit.resolver()).parse(FIRST, "mem"))
        .keys(EdgeTestKit.KEYS).resolver(kit.resolver()).loopback().port(0).stopGrace(Duration.ZERO).start();
    try {
      assertThrows(IllegalStateException.class, edge::reload);
    } finally {
      edge.close();
    }
  }
}
