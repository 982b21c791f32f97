package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainReply;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code send} against real chain-http hops on loopback: each its own {@link ChainServer} on port
 * 0, finding the next one through a registry the way a resolver finds Kubernetes Services.
 */
class SendCommandTest {
  static final String CHAIN = """
      {"chainName": "shout",
       "segments": [{"service": "upper"}, {"service": "gate"}, {"service": "stamp", "arguments": {"mark": "!"}}],
       "hopLimit": 5}
      """;

  static final Map<String, URI> registry = new ConcurrentHashMap<>();
  static final List<ChainServer> servers = new ArrayList<>();
  static URI rotatedHop;

  @TempDir
  static Path dir;
  static Path chainFile;

  /** Upper-cases the body. */
  public static final class Upper {
    @ChainFunction("upper")
    public String upper(String body) {
      return body.toUpperCase(Locale.ROOT);
    }
  }

  /** Ends the chain with 403 for bodies that ask for it, or fails for ones that explode. */
  public static final class Gate {
    @ChainFunction("gate")
    public Object gate(String body) {
      if (body.contains("BLOCK")) {
        return ChainReply.status(403, "blocked by the gate");
      }
      return body;
    }
  }

  /** Appends its argument and the chain name; fails on "BOOM". */
  public static final class Stamp {
    @ChainFunction("stamp")
    public String stamp(String body, ChainContext chain) {
      if (body.contains("BOOM")) {
        throw new IllegalStateException("stamp pad is dry");
      }
      return body + chain.argument("mark").orElse("?") + " (" + chain.chainName().orElse("-") + ")";
    }
  }

  @BeforeAll
  static void startHops() throws IOException {
    KeyRing keys = TestKeys.ring(TestKeys.T1);
    SegmentResolver resolver = segment -> {
      URI uri = segment.isUrl() ? null : registry.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return uri;
    };
    start("upper", new Upper(), keys, resolver);
    start("gate", new Gate(), keys, resolver);
    start("stamp", new Stamp(), keys, resolver);
    // Mid-rotation gone wrong: this hop already signs with t2, which the sender does not hold.
    ChainHop rotated = ChainHop.builder().functions(new Upper()).keys(TestKeys.ring(TestKeys.T2, TestKeys.T1))
        .resolver(resolver).nodeId("upper-rotated").build();
    ChainServer server = ChainServer.builder(rotated).loopback().port(0).ownHop().start();
    servers.add(server);
    rotatedHop = server.uri();
    chainFile = Files.writeString(dir.resolve("shout.json"), CHAIN);
  }

  private static void start(String name, Object functions, KeyRing keys, SegmentResolver resolver) {
    ChainHop hop = ChainHop.builder().functions(functions).keys(keys).resolver(resolver).nodeId(name + "-1").build();
    ChainServer server = ChainServer.builder(hop).loopback().port(0).ownHop().start();
    servers.add(server);
    registry.put(name, server.uri());
  }

  @AfterAll
  static void stopHops() {
    servers.forEach(ChainServer::close);
  }

  private static Cli.Run send(String body, String url, String... more) {
    List<String> args = new ArrayList<>(List.of("send", url, "--chain", chainFile.toString(), "--body", "-",
        "--content-type", "text/plain"));
    if (more.length == 0) {
      args.addAll(List.of("--key", TestKeys.T1));
    }
    args.addAll(List.of(more));
    return Cli.withStdin(body, args.toArray(String[]::new));
  }

  @Test
  void printsTheAnswerAndTheVerifiedRouteHopByHop() {
    Cli.Run run = send("hello", registry.get("upper").toString());
    assertEquals(0, run.exit(), run.toString());
    String[] lines = run.out().split("\n");
    assertTrue(lines[0].matches("HTTP 200 text/plain.* in \\d+\\.\\d\\d ms"), lines[0]);
    assertEquals("HELLO! (shout)", lines[1]);
    assertEquals("", lines[2]);
    assertTrue(lines[3].startsWith("route of chain ") && lines[3].contains("(shout): 3 of 3 segments served"), lines[3]);
    assertTrue(lines[3].endsWith("[verified Chain-Route]"), lines[3]);
    assertTrue(lines[5].matches("\\s+0\\s+upper\\s+upper-1\\s+\\+0\\.00 ms\\s+\\d+\\.\\d\\d ms\\s+forwarded"), lines[5]);
    assertTrue(lines[6].matches("\\s+1\\s+gate\\s+gate-1\\s+\\+\\d+\\.\\d\\d ms\\s+\\d+\\.\\d\\d ms\\s+forwarded"), lines[6]);
    assertTrue(lines[7].matches("\\s+2\\s+stamp\\{mark=!}\\s+stamp-1\\s+.*answered"), lines[7]);
    assertEquals(8, lines.length, run.out());
    assertTrue(run.err().startsWith("> POST " + registry.get("upper") + "  chain "), run.err());
    assertTrue(run.err().contains("upper -> gate -> stamp{mark=!}, 5 byte body"), run.err());
  }

