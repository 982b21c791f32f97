package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.internal.CompiledCatalogue;
import io.chainmesh.edge.internal.PathPattern;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which catalogue entry a request matches, and the descriptor built for it. */
class CatalogueMatchingTest {
  private static final CompiledCatalogue CATALOGUE = Catalogue.loader().parse("""
      services:
        validate: http://validate.test/
        price: http://price.test/
      chains:
        - name: checkout-v2
          match:
            method: POST
            path: /shops/{shop}/checkout
            headers: {Api-Version: "2"}
          segments: [validate, price]
        - name: checkout
          match: POST /shops/{shop}/checkout
          segments: [validate, price/price]
          metadata:
            channel: web
            shop: {path: shop}
            customer.tier: {header: Customer-Tier, default: standard}
            customer.id: {header: Customer-Id}
          deadline: 2s
        - name: status
          match: "* /status"
          segments: [validate]
      """, "chains.yaml").compiled();

  /** A header lookup by case-insensitive name, as the JDK server's headers are. */
  private static Function<String, String> headers(String... pairs) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i].toLowerCase(Locale.ROOT), pairs[i + 1]);
    }
    return name -> map.get(name.toLowerCase(Locale.ROOT));
  }

  private static String matched(String method, String path, Function<String, String> headers) {
    CompiledCatalogue.Match m = CATALOGUE.match(method, path, headers);
    return m == null ? null : m.entry().name();
  }

  @Test
  void matchesMethodAndPathWithVariables() {
    CompiledCatalogue.Match m = CATALOGUE.match("POST", "/shops/acme/checkout", headers());

    assertEquals("checkout", m.entry().name());
    assertEquals(Map.of("shop", "acme"), m.variables());
  }

  @Test
  void wrongMethodDoesNotMatch() {
    assertNull(matched("GET", "/shops/acme/checkout", headers()));
  }

  @Test
  void headerMatchSelectsTheEntryOnlyWithTheExactValue() {
    assertEquals("checkout-v2", matched("POST", "/shops/acme/checkout", headers("api-version", "2")));
    assertEquals("checkout", matched("POST", "/shops/acme/checkout", headers("Api-Version", "3")));
  }

  @Test
  void firstMatchingEntryWins() {
    assertEquals("checkout-v2", matched("POST", "/shops/acme/checkout", headers("Api-Version", "2")));
  }

  @Test
  void wildcardMethodMatchesAnyMethod() {
    assertEquals("status", matched("DELETE", "/status", headers()));
    assertEquals("status", matched("GET", "/status", headers()));
  }

  @Test
  void trailingSlashIsIgnoredAndOtherPathsDoNotMatch() {
    assertEquals("checkout", matched("POST", "/shops/acme/checkout/", headers()));
    assertNull(matched("POST", "/shops/acme/checkout/now", headers()));
    assertNull(matched("POST", "/shops//checkout", headers()));
  }

  @Test
  void pathVariablesArePercentDecodedAsUtf8() {
    CompiledCatalogue.Match m = CATALOGUE.match("POST", "/shops/caf%C3%A9%20bar/checkout", headers());

    assertEquals("café bar", m.variables().get("shop"));
  }

  @Test
  void brokenPercentEscapeInAVariableDoesNotMatch() {
    assertNull(matched("POST", "/shops/caf%C3/checkout", headers()));
  }

  @Test
  void metadataComesFromLiteralsPathVariablesAndHeaders() {
    CompiledCatalogue.Match m = CATALOGUE.match("POST", "/shops/acme/checkout", headers());
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    ChainDescriptor d = m.entry().descriptor(m.variables(), headers("customer-tier", "gold", "Customer-Id", "c-7"),
        now, Segment.of("edge"));

    assertEquals(Map.of("channel", "web", "shop", "acme", "customer.tier", "gold", "customer.id", "c-7"),
        d.edgeMetadata());
    assertEquals("checkout", d.chainName().orElseThrow());
    assertEquals(EdgeTestKit.segments("validate").get(0), d.segments().get(0));
    assertEquals(Segment.of("price", "price"), d.segments().get(1));
    assertEquals(now.plus(Duration.ofSeconds(2)), d.deadline().orElseThrow());
    assertEquals(2 + 4, d.hopLimit());
  }

  @Test
  void absentHeaderTakesItsDefaultOrLeavesTheEntryOut() {
    CompiledCatalogue.Match m = CATALOGUE.match("POST", "/shops/acme/checkout", headers());

    ChainDescriptor d = m.entry().descriptor(m.variables(), headers(), Instant.now(), Segment.of("edge"));

    assertEquals("standard", d.edgeMetadata().get("customer.tier"));
    assertTrue(!d.edgeMetadata().containsKey("customer.id"), d.edgeMetadata()::toString);
  }

  @Test
  void everyDescriptorGetsAFreshChainId() {
    CompiledCatalogue.Match m = CATALOGUE.match("POST", "/status", headers());

    ChainDescriptor a = m.entry().descriptor(m.variables(), headers(), Instant.now(), Segment.of("edge"));
    ChainDescriptor b = m.entry().descriptor(m.variables(), headers(), Instant.now(), Segment.of("edge"));

    assertTrue(!a.chainId().equals(b.chainId()));
  }

  @Test
  void pathPatternRefusesVariablesThatAreNotWholeSegments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathPattern.compile("/a/x{id}"));

    assertTrue(e.getMessage().contains("character '{' at 4"), e::getMessage);
  }

  @Test
  void pathPatternRefusesAPathWithoutLeadingSlash() {
    assertThrows(IllegalArgumentException.class, () -> PathPattern.compile("orders/{id}"));
  }
}
