package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standalone edge's command line. */
class EdgeMainTest {
  private static final String KEYS = "k1:" + Base64.getUrlEncoder().withoutPadding()
      .encodeToString(EdgeTestKit.SECRET);
  private static final Map<String, String> ENV = Map.of("CHAIN_KEYS", KEYS);
  private static final String CATALOGUE = """
      services:
        validate: http://127.0.0.1:1/
      chains:
        - {name: quote, match: POST /quote, segments: [validate]}
      """;

  private final EdgeTestKit kit = new EdgeTestKit();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void cleanUp() {
    kit.close();
  }

  private int run(Map<String, String> env, String... args) {
    return EdgeMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingCatalogueOptionIsAUsageError() {
    assertEquals(2, run(ENV, "--port", "0"));
    assertTrue(err().startsWith("chain-edge: --catalogue is required"), err());
    assertTrue(err().contains("usage: java -jar chain-edge.jar"), err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--colour", "blue"));
    assertTrue(err().startsWith("chain-edge: unknown option --colour"), err());
  }

  @Test
  void optionWithoutItsValueIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue"));
    assertTrue(err().startsWith("chain-edge: option --catalogue needs a value: --catalogue file"), err());
  }

  @Test
  void portThatIsNotANumberIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--port", "http"));
    assertTrue(err().startsWith("chain-edge: --port must be a number from 0 to 65535, was \"http\""), err());
  }

  @Test
  void missingCatalogueFileIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", "no-such-chains.yaml"));
    assertTrue(err().startsWith("chain-edge: --catalogue no-such-chains.yaml: no such file"), err());
  }

  @Test
  void missingKeysAreAUsageError() {
    assertEquals(2, run(Map.of(), "--catalogue", kit.write(CATALOGUE).toString()));
    assertTrue(err().startsWith("chain-edge: no keys: give --keys-file or set CHAIN_KEYS"), err());
  }

  @Test
  void malformedKeysAreAUsageErrorNamingTheVariable() {
    assertEquals(2, run(Map.of("CHAIN_KEYS", "not-a-key"), "--catalogue", kit.write(CATALOGUE).toString()));
    assertTrue(err().startsWith("chain-edge: CHAIN_KEYS: "), err());
  }

  @Test
  void badTransitPolicyIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--transit", "ignore"));
    assertTrue(err().startsWith("chain-edge: --transit must be refuse or flag"), err());
  }

  @Test
  void invalidCatalogueExitsWith1NamingFileAndLine() {
    Path file = kit.write(CATALOGUE.replace("[validate]", "[nope]"));

    assertEquals(1, run(ENV, "--catalogue", file.toString(), "--port", "0"));

    assertTrue(err().contains(file + ":4:"), err());
    assertTrue(err().contains("unknown service \"nope\""), err());
  }

  @Test
  void helpPrintsTheUsage() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--resolver-template"));
  }

  @Test
  void startsFromArgumentsAndEnvironment() throws Exception {
    Path file = kit.write(CATALOGUE);

    ChainEdge edge = EdgeMain.launch(new String[] {"--catalogue", file.toString(), "--port", "0", "--bind",
        "127.0.0.1", "--node-id", "edge-main", "--watch", "off"}, ENV, new PrintStream(out, true,
        StandardCharsets.UTF_8));
    try {
      assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("chain-edge edge-main listening on " + edge.uri()));
      EdgeTestKit.Answer answer = kit.call(edge.uri().resolve("/quote"), "POST", "x");
      assertEquals(502, answer.status(), answer::toString);
      assertEquals("next_hop.unreachable", answer.reason());
    } finally {
      edge.close();
    }
  }

  @Test
  void optionsTakeTheirValueAfterAnEqualsSignToo() throws Exception {
    Path file = kit.write(CATALOGUE);
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }

    ChainEdge edge = EdgeMain.launch(new String[] {"--catalogue=" + file, "--port=" + port, "--bind=127.0.0.1",
        "--node-id=edge-eq", "--watch=off", "--async-timeout=5 s"}, ENV, new PrintStream(out, true,
        StandardCharsets.UTF_8));
    try {
      assertEquals(port, edge.uri().getPort());
      assertEquals("edge-eq", edge.nodeId());
    } finally {
      edge.close();
    }
  }

  @Test
  void durationsFollowTheCatalogueGrammar() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--async-timeout", "5 seconds"));
    assertTrue(err().startsWith("chain-edge: --async-timeout \"5 seconds\" is not a duration; write a whole number"
        + " and a unit (ms, s, m or min, h), like 250ms, 5s or 5 s, or ISO-8601 like PT5S"), err());
  }

  @Test
  void optionGivenTwiceIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--port", "0", "--port=1"));
    assertTrue(err().startsWith("chain-edge: option --port is given more than once"), err());
  }

  @Test
  void flagGivenAValueIsAUsageError() {
    assertEquals(2, run(ENV, "--catalogue", kit.write(CATALOGUE).toString(), "--expose-route=yes"));
    assertTrue(err().startsWith("chain-edge: option --expose-route takes no value"), err());
  }

  @Test
  void helpDocumentsBothSyntaxesAndTheDurationGrammar() {
    assertEquals(0, run(Map.of(), "--help"));
    String usage = out.toString(StandardCharsets.UTF_8);
    assertTrue(usage.contains("--name value or --name=value"), usage);
    assertTrue(usage.contains("like 250ms, 5s or 5 s, or ISO-8601 like PT5S"), usage);
  }

  @Test
  void helpStartsNothing() throws Exception {
    assertNull(EdgeMain.launch(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)));
  }
}
