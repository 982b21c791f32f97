package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.TEXT;
import static io.chainmesh.http.testing.TestChains.assertProblem;
import static io.chainmesh.http.testing.TestChains.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.TestChains;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Segment resolution: the only place a descriptor's names become addresses, so where SSRF is stopped. */
class ResolverTest {
  private static final SegmentResolver TEMPLATE = SegmentResolver.template("http://{service}.shop.svc.cluster.local:8080/{function}");

  private final TestChains chains = new TestChains();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  private static Reason refusal(SegmentResolver resolver, Segment segment) {
    return assertThrows(ChainException.class, () -> resolver.resolve(segment)).reason();
  }

  private static Segment url(String url) {
    return Segment.url(URI.create(url));
  }

  // ---- template ---------------------------------------------------------------------------------

  @Test
  void templateSubstitutesServiceAndFunction() {
    assertEquals(URI.create("http://pricing.shop.svc.cluster.local:8080/quote"), TEMPLATE.resolve(Segment.of("pricing", "quote")));
  }

  @Test
  void templateSubstitutesServiceNameForAbsentFunction() {
    assertEquals(URI.create("http://pricing.shop.svc.cluster.local:8080/pricing"), TEMPLATE.resolve(Segment.of("pricing")));
  }

  @Test
  void templateKeepsEveryNameUnderItsDomain() {
    URI resolved = TEMPLATE.resolve(Segment.of("169.254.169.254a"));

    assertEquals("169.254.169.254a.shop.svc.cluster.local", resolved.getHost());
    assertEquals(8080, resolved.getPort());
  }

  @Test
  void anAddressCannotEvenBeASegmentSoNoTemplateCanResolveIt() {
    // A template like http://{service}:8080 would otherwise turn 169.254.169.254 into the metadata endpoint.
    ChainException e = assertThrows(ChainException.class, () -> Segment.of("169.254.169.254"));
    assertEquals(Reason.SEGMENT_INVALID_NAME, e.reason());
  }

  @Test
  void templateRefusesRawUrlSegment() {
    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal(TEMPLATE, url("http://127.0.0.1:8080/admin")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://pricing.shop.svc.cluster.local:8080",  // no {service}
      "ftp://{service}.shop.example/",               // not http(s)
      "file:///{service}",                           // not http(s), no host
      "//{service}.shop.example:8080/",              // no scheme
      "{service}.shop.example:8080",                 // not a URL at all
      "http:///{service}",                           // no host
      "http://{service} .shop.example/"              // not a valid URL
  })
  void templateRefusesInvalidTemplates(String template) {
    assertThrows(IllegalArgumentException.class, () -> SegmentResolver.template(template));
  }

  @Test
  void templateNamesTheMissingPlaceholder() {
    String message = assertThrows(IllegalArgumentException.class, () -> SegmentResolver.template("http://pricing:8080"))
        .getMessage();

    assertTrue(message.contains("{service}"), message);
  }

  // ---- static map -------------------------------------------------------------------------------

  @Test
  void staticMapResolvesKnownName() {
    SegmentResolver resolver = SegmentResolver.staticMap(Map.of("pricing", URI.create("https://pricing.internal:8443/")));

    assertEquals(URI.create("https://pricing.internal:8443/"), resolver.resolve(Segment.of("pricing", "quote")));
  }

