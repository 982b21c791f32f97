package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chainmesh.edge.Catalogue;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.SegmentResolver;
import io.chainmesh.reliability.faults.LogCapture;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Threat "insecure defaults" (brief §4; issue 13 item 9): an edge that hands every client its
 * chain's signed {@code Chain-Route} — the material to replay a served segment — must not go to
 * production unnoticed. {@code exposeRoute(true)} is for development, and the edge tells it by where
 * it listens: on loopback only this machine's clients read the route; bound anywhere else (all
 * interfaces, the default) the edge logs a WARN at start.
 */
class RouteExposureAttackTest {
  private static final String WARNING = "exposeRoute is on";
  private static final SegmentResolver RESOLVER =
      SegmentResolver.staticMap(Map.of("alpha", URI.create("http://127.0.0.1:9/")));
  private static final Catalogue CATALOGUE = Catalogue.loader().resolver(RESOLVER).parse("""
      services: [alpha]
      chains:
        - name: a
          match: POST /a
          segments: [alpha]
      """, "route-exposure.yaml");

  @Test
  void exposedRouteOnAllInterfacesIsWarnedAboutAtStart() {
    try (LogCapture log = LogCapture.start();
        ChainEdge edge = edge("edge-exposed-all").exposeRoute(true).bindAddress(anyAddress()).start()) {
      assertEquals(1, log.count("WARN", edge.nodeId(), WARNING, "all interfaces"), () -> "log: " + log.lines());
    }
  }

  @Test
  void exposedRouteOnTheDefaultBindingIsWarnedAboutAtStart() {
    try (LogCapture log = LogCapture.start(); ChainEdge edge = edge("edge-exposed-default").exposeRoute(true).start()) {
      assertEquals(1, log.count("WARN", edge.nodeId(), WARNING), () -> "log: " + log.lines());
    }
  }

  @Test
  void exposedRouteOnLoopbackIsDevelopmentAndNotWarnedAbout() {
    try (LogCapture log = LogCapture.start();
        ChainEdge edge = edge("edge-exposed-loopback").exposeRoute(true).loopback().start()) {
      assertEquals(0, log.count(edge.nodeId(), WARNING), () -> "log: " + log.lines());
    }
  }

  @Test
  void routeKeptByTheEdgeIsNotWarnedAbout() {
    try (LogCapture log = LogCapture.start(); ChainEdge edge = edge("edge-route-kept").start()) {
      assertEquals(0, log.count(edge.nodeId(), WARNING), () -> "log: " + log.lines());
    }
  }

  private static ChainEdge.Builder edge(String nodeId) {
    return ChainEdge.builder().catalogue(CATALOGUE).keys(AttackTarget.KEYS).resolver(RESOLVER).nodeId(nodeId)
        .port(0).catalogueWatch(Duration.ZERO).stopGrace(Duration.ZERO);
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
