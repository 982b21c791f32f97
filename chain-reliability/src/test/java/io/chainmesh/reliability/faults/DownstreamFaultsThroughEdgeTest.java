package io.chainmesh.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainProblem;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client of an edge, a chain {@code a → b → c}, and a middle hop {@code b} that fails at the
 * transport level. For each fault: what the client gets (status, reason, the failing segment and the
 * hop that reports it), what hop {@code a} logs, that {@code c} never runs, and that every
 * connection, thread and file descriptor is given back. The per-hop versions of these faults are in
 * chain-http's {@code NextHopFaultsTest}; these go through a running edge.
 */
class DownstreamFaultsThroughEdgeTest {
  private static final String CATALOGUE = """
      services: [a, b, c]
      chains:
        - name: abc
          match: POST /abc
          segments: [a/append, b/append, c/append]
          deadline: 1500ms
      """;

  private ResourceProbe probe;
  private LoopbackDomain domain;
  private LogCapture logs;
  private final TextFunctions.Append a = new TextFunctions.Append();
  private final TextFunctions.Append c = new TextFunctions.Append();
  private ChainEdge edge;

  @BeforeEach
  void startChain() {
    probe = ResourceProbe.afterWarmUp();
    logs = LogCapture.start();
    domain = new LoopbackDomain();
    domain.hop("a", a);
    domain.hop("c", c);
    edge = domain.edge(CATALOGUE, b -> b);
  }

  @AfterEach
  void everythingIsReleased() {
    domain.close();
    logs.close();
    probe.assertReleased();
  }

  @Test
  void nextHopRefusingConnectionsGives502UnreachableNamingTheSegmentAndTheReportingHop() {
    domain.route("b", LoopbackDomain.unusedAddress());

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");

    assertFailedAt(answer, 502, "next_hop.unreachable", "a-node");
    assertHopALoggedItCouldNotGoOn("refused");
    assertNothingHeldWhileRunning();
  }

  @Test
  void nextHopResettingMidBodyGives502UnreachableAndIsNotSentAgain() {
    MisbehavingHop b = misbehaving(MisbehavingHop.resetsAfterReading(1024));

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x".repeat(256 * 1024));

    assertFailedAt(answer, 502, "next_hop.unreachable", "a-node");
    assertEquals(1, b.arrivals(), "a request that reached b is not sent again (b is not declared idempotent)");
    assertHopALoggedItCouldNotGoOn("failed");
    assertNothingHeldWhileRunning();
  }

  @Test
  void nextHopSilentPastTheDeadlineGives504DeadlineExceededNearTheDeadline() {
    misbehaving(MisbehavingHop.silent());

    long started = System.nanoTime();
    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertFailedAt(answer, 504, "deadline.exceeded", "a-node");
    assertTrue(took.compareTo(Duration.ofMillis(1400)) >= 0 && took.compareTo(Duration.ofMillis(3500)) < 0,
        () -> "answered after " + took.toMillis() + " ms; the deadline was 1500 ms");
    assertHopALoggedItCouldNotGoOn("deadline");
    assertNothingHeldWhileRunning();
  }

  @Test
  void nextHopAnswering5xxHtmlGives502BadResponseWithoutTheHtml() {
    String html = "<html><body>503 from lb-internal-7.corp</body></html>";
    misbehaving(MisbehavingHop.answers("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n"
        + "Content-Length: " + html.length() + "\r\nConnection: close\r\n\r\n" + html));

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");

    assertFailedAt(answer, 502, "next_hop.bad_response", "a-node");
    assertFalse(answer.body().contains("lb-internal-7"), answer::body);
    assertHopALoggedItCouldNotGoOn("503");
    assertNothingHeldWhileRunning();
  }

  @Test
  void nextHopAnsweringGarbageGives502BadResponse() {
    misbehaving(MisbehavingHop.answers("SSH-2.0-OpenSSH_9.6\r\n\r\n"));

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "x");

    assertFailedAt(answer, 502, "next_hop.bad_response", "a-node");
    assertHopALoggedItCouldNotGoOn("not valid HTTP");
    assertNothingHeldWhileRunning();
  }

  @Test
  void afterEachFaultTheSameHopsServeTheNextChain() {
    domain.route("b", LoopbackDomain.unusedAddress());
    assertEquals(502, domain.post(edge, "/abc", "x").status());
    domain.hop("b", new TextFunctions.Append());

    LoopbackDomain.Answer answer = domain.post(edge, "/abc", "y");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals("y>a>b>c", answer.body());
  }

  private MisbehavingHop misbehaving(MisbehavingHop.Conduct conduct) {
    MisbehavingHop b = MisbehavingHop.start(conduct);
    domain.push(b);
    domain.route("b", b.uri());
    return b;
  }

  private void assertFailedAt(LoopbackDomain.Answer answer, int status, String reason, String hop) {
    assertEquals(status, answer.status(), answer::toString);
    ChainProblem problem = answer.problem();
    assertEquals(reason, problem.reasonCode(), answer::toString);
    assertEquals(OptionalInt.of(1), problem.segmentIndex(), answer::toString);
    assertEquals("b/append", problem.segment().orElseThrow(), answer::toString);
    assertEquals(hop, problem.hop().orElseThrow(), answer::toString);
    assertTrue(problem.chainId().isPresent(), answer::toString);
    for (String leak : new String[] {"127.0.0.1", "Exception", "\tat ", "io.chainmesh."}) {
      assertFalse(answer.body().contains(leak), () -> "the answer shows \"" + leak + "\": " + answer.body());
    }
    assertEquals(1, a.calls(), "a ran once");
    assertEquals(0, c.calls(), "the chain never reached c");
  }

  private void assertHopALoggedItCouldNotGoOn(String cause) {
    String line = logs.awaitLine("hop a-node", "could not go on to segment 1");
    assertTrue(line.contains(cause), () -> "a's log line names the cause (" + cause + "): " + line);
  }

  private void assertNothingHeldWhileRunning() {
    domain.awaitConnectionsIdle();
    probe.assertInUse();
  }
}
