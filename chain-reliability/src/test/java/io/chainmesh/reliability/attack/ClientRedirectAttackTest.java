package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat "client-side leaks" (brief §4) at {@link ChainInterceptor}, the door for chains started
 * from an application's own OkHttp client: the first hop (or whoever answers in its name) tries to
 * make OkHttp send the request again — to a host of its choosing with a {@code 3xx} or an
 * authenticator's follow-up, or to itself with {@code 503 Retry-After: 0} or a connection dropped
 * after the request was written. No request carrying {@code Chain-Descriptor} reaches the second
 * server, and the first hop receives the chain once.
 */
class ClientRedirectAttackTest {
  private static final MediaType TEXT = MediaType.get("text/plain");

  private final MockWebServer firstHop = new MockWebServer();
  private final MockWebServer elsewhere = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    firstHop.start(InetAddress.getLoopbackAddress(), 0);
    elsewhere.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    firstHop.close();
    elsewhere.close();
  }

  @ParameterizedTest(name = "{0} to another host: nothing sent, the caller is told how to build the client")
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void clientThatFollowsRedirectsSendsNoChain(int code) throws Exception {
    firstHop.enqueue(redirect(code, elsewhere.url("/collect").toString()));
    elsewhere.enqueue(new MockResponse.Builder().body("thanks").build());
    // The recipe the interceptor's Javadoc gave: an ordinary client, which follows redirects.
    OkHttpClient client = ordinaryClient().addInterceptor(new ChainInterceptor(AttackTarget.CODEC)).build();

    Outcome outcome = send(client, chainRequest());

    assertEquals(List.of(), descriptorsReceived(elsewhere), "the descriptor went to the redirect's host");
    assertNotNull(outcome.failure(), "a chain through a client that follows redirects is not sent: " + outcome);
    assertTrue(outcome.failure().getMessage().contains("ChainInterceptor.client("), outcome.failure().getMessage());
    assertEquals(0, firstHop.getRequestCount(), "refused before anything was sent");
  }

  @ParameterizedTest(name = "{0} to {1}: the caller gets the {0} itself")
  @CsvSource({"301, another host", "302, another host", "303, another host", "307, another host",
      "308, another host", "301, the same host", "302, the same host", "303, the same host", "307, the same host",
      "308, the same host"})
  void clientBuiltForChainsAnswersWithTheRedirect(int code, String where) throws Exception {
    MockWebServer target = where.equals("the same host") ? firstHop : elsewhere;
    firstHop.enqueue(redirect(code, target.url("/collect").toString()));
    firstHop.enqueue(new MockResponse.Builder().body("thanks").build());
    elsewhere.enqueue(new MockResponse.Builder().body("thanks").build());
    OkHttpClient client = ChainInterceptor.client(ordinaryClient().build(), AttackTarget.CODEC);

    Outcome outcome = send(client, chainRequest());

    assertEquals(List.of(), descriptorsReceived(elsewhere), "the descriptor went to the redirect's host");
    assertEquals(code, outcome.status(), "the redirect itself is the answer: " + outcome);
    assertEquals(1, firstHop.getRequestCount(), "the chain was sent once");
  }

  @Test
  void serviceUnavailableWithRetryAfterZeroIsNotSentAgain() throws Exception {
    firstHop.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "0").build());
    firstHop.enqueue(new MockResponse.Builder().body("second run").build());
    OkHttpClient client = ordinaryClient().followRedirects(false)
        .addInterceptor(new ChainInterceptor(AttackTarget.CODEC)).build();

    Outcome outcome = send(client, chainRequest());

    assertEquals(1, firstHop.getRequestCount(), "the chain was sent again on 503 Retry-After: 0");
    assertEquals(503, outcome.status(), outcome.toString());
  }

  @Test
  void authenticatorDoesNotSendTheChainAgain() throws Exception {
    firstHop.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"x\"").build());
    elsewhere.enqueue(new MockResponse.Builder().body("thanks").build());
    // An application's authenticator that re-sends where it logs in, as authenticators may.
    OkHttpClient client = ordinaryClient().followRedirects(false)
        .authenticator((route, response) -> response.request().newBuilder().url(elsewhere.url("/login"))
            .header("Authorization", Credentials.basic("app", "secret")).build())
        .addInterceptor(new ChainInterceptor(AttackTarget.CODEC)).build();

    Outcome outcome = send(client, chainRequest());

    assertEquals(List.of(), descriptorsReceived(elsewhere), "the authenticator's follow-up carried the descriptor");
    assertEquals(401, outcome.status(), outcome.toString());
    assertEquals(1, firstHop.getRequestCount());
  }

  @Test
  void requestWrittenOnAPooledConnectionThatThenFailedIsNotSentAgain() throws Exception {
    firstHop.enqueue(new MockResponse.Builder().body("warm").build());
    firstHop.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    firstHop.enqueue(new MockResponse.Builder().body("second run").build());
    // OkHttp retries a request that failed on a reused connection, also after writing it.
    OkHttpClient client = new OkHttpClient.Builder().followRedirects(false).callTimeout(Duration.ofSeconds(10))
        .addInterceptor(new ChainInterceptor(AttackTarget.CODEC)).build();
    assertEquals(200, send(client, new Request.Builder().url(firstHop.url("/warm")).build()).status());

    Outcome outcome = send(client, chainRequest());

    assertEquals(2, firstHop.getRequestCount(), "the chain was sent again after the connection failed");
    assertNotNull(outcome.failure(), outcome.toString());
    int warm = firstHop.takeRequest().getConnectionIndex();
    assertEquals(warm, firstHop.takeRequest().getConnectionIndex(), "the chain went on the warm, pooled connection");
  }

  @ParameterizedTest(name = "{0} to another host: followed, without the header")
  @ValueSource(ints = {302, 307})
  void untaggedRequestKeepsItsRedirectsAndNeverCarriesTheHeader(int code) throws Exception {
    firstHop.enqueue(redirect(code, elsewhere.url("/next").toString()));
    elsewhere.enqueue(new MockResponse.Builder().body("outside").build());
    OkHttpClient client = ordinaryClient().addInterceptor(new ChainInterceptor(AttackTarget.CODEC)).build();
    Request outsideCall = new Request.Builder().url(firstHop.url("/api"))
        .header(ChainHeaders.DESCRIPTOR, AttackTarget.CODEC.encode(chain()))
        .post(RequestBody.create("q", TEXT)).build();

    Outcome outcome = send(client, outsideCall);

    assertEquals(200, outcome.status(), "calls outside chains keep the application's redirects: " + outcome);
    assertNull(firstHop.takeRequest(5, TimeUnit.SECONDS).getHeaders().get(ChainHeaders.DESCRIPTOR));
    assertEquals(List.of(), descriptorsReceived(elsewhere));
    assertEquals(1, elsewhere.getRequestCount(), "the redirect was followed");
  }

  /** An application's client as OkHttp builds it by default, without a pool that could hide a re-send. */
  private static OkHttpClient.Builder ordinaryClient() {
    return new OkHttpClient.Builder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .callTimeout(Duration.ofSeconds(10));
  }

  private static ChainDescriptor chain() {
    return ChainDescriptor.builder().segment(Segment.of("alpha")).segment(Segment.of("beta")).build();
  }

  private Request chainRequest() {
    return new Request.Builder().url(firstHop.url("/"))
        .post(RequestBody.create("order 42".getBytes(StandardCharsets.UTF_8), TEXT))
        .tag(ChainDescriptor.class, chain())
        .build();
  }

  private static MockResponse redirect(int code, String location) {
    return new MockResponse.Builder().code(code).setHeader("Location", location).build();
  }

  /** The {@code Chain-Descriptor} values of every request {@code server} recorded. */
  private static List<String> descriptorsReceived(MockWebServer server) throws InterruptedException {
    List<String> found = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      String value = r == null ? null : r.getHeaders().get(ChainHeaders.DESCRIPTOR);
      if (value != null) {
        found.add(value);
      }
    }
    return found;
  }

  private static Outcome send(OkHttpClient client, Request request) {
    try (Response response = client.newCall(request).execute()) {
      response.body().bytes();
      return new Outcome(response.code(), null);
    } catch (IOException e) {
      return new Outcome(-1, e);
    }
  }

  /** A call's status, or the exception it failed with. */
  private record Outcome(int status, IOException failure) {}
}
