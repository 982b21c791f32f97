package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentTest {

  private static String label(char c, int length) {
    return String.valueOf(c).repeat(length);
  }

  @Nested
  class ServiceName {
    @Test
    void segmentOfServiceNamesTheWholeService() {
      Segment s = Segment.of("pricing.shop.svc");

      assertEquals("pricing.shop.svc", s.service());
      assertEquals(Optional.empty(), s.function());
      assertEquals(Map.of(), s.arguments());
      assertFalse(s.isUrl());
      assertEquals(Optional.empty(), s.url());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0a", "pricing", "a-1.b2.c-d-e", "123.456a", "10.0.0.example", "xn--bcher-kva.example"})
    void acceptsLowerCaseDnsNames(String name) {
      assertEquals(name, Segment.of(name).service());
    }

    @Test
    void segmentsWithArgumentsInAnotherOrderAreNotEqualBecauseTheyEncodeDifferently() {
      Segment ab = Segment.builder("price").argument("a", "1").argument("b", "2").build();
      Segment ba = Segment.builder("price").argument("b", "2").argument("a", "1").build();

      assertNotEquals(ab, ba);
    }

    @Test
    void urlSegmentsDifferingInHostCaseAreNotEqualBecauseTheyEncodeDifferently() {
      assertNotEquals(Segment.url(java.net.URI.create("http://Example.com/x")),
          Segment.url(java.net.URI.create("http://example.com/x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "127.0.0.1", "169.254.169.254", "10.0.0.7", "pricing.42", "2130706433"})
    void refusesNamesEndingInAnAllNumericLabelAsAddresses(String name) {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
      assertTrue(e.detail().contains("IP address"), e.detail());
    }

    @Test
    void acceptsNameOf253CharactersInLabelsOf63() {
      String name = label('a', 63) + "." + label('b', 63) + "." + label('c', 63) + "." + label('d', 61);
      assertEquals(253, name.length());

      assertEquals(name, Segment.of(name).service());
    }

    @Test
    void refusesNameOf254Characters() {
      String name = label('a', 63) + "." + label('b', 63) + "." + label('c', 63) + "." + label('d', 62);

      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
      assertTrue(e.detail().contains("254"), e.detail());
    }

    @Test
    void acceptsLabelOf63Characters() {
      assertEquals(label('x', 63) + ".svc", Segment.of(label('x', 63) + ".svc").service());
    }

    @Test
    void refusesLabelOf64Characters() {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service",
          () -> Segment.of("svc." + label('x', 64)));
      assertTrue(e.detail().contains("label of 64 characters at character 4"), e.detail());
    }

    @Test
    void refusesEmptyName() {
      refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {".pricing", "pricing.", "pricing..shop"})
    void refusesEmptyLabels(String name) {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
      assertTrue(e.detail().contains("empty label"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-pricing", "pricing-", "shop.-pricing", "pricing-.shop"})
    void refusesLabelsStartingOrEndingWithHyphen(String name) {
      refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pricing", "pricing.Shop", "PRICING"})
    void refusesUpperCase(String name) {
      refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"my_service", "_pricing._tcp"})
    void refusesUnderscore(String name) {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
      assertTrue(e.detail().contains("'_'"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://pricing", "pricing:8080", "pricing/quote", "10.0.0.1:80", "//metadata"})
    void refusesUrlLookingNames(String name) {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
      assertTrue(e.detail().contains("looks like a URL"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pricing svc", "prícing", "pricing\n", "pri\u0000cing"})
    void refusesSpacesControlAndNonAsciiCharacters(String name) {
      refused(Reason.SEGMENT_INVALID_NAME, "service", () -> Segment.of(name));
    }
  }

  @Nested
  class FunctionName {
    @ParameterizedTest
    @ValueSource(strings = {"quote", "Quote", "quote_v2", "a.b-c", "9lives"})
    void acceptsTokens(String function) {
      assertEquals(Optional.of(function), Segment.of("pricing", function).function());
    }

    @Test
    void acceptsFunctionOf63Characters() {
      String function = label('f', 63);
      assertEquals(Optional.of(function), Segment.of("pricing", function).function());
    }

    @Test
    void refusesFunctionOf64Characters() {
      refused(Reason.SEGMENT_INVALID_NAME, "function", () -> Segment.of("pricing", label('f', 64)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "_quote", "-quote", ".quote", "quote/price", "quote price", "quote:1", "quöte"})
    void refusesNonTokens(String function) {
      refused(Reason.SEGMENT_INVALID_NAME, "function", () -> Segment.of("pricing", function));
    }

    @Test
    void nullFunctionMeansNone() {
      assertEquals(Optional.empty(), Segment.builder("pricing").function(null).build().function());
    }
  }

  @Nested
  class Arguments {
    @Test
    void keepsArgumentsInTheOrderGiven() {
      Segment s = Segment.builder("pricing").argument("zone", "eu").argument("amount", "12")
          .argument("mode", "fast").build();

      assertEquals(List.of("zone", "amount", "mode"), List.copyOf(s.arguments().keySet()));
      assertEquals(Optional.of("12"), s.argument("amount"));
      assertEquals(Optional.empty(), s.argument("missing"));
    }

    @Test
    void argumentsFromAMapKeepItsIterationOrder() {
      Map<String, String> map = new LinkedHashMap<>();
      map.put("b", "2");
      map.put("a", "1");

      Segment s = Segment.builder("pricing").arguments(map).build();

      assertEquals(List.of("b", "a"), List.copyOf(s.arguments().keySet()));
    }

    @Test
    void refusesDuplicateArgumentKey() {
      Segment.Builder b = Segment.builder("pricing").argument("currency", "EUR");

      refused(Reason.METADATA_DUPLICATE_KEY, "arguments", () -> b.argument("currency", "USD"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Currency", "_currency", "-currency", "cur rency", "cur/rency", "cur=rency"})
    void refusesBadArgumentKeys(String key) {
      refused(Reason.METADATA_INVALID_KEY, "arguments",
          () -> Segment.builder("pricing").argument(key, "v").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "currency", "x.y_z-1"})
    void acceptsArgumentKeys(String key) {
      assertEquals(Optional.of("v"), Segment.builder("pricing").argument(key, "v").build().argument(key));
    }

    @Test
    void argumentValuesMayBeAnyText() {
      Segment s = Segment.builder("pricing").argument("note", "").argument("text", "a=b, {c}\n€").build();

      assertEquals("", s.arguments().get("note"));
      assertEquals("a=b, {c}\n€", s.arguments().get("text"));
    }

    @Test
    void argumentsCannotBeModified() {
      Segment s = Segment.builder("pricing").argument("a", "1").build();

      assertThrows(UnsupportedOperationException.class, () -> s.arguments().put("b", "2"));
      assertThrows(UnsupportedOperationException.class, () -> Segment.of("p").arguments().put("b", "2"));
    }

    @Test
    void laterBuilderChangesDoNotReachABuiltSegment() {
      Segment.Builder b = Segment.builder("pricing").argument("a", "1");
      Segment built = b.build();

      b.argument("b", "2");

      assertEquals(Map.of("a", "1"), built.arguments());
    }
  }

  @Nested
  class RawUrl {
    @Test
    void holdsAnAbsoluteHttpsUrl() {
      URI url = URI.create("https://fraud.partner.example:8443/score?v=2");
      Segment s = Segment.url(url);

      assertTrue(s.isUrl());
      assertEquals(Optional.of(url), s.url());
      assertEquals("https://fraud.partner.example:8443/score?v=2", s.service());
      assertEquals(Optional.empty(), s.function());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.7/", "HTTP://pricing.internal", "https://a.b"})
    void acceptsHttpAndHttpsUrlsWithHost(String url) {
      assertTrue(Segment.url(URI.create(url)).isUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example/x", "file:///etc/passwd", "gopher://x.example/",
        "mailto:ops@example.com", "http:pricing", "/relative/path", "pricing.shop"})
    void refusesAnythingButAbsoluteHttpOrHttps(String url) {
      refused(Reason.SEGMENT_INVALID_NAME, "url", () -> Segment.url(URI.create(url)));
    }

    @Test
    void refusesUserInfoWithoutQuotingIt() {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "url",
          () -> Segment.url(URI.create("https://admin:hunter2@pricing.example/")));

      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http:///path", "http://under_score.example/", "https://:8080/"})
    void refusesUrlWithoutHost(String url) {
      ChainException e = refused(Reason.SEGMENT_INVALID_NAME, "url", () -> Segment.url(URI.create(url)));
      assertTrue(e.detail().contains("host"), e.detail());
    }
  }

  @Nested
  class Matching {
    @Test
    void segmentWithFunctionMatchesOnlyThatFunctionOfThatService() {
      Segment s = Segment.of("pricing", "quote");

      assertTrue(s.matches("pricing", "quote"));
      assertFalse(s.matches("pricing", "refund"));
      assertFalse(s.matches("pricing", null));
      assertFalse(s.matches("billing", "quote"));
    }

    @Test
    void segmentWithoutFunctionMatchesAnyFunctionOfItsService() {
      Segment s = Segment.of("pricing");

      assertTrue(s.matches("pricing", "quote"));
      assertTrue(s.matches("pricing", null));
      assertFalse(s.matches("pricing.eu", "quote"));
    }

    @Test
    void rawUrlSegmentMatchesNoService() {
      Segment s = Segment.url(URI.create("http://pricing/"));

      assertFalse(s.matches("http://pricing/", null));
      assertFalse(s.matches("pricing", null));
    }
  }

  @Nested
  class Text {
    @Test
    void toStringShowsServiceFunctionAndArguments() {
      Segment s = Segment.builder("pricing").function("quote").argument("currency", "EUR")
          .argument("tier", "gold").build();

      assertEquals("pricing/quote{currency=EUR, tier=gold}", s.toString());
    }

    @Test
    void toStringOfServiceOnly() {
      assertEquals("pricing.shop", Segment.of("pricing.shop").toString());
    }

    @Test
    void toStringOfRawUrlIsBracketed() {
      assertEquals("<https://x.example/a>", Segment.url(URI.create("https://x.example/a")).toString());
    }
  }

  @Nested
  class Equality {
    @Test
    void segmentsWithTheSameFieldsAreEqual() {
      Segment a = Segment.builder("pricing").function("quote").argument("c", "EUR").build();
      Segment b = Segment.builder("pricing").function("quote").argument("c", "EUR").build();

      assertEquals(a, b);
      assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void segmentsDifferingInAnyFieldAreNotEqual() {
      Segment base = Segment.builder("pricing").function("quote").argument("c", "EUR").build();

      assertNotEquals(base, Segment.builder("pricing.eu").function("quote").argument("c", "EUR").build());
      assertNotEquals(base, Segment.builder("pricing").function("refund").argument("c", "EUR").build());
      assertNotEquals(base, Segment.builder("pricing").function("quote").argument("c", "USD").build());
      assertNotEquals(base, Segment.builder("pricing").function("quote").build());
      assertNotEquals(Segment.of("pricing"), Segment.url(URI.create("http://pricing")));
    }
  }
}
