package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainResponse;
import io.chainmesh.http.ChainResponse.RouteStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Threat "proof of transit" (brief §4) at {@link ChainClient}: whoever answers in the first hop's
 * name dresses up a {@code Chain-Route}. A route that does not verify, or is another chain's, is
 * reported as refused with its reason, never as "no route": a caller can tell a forgery from a
 * refusal that legitimately carries none.
 */
class ClientRouteAttackTest {
  /** What the fake first hop puts in {@code Chain-Route}, made from the descriptor it received. */
  enum Forged {
    /** The chain as if it had run, signed with the attacker's secret under the current key id. */
    ATTACKER_MAC(Reason.INTEGRITY_BAD_MAC, received -> ChainCodec.builder(AttackTarget.ATTACKER_SIGNER).build()
        .encode(received)),
    /** Signed with a key no one holds any more. */
    RETIRED_KEY(Reason.INTEGRITY_UNKNOWN_KEY, received -> ChainCodec.builder(AttackTarget.RETIRED_SIGNER).build()
        .encode(received)),
    /** Not a descriptor at all. */
    GARBAGE(Reason.DESCRIPTOR_MALFORMED, received -> "bm90LWEtZGVzY3JpcHRvcg"),
    /** A genuine route, lifted from another chain. */
    ANOTHER_CHAINS(Reason.TRANSIT_UNPROVEN, received -> AttackTarget.CODEC.encode(ChainDescriptor.builder()
        .segments(received.segments()).build()));

    final Reason reason;
    final Function<ChainDescriptor, String> route;

    Forged(Reason reason, Function<ChainDescriptor, String> route) {
      this.reason = reason;
      this.route = route;
    }
  }

  private final MockWebServer firstHop = new MockWebServer();
  private ChainClient client;

  @BeforeEach
  void start() throws IOException {
    firstHop.start(InetAddress.getLoopbackAddress(), 0);
    URI address = firstHop.url("/").uri();
    client = ChainClient.builder(AttackTarget.KEYS, segment -> address).build();
  }

  @AfterEach
  void stop() {
    client.close();
    firstHop.close();
  }

  @ParameterizedTest(name = "{0} → refused with its reason, not absent")
  @EnumSource(Forged.class)
  void forgedRouteIsReportedRefusedWithItsReason(Forged forged) {
    firstHopAnswersWithRoute(received -> Optional.of(forged.route.apply(received)));

    ChainResponse answer = client.send(chain(), "order 42", "text/plain");

    assertEquals(RouteStatus.REFUSED, answer.routeStatus(), answer.toString());
    assertEquals(Optional.of(forged.reason), answer.routeRefusal());
    assertTrue(answer.finalDescriptor().isEmpty() && answer.route().isEmpty(), "nothing of it is exposed");
  }

  @Test
  void missingRouteIsReportedAbsent() {
    firstHopAnswersWithRoute(received -> Optional.empty());

    ChainResponse answer = client.send(chain(), "order 42", "text/plain");

    assertEquals(RouteStatus.ABSENT, answer.routeStatus(), answer.toString());
    assertEquals(Optional.empty(), answer.routeRefusal());
  }

  @Test
  void genuineRouteOfTheChainIsVerified() {
    firstHopAnswersWithRoute(received -> Optional.of(AttackTarget.CODEC.encode(received)));
    ChainDescriptor sent = chain();

    ChainResponse answer = client.send(sent, "order 42", "text/plain");

    assertEquals(RouteStatus.VERIFIED, answer.routeStatus(), answer.toString());
    assertEquals(sent.chainId(), answer.finalDescriptor().orElseThrow().chainId());
  }

  private static ChainDescriptor chain() {
    return ChainDescriptor.builder().segment(Segment.of("alpha")).segment(Segment.of("beta")).build();
  }

  /** The first hop answers 200 at once with the route {@code route} makes of what it received. */
  private void firstHopAnswersWithRoute(Function<ChainDescriptor, Optional<String>> route) {
    firstHop.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        ChainDescriptor received = AttackTarget.CODEC.decode(request.getHeaders().get(ChainHeaders.DESCRIPTOR));
        MockResponse.Builder answer = new MockResponse.Builder().body("done");
        route.apply(received).ifPresent(r -> answer.setHeader(ChainHeaders.ROUTE, r));
        return answer.build();
      }
    });
  }
}