  @Test
  void aFunctionEndingTheChainEarlyIsAnAnswerWithTheRestNotVisited() {
    Cli.Run run = send("please block", registry.get("upper").toString());
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().startsWith("HTTP 403 "), run.out());
    assertTrue(run.out().contains("blocked by the gate"), run.out());
    assertTrue(run.out().contains("2 of 3 segments served"), run.out());
    assertTrue(run.out().matches("(?s).*\\n\\s+1\\s+gate\\s+gate-1\\s+.*ended early\\n.*"), run.out());
    assertTrue(run.out().matches("(?s).*\\n\\s+2\\s+stamp\\{mark=!}\\s+\\*\\s+not visited\\n"), run.out());
  }

  @Test
  void aFailureDeepInTheChainNamesTheReasonSegmentAndHop() {
    Cli.Run run = send("boom", registry.get("upper").toString());
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().startsWith("HTTP 500 application/problem+json"), run.out());
    assertTrue(run.out().contains("\"reason\":\"handler.failed\""), run.out());
    assertTrue(run.out().matches("(?s).*\\n\\s+2\\s+stamp\\{mark=!}\\s+stamp-1\\s+.*failed\\n"), run.out());
    assertTrue(run.err().contains("error: handler.failed: "), run.err());
    assertTrue(run.err().contains("(at segment 2 stamp{mark=!}, hop stamp-1)"), run.err());
    assertTrue(run.err().contains("hint: the function itself failed"), run.err());
    assertTrue(!run.err().contains("stamp pad is dry") && !run.out().contains("stamp pad is dry"),
        "no exception message leaks:\n" + run);
  }

  @Test
  void aHopWithOtherKeysRefusesAndTheHintsSaySo() {
    Cli.Run run = send("hello", registry.get("upper").toString(), "--key", TestKeys.T2);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().startsWith("HTTP 401 application/problem+json"), run.out());
    assertTrue(run.out().contains("route: none: refused before any hop verified the descriptor"), run.out());
    assertTrue(run.err().contains("error: integrity.unknown_key: "), run.err());
    assertTrue(run.err().contains("hop upper-1"), run.err());
    assertTrue(run.err().contains("hint: the keys given here are [t2] (t2 signs); the hop that refused holds a"
        + " different set"), run.err());
  }

  @Test
  void sendingToAHopThatDoesNotServeTheFirstSegmentIsExplained() {
    Cli.Run run = send("hello", registry.get("gate").toString());
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().startsWith("HTTP 421 "), run.out());
    assertTrue(run.err().contains("error: segment.not_here: "), run.err());
    assertTrue(run.err().contains("hint: the hop that answered does not serve the current segment"), run.err());
  }

  @Test
  void aRouteSignedWithAKeyTheSenderLacksIsShownNotVerified() {
    Path single = dir.resolve("single.json");
    try {
      Files.writeString(single, "{\"segments\":[{\"service\":\"upper\"}]}");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Cli.Run run = Cli.withStdin("hi", "send", rotatedHop.toString(), "--chain", single.toString(), "--body", "-",
        "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().startsWith("HTTP 200 "), run.out());
    assertTrue(run.out().contains("1 of 1 segments served, hop limit left 1 [NOT VERIFIED]"), run.out());
    assertTrue(run.err().contains("error: the answer's Chain-Route does not verify: integrity.unknown_key: key id \"t2\""),
        run.err());
    assertTrue(run.err().contains("must share one key ring"), run.err());
  }

  @Test
  void nothingListeningIsNextHopUnreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/";
    Cli.Run run = send("hello", url);
    assertEquals(1, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().contains("error: next_hop.unreachable: the first hop refused or could not be reached"), run.err());
    assertTrue(run.err().contains("hint: nothing answered at " + url), run.err());
  }

  @Test
  void aDeadlineIsSetFromNow() {
    Cli.Run run = send("hello", registry.get("upper").toString(), "--key", TestKeys.T1, "--deadline", "10s",
        "--timeout", "15s");
    assertEquals(0, run.exit(), run.toString());
    Cli.Run zero = send("hello", registry.get("upper").toString(), "--key", TestKeys.T1, "--deadline", "0ms");
    assertEquals(2, zero.exit(), zero.toString());
    assertTrue(zero.err().contains("--deadline must be longer than 0"), zero.err());
  }

  @Test
  void usageMistakesAreCaughtBeforeSending() {
    Cli.Run noChain = Cli.run("send", "http://127.0.0.1:1/", "--key", TestKeys.T1);
    assertEquals(2, noChain.exit(), noChain.toString());
    assertTrue(noChain.err().contains("missing --chain json-file"), noChain.err());
    Cli.Run badUrl = Cli.run("send", "localhost:8080", "--chain", chainFile.toString(), "--key", TestKeys.T1);
    assertEquals(2, badUrl.exit(), badUrl.toString());
    assertTrue(badUrl.err().contains("<url> must be an absolute http or https URL"), badUrl.err());
    Cli.Run twoStdins = Cli.run("send", "http://127.0.0.1:1/", "--chain", "-", "--body", "-", "--key", TestKeys.T1);
    assertEquals(2, twoStdins.exit(), twoStdins.toString());
    assertTrue(twoStdins.err().contains("--chain and --body cannot both read standard input"), twoStdins.err());
    Cli.Run noKey = Cli.run("send", "http://127.0.0.1:1/", "--chain", chainFile.toString());
    assertEquals(2, noKey.exit(), noKey.toString());
    assertTrue(noKey.err().contains("no key given: send signs the descriptor"), noKey.err());
  }

  @Test
  void aBrokenChainFileIsRefusedWithItsReasonBeforeSending() throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"segments\":[],\"hopLimit\":3}");
    Cli.Run run = Cli.run("send", registry.get("upper").toString(), "--chain", broken.toString(), "--key", TestKeys.T1);
    assertEquals(1, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith("error: descriptor.malformed: a chain needs at least one segment (at $.segments)"),
        run.err());
  }
}
