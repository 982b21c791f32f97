package io.chainmesh.reliability.attack;

import static io.chainmesh.reliability.attack.AttackTarget.CURRENT;
import static io.chainmesh.reliability.attack.AttackTarget.CURRENT_SECRET;
import static io.chainmesh.reliability.attack.AttackTarget.descriptor;
import static io.chainmesh.reliability.attack.AttackTarget.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chainmesh.core.internal.proto.Segment;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threats "SSRF: a segment pointing at an internal host" and "confused deputy" (brief §4). Here the
 * descriptors are genuinely signed: the worst case, where a key holder (a compromised hop, a bad
 * catalogue entry) writes the segment list. A canary on loopback plays the internal host; it must
 * never be reached.
 *
 * <p>A hop resolves the next segment when it forwards, after its own function ran; a raw-URL or
 * unknown next segment therefore costs that one call and goes no further. A raw URL that is not even
 * a valid http(s) URL is refused when decoding, before anything runs.
 */
class SsrfAndConfusedDeputyAttackTest {
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

  /** A chain alpha → {@code next}, signed with the domain's key. */
  private static String alphaThen(Segment next) {
    return Forgery.resigned(sign(descriptor("alpha", "beta").build()), CURRENT, CURRENT_SECRET,
        d -> d.setSegments(1, next));
  }

  private static Segment url(String url) {
    return Segment.newBuilder().setUrl(url).build();
  }

  private static Segment service(String service) {
    return Segment.newBuilder().setService(service).build();
  }

  static Stream<Arguments> internalTargets() {
    int port = target.canaryUri().getPort();
    return Stream.of(
        Arguments.of("raw URL of the canary on 127.0.0.1", url(target.canaryUri().toString())),
        Arguments.of("raw URL of the cloud metadata endpoint 169.254.169.254",
            url("http://169.254.169.254/latest/meta-data/iam/security-credentials/")),
        Arguments.of("raw URL of GCP metadata", url("http://metadata.google.internal/computeMetadata/v1/")),
        Arguments.of("raw URL of the AWS IPv6 metadata endpoint", url("http://[fd00:ec2::254]/latest/meta-data/")),
        Arguments.of("raw URL of IPv6 loopback", url("http://[::1]:" + port + "/latest/meta-data/")),
        Arguments.of("raw URL of IPv4-mapped IPv6 loopback", url("http://[::ffff:127.0.0.1]:" + port + "/")),
        Arguments.of("raw URL with a decimal-encoded IP", url("http://2130706433:" + port + "/latest/meta-data/")),
        Arguments.of("raw URL with a hex-encoded IP", url("http://0x7f000001:" + port + "/")),
        Arguments.of("raw URL with octal-looking host", url("http://0177.0.0.1:" + port + "/")),
        Arguments.of("raw URL of https://localhost", url("https://localhost:" + port + "/")),
        Arguments.of("raw URL with upper-case scheme", url("HTTP://127.0.0.1:" + port + "/")),
        Arguments.of("service named localhost", service("localhost")),
        Arguments.of("service named like a metadata host", service("metadata.google.internal")),
        Arguments.of("service not in the resolver's map", service("internal-admin")));
  }

  @ParameterizedTest(name = "next segment is {0} → 502 segment.unresolvable, canary untouched")
  @MethodSource("internalTargets")
  void nextSegmentAimedAtAnInternalHostIsNeverReached(String name, Segment next) {
    int canaryBefore = target.canaryHits();

    AttackTarget.Answer answer = target.toHop("alpha", alphaThen(next), "payload");

    target.assertRefused(answer, 502, "segment.unresolvable", 1);
    assertEquals(1, target.calls.of("alpha"));
    assertEquals(canaryBefore, target.canaryHits(), "the internal host was reached");
  }

  static Stream<Arguments> invalidAddresses() {
    return Stream.of(
        Arguments.of("service named 169.254.169.254", service("169.254.169.254")),
        Arguments.of("service named 127.0.0.1", service("127.0.0.1")),
        Arguments.of("service named with a port, localhost:8080", service("localhost:8080")),
        Arguments.of("service holding a URL", service("http://127.0.0.1/")),
        Arguments.of("service named as an IPv6 literal", service("[::1]")),
        Arguments.of("raw URL with user info", url("http://admin:secret@10.0.0.1/")),
        Arguments.of("raw URL with a file scheme", url("file:///etc/passwd")),
        Arguments.of("raw URL with a gopher scheme", url("gopher://10.0.0.1:6379/_FLUSHALL")),
        Arguments.of("relative raw URL", url("//10.0.0.1/admin")),
        Arguments.of("segment with both a service and a URL", service("beta").toBuilder().setUrl("http://10.0.0.1/").build()));
  }

  @ParameterizedTest(name = "next segment is {0} → 400 segment.invalid_name before anything runs")
  @MethodSource("invalidAddresses")
  void segmentThatIsNotALogicalNameOrValidUrlIsRefusedWhenDecoding(String name, Segment next) {
    int canaryBefore = target.canaryHits();

    AttackTarget.Answer answer = target.toHop("alpha", alphaThen(next), "payload");

    target.assertRefused(answer, 400, "segment.invalid_name");
    assertEquals(canaryBefore, target.canaryHits());
  }

  @Test
  void currentSegmentNamingAnotherServiceIsRefusedNotForwarded() {
    String header = sign(descriptor("beta", "gamma").build());

    target.assertRefused(target.toHop("alpha", header, "payload"), 421, "segment.not_here");
  }

  @Test
  void currentSegmentNamingAnotherServicesFunctionIsRefused() {
    String header = Forgery.resigned(sign(descriptor("alpha").build()), CURRENT, CURRENT_SECRET,
        d -> d.setSegments(0, service("alpha").toBuilder().setFunction("beta").build()));

    target.assertRefused(target.toHop("alpha", header, "payload"), 421, "segment.not_here");
  }

  @ParameterizedTest(name = "current segment is a raw URL at {0} → 421 segment.not_here")
  @ValueSource(strings = {"self", "canary"})
  void currentSegmentThatIsARawUrlIsRefused(String which) {
    String url = which.equals("self") ? target.hopUri("alpha").toString() : target.canaryUri().toString();
    String header = Forgery.resigned(sign(descriptor("alpha", "beta").build()), CURRENT, CURRENT_SECRET,
        d -> d.setSegments(0, url(url)));
    int canaryBefore = target.canaryHits();

    target.assertRefused(target.toHop("alpha", header, "payload"), 421, "segment.not_here");
    assertEquals(canaryBefore, target.canaryHits());
  }
}
