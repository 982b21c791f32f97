package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile bodies for a function that binds a typed parameter from JSON (resource exhaustion, and
 * parser differentials), content types it cannot bind, and malformed W3C trace context. A body is
 * refused with 400 {@code body.malformed}, 413 or 415 before the function runs; never a 500, never
 * a hang. A malformed {@code traceparent} is not an error: the hop starts a new trace and serves.
 */
class BodyAndTraceAttackTest {
  private static AttackTarget target;

  @BeforeAll
  static void start() {
    target = new AttackTarget();
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  @BeforeEach
  void reset() {
    target.reset();
  }

  private static AttackTarget.Answer toTyped(String body, String contentType) {
    return target.toHop("typed", sign(descriptor("typed").build()), body.getBytes(StandardCharsets.UTF_8), contentType);
  }

  @ParameterizedTest(name = "Content-Type {0} → 415 body.unsupported_media_type")
  @ValueSource(strings = {"text/xml", "application/xml", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "text/plain", "application/octet-stream", "application/jsonp",
      "application/x-java-serialized-object", "application/yaml"})
  void bodyOfAnUnbindableContentTypeIsRefused(String contentType) {
    AttackTarget.Answer answer = toTyped("{\"item\":\"book\",\"quantity\":1}", contentType);

    target.assertRefused(answer, 415, "body.unsupported_media_type");
  }

  @Test
  void xmlBodyThroughTheEdgeIsRefusedByTheHopAndReachesTheClient() {
    AttackTarget.Answer answer = target.toEdge("/typed",
        "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><order>&a;</order>".getBytes(StandardCharsets.UTF_8), "application/xml");

    target.assertRefused(answer, 415, "body.unsupported_media_type");
  }

  static Stream<Arguments> jsonBombs() {
    return Stream.of(
        Arguments.of("arrays nested 100 000 deep", "{\"tags\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
        Arguments.of("objects nested 10 000 deep in a map", "{\"extra\":" + "{\"a\":".repeat(10_000) + "1"
            + "}".repeat(10_000) + "}"),
        Arguments.of("unclosed nesting 1 000 000 deep", "[".repeat(1_000_000)),
        Arguments.of("a number of 5 000 digits", "{\"quantity\":" + "9".repeat(5_000) + "}"),
        Arguments.of("a decimal of 5 000 digits", "{\"price\":0." + "1".repeat(5_000) + "}"),
        Arguments.of("an integer overflowing int", "{\"quantity\":99999999999}"),
        Arguments.of("a BigInteger from exponent 1e999999999", "{\"units\":1e999999999}"),
        Arguments.of("a string of 2 MiB", "{\"item\":\"" + "x".repeat(2 << 20) + "\"}"),
        Arguments.of("a field name of 10 000 characters", "{\"" + "k".repeat(10_000) + "\":1}"),
        Arguments.of("1 500 000 tokens", "{\"tags\":[" + "1,".repeat(1_500_000) + "1]}"),
        Arguments.of("duplicate keys", "{\"item\":\"book\",\"item\":\"admin\"}"),
        Arguments.of("duplicate keys in a nested map", "{\"extra\":{\"role\":\"user\",\"role\":\"admin\"}}"),
        Arguments.of("NaN", "{\"price\":NaN}"),
        Arguments.of("truncated JSON", "{\"item\":\"bo"),
        Arguments.of("a string where a number belongs", "{\"quantity\":\"many\"}"),
        Arguments.of("trailing garbage", "{\"item\":\"book\"} {\"item\":\"admin\"}"),
        Arguments.of("an unterminated comment", "/* {\"item\":\"book\"}"),
        Arguments.of("a JSON array instead of an object", "[1,2,3]"));
  }

  @ParameterizedTest(name = "JSON with {0} → 400 body.malformed or 413, never 500")
  @MethodSource("jsonBombs")
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void jsonBombIsRefusedBeforeTheFunctionRuns(String name, String json) {
    AttackTarget.Answer answer = toTyped(json, "application/json");

    if (answer.status() == 413) {
      target.assertRefused(answer, 413, "limits.body");
    } else {
      target.assertRefused(answer, 400, "body.malformed");
    }
  }

  @Test
  void invalidUtf8InJsonIsRefused() {
    byte[] body = {'{', '"', 'i', 't', 'e', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    AttackTarget.Answer answer = target.toHop("typed", sign(descriptor("typed").build()), body, "application/json");

    target.assertRefused(answer, 400, "body.malformed");
  }

  @Test
  void wellFormedOrderIsBoundAndAnswered() {
    AttackTarget.Answer answer = toTyped("{\"item\":\"book\",\"quantity\":2,\"units\":12345678901234567890}",
        "application/json; charset=utf-8");

    assertEquals(200, answer.status(), answer::toString);
    assertTrue(answer.body().contains("\"item\":\"book\""), answer.body());
    assertEquals(1, target.calls.of("typed"));
  }

  private static final String VALID_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @ParameterizedTest(name = "traceparent \"{0}\" → ignored, a new trace, the function runs")
  @ValueSource(strings = {"garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", " "})
  void malformedTraceparentStartsANewTraceAtAHop(String traceparent) {
    AttackTarget.Answer answer = target.toHop("traced", sign(descriptor("traced").build()), "x",
        "traceparent", traceparent, "tracestate", "k=" + "v".repeat(600));

    assertEquals(200, answer.status(), answer::toString);
    assertEquals(1, target.calls.of("traced"));
    assertTrue(answer.body().matches("[0-9a-f]{32}"), answer.body());
    assertNotEquals("0".repeat(32), answer.body());
    assertNotEquals(VALID_TRACE_ID, answer.body());
  }

  @Test
  void oversizedTraceparentAtTheEdgeStartsANewTrace() {
    AttackTarget.Answer answer = target.toEdge("/traced", "x", "traceparent",
        "00-" + VALID_TRACE_ID + "-00f067aa0ba902b7-01" + "-x".repeat(4000));

    assertEquals(200, answer.status(), answer::toString);
    assertTrue(answer.body().matches("[0-9a-f]{32}"), answer.body());
    assertEquals(1, target.calls.of("traced"));
  }

  @Test
  void validTraceparentIsContinued() {
    AttackTarget.Answer answer = target.toEdge("/traced", "x", "traceparent",
        "00-" + VALID_TRACE_ID + "-00f067aa0ba902b7-01");

    assertEquals(200, answer.status(), answer::toString);
    assertEquals(VALID_TRACE_ID, answer.body());
  }

  /** A slow-to-parse body does not hold the hop: the bomb's time is bounded by the parser limits. */
  @Test
  void bombsDoNotSlowTheNextRequest() {
    toTyped("[".repeat(1_000_000), "application/json");
    long start = System.nanoTime();

    AttackTarget.Answer answer = toTyped("{\"item\":\"book\"}", "application/json");

    assertEquals(200, answer.status(), answer::toString);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
  }
}