  @Test
  void staticMapRefusesUnknownNameAsUnresolvable() {
    SegmentResolver resolver = SegmentResolver.staticMap(Map.of("pricing", URI.create("http://pricing.internal/")));

    ChainException refusal = assertThrows(ChainException.class, () -> resolver.resolve(Segment.of("billing")));

    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal.reason());
    assertEquals(502, refusal.reason().httpStatus());
  }

  @Test
  void staticMapRefusesRawUrlSegmentEvenForAMappedAddress() {
    SegmentResolver resolver = SegmentResolver.staticMap(Map.of("pricing", URI.create("http://pricing.internal/")));

    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal(resolver, url("http://pricing.internal/")));
  }

  @Test
  void staticMapRefusesNonHttpAddresses() {
    assertThrows(IllegalArgumentException.class,
        () -> SegmentResolver.staticMap(Map.of("pricing", URI.create("file:///etc/passwd"))));
  }

  // ---- allow-list -------------------------------------------------------------------------------

  @Test
  void allowingResolvesListedServices() {
    SegmentResolver resolver = TEMPLATE.allowing(Set.of("pricing"));

    assertEquals("pricing.shop.svc.cluster.local", resolver.resolve(Segment.of("pricing")).getHost());
  }

  @Test
  void allowingRefusesUnlistedServices() {
    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal(TEMPLATE.allowing(Set.of("pricing")), Segment.of("billing")));
  }

  @Test
  void allowingRefusesRawUrlsEvenWhenTheInnerResolverAllowsThem() {
    SegmentResolver resolver = TEMPLATE.withRawUrls(Set.of("partner.example.com")).allowing(Set.of("pricing"));

    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal(resolver, url("https://partner.example.com/hook")));
  }

  // ---- raw URLs ---------------------------------------------------------------------------------

  @Test
  void withRawUrlsResolvesListedHostCaseInsensitively() {
    SegmentResolver resolver = TEMPLATE.withRawUrls(Set.of("Partner.Example.com"));

    assertEquals(URI.create("https://PARTNER.example.com/hook"), resolver.resolve(url("https://PARTNER.example.com/hook")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:8080/admin",
      "http://localhost/",
      "http://169.254.169.254/latest/meta-data/",
      "https://partner.example.com.attacker.test/",
      "https://evil-partner.example.com/",
      "https://example.com/"
  })
  void withRawUrlsRefusesEveryOtherHost(String address) {
    SegmentResolver resolver = TEMPLATE.withRawUrls(Set.of("partner.example.com"));

    assertEquals(Reason.SEGMENT_UNRESOLVABLE, refusal(resolver, url(address)));
  }

  @Test
  void withRawUrlsStillResolvesLogicalNamesThroughTheInnerResolver() {
    SegmentResolver resolver = TEMPLATE.withRawUrls(Set.of("partner.example.com"));

    assertEquals("pricing.shop.svc.cluster.local", resolver.resolve(Segment.of("pricing")).getHost());
  }

  // ---- at a hop ---------------------------------------------------------------------------------

  /** Counts its runs; passes the body on. */
  static final class First {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("first")
    public String run(String body) {
      calls.incrementAndGet();
      return body + ">first";
    }
  }

  static final class Second {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("second")
    public String run(String body) {
      calls.incrementAndGet();
      return body + ">second";
    }
  }

  @Test
  void hopAnswersUnresolvableWhenItCannotResolveTheNextSegment() {
    First first = new First();
    Second second = new Second();
    ChainServer secondServer = chains.serve("n2", second);
    chains.serve(chains.hop("n1").functions(first)
        .resolver(SegmentResolver.staticMap(Map.of("second", secondServer.uri()))));

    ChainResponse answer = chains.send(chain("first", "billing"), "q", TEXT);

    ChainProblem problem = assertProblem(answer, 502, Reason.SEGMENT_UNRESOLVABLE);
    assertEquals(1, problem.segmentIndex().orElseThrow());
    assertEquals("billing", problem.segment().orElseThrow());
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(1, first.calls.get());
    assertEquals(0, second.calls.get());
  }

  @Test
  void hopForwardsOnlyToAllowListedServices() {
    Second second = new Second();
    chains.serve("n2", second);
    chains.serve(chains.hop("n1").functions(new First()).resolver(chains.resolver().allowing(Set.of("third"))));

    ChainResponse answer = chains.send(chain("first", "second"), "q", TEXT);

    assertProblem(answer, 502, Reason.SEGMENT_UNRESOLVABLE);
    assertEquals(0, second.calls.get());
  }

  @Test
  void hopRefusesRawUrlNextSegmentWithoutContactingIt() throws Exception {
    try (MockWebServer internal = new MockWebServer()) {
      internal.start(InetAddress.getLoopbackAddress(), 0);
      chains.serve("n1", new First());
      ChainDescriptor chain = ChainDescriptor.builder().segment(Segment.of("first"))
          .segment(url("http://127.0.0.1:" + internal.getPort() + "/admin")).build();

      ChainResponse answer = chains.send(chain, "q", TEXT);

      assertProblem(answer, 502, Reason.SEGMENT_UNRESOLVABLE);
      assertEquals(0, internal.getRequestCount());
    }
  }

  @Test
  void hopRefusesRawUrlToLoopbackWhenOnlyAnotherHostIsListed() throws Exception {
    try (MockWebServer internal = new MockWebServer()) {
      internal.start(InetAddress.getLoopbackAddress(), 0);
      chains.serve(chains.hop("n1").functions(new First()).resolver(chains.resolver().withRawUrls(Set.of("partner.example.com"))));
      ChainDescriptor chain = ChainDescriptor.builder().segment(Segment.of("first"))
          .segment(url("http://127.0.0.1:" + internal.getPort() + "/admin")).build();

      ChainResponse answer = chains.send(chain, "q", TEXT);

      assertProblem(answer, 502, Reason.SEGMENT_UNRESOLVABLE);
      assertEquals(0, internal.getRequestCount());
    }
  }

  @Test
  void hopForwardsToRawUrlOfListedHost() throws Exception {
    try (MockWebServer partner = new MockWebServer()) {
      partner.start(InetAddress.getLoopbackAddress(), 0);
      partner.enqueue(new MockResponse.Builder().body("not a chain answer").build());
      String host = partner.getHostName();
      chains.serve(chains.hop("n1").functions(new First()).resolver(chains.resolver().withRawUrls(Set.of(host))));
      Segment partnerHook = url("http://" + host + ":" + partner.getPort() + "/hook");

      ChainResponse answer = chains.send(ChainDescriptor.builder().segment(Segment.of("first")).segment(partnerHook).build(),
          "q", TEXT);

      RecordedRequest forwarded = partner.takeRequest(5, TimeUnit.SECONDS);
      assertEquals("/hook", forwarded.getUrl().encodedPath());
      assertEquals("q>first", forwarded.getBody().utf8());
      ChainDescriptor received = TestChains.decode(forwarded.getHeaders().get(ChainHeaders.DESCRIPTOR));
      assertEquals(1, received.pointer());
      assertEquals(partnerHook, received.currentSegment());
      assertProblem(answer, 502, Reason.NEXT_HOP_BAD_RESPONSE);
    }
  }
}
