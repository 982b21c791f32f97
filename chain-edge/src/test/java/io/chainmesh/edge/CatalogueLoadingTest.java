package io.chainmesh.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.edge.internal.ChainEntry;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loading and validating catalogues: every problem names file, line, column and field. */
class CatalogueLoadingTest {
  private static final String SERVICES = """
      services:
        validate: http://validate.test:8080/
        price: http://price.test:8080/
      """;

  private static Catalogue parse(String yaml) {
    return Catalogue.loader().parse(yaml, "chains.yaml");
  }

  private static CatalogueException.Problem onlyProblem(Catalogue.Loader loader, String yaml) {
    CatalogueException e = assertThrows(CatalogueException.class, () -> loader.parse(yaml, "chains.yaml"));
    assertEquals(1, e.problems().size(), () -> "expected one problem, got: " + e.getMessage());
    CatalogueException.Problem p = e.problems().get(0);
    assertEquals("chains.yaml", p.source());
    assertTrue(e.getMessage().startsWith("chains.yaml:" + p.line() + ":" + p.column() + ": "), e.getMessage());
    return p;
  }

  private static CatalogueException.Problem onlyProblem(String yaml) {
    return onlyProblem(Catalogue.loader(), yaml);
  }

  private static void assertProblem(CatalogueException.Problem p, int line, String field, String messagePart) {
    assertEquals(line, p.line(), p::toString);
    assertEquals(field, p.field(), p::toString);
    assertTrue(p.message().contains(messagePart), () -> "message should contain '" + messagePart + "': " + p);
  }

  @Test
  void loadsTheSampleCatalogueWithEveryField() throws URISyntaxException {
    Path sample = Path.of(getClass().getResource("/shop-catalogue.yaml").toURI());
    Catalogue catalogue = Catalogue.load(sample);

    assertEquals(List.of("quote", "checkout", "checkout-v2", "checkout-async"), catalogue.chainNames());
    assertEquals(Set.of("validate", "enrich", "price", "fraud", "receipt"), catalogue.services());
    ChainEntry checkout = catalogue.compiled().entries().get(1);
    assertEquals(9, checkout.hopLimit());
    assertEquals(Duration.ofSeconds(5), checkout.deadline());
    assertEquals(Duration.ofSeconds(30), checkout.lifetime());
    assertEquals("EUR", checkout.segments().get(2).argument("currency").orElseThrow());
    ChainEntry async = catalogue.compiled().entries().get(3);
    assertEquals(ReturnMode.ASYNC, async.mode());
    assertEquals(Duration.ofSeconds(60), async.lifetime());
  }

  @Test
  void unknownSegmentServiceIsRefusedNamingFileLineAndField() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate, pricing]
        """);

    assertProblem(p, 7, "chains[0].segments[1].service", "unknown service \"pricing\"");
    assertEquals(26, p.column());
    assertTrue(p.message().contains("[price, validate]"), p::toString);
  }

  @Test
  void withoutServicesSectionSegmentNamesAreCheckedWithTheResolver() {
    SegmentResolver resolver = SegmentResolver.staticMap(Map.of("validate", URI.create("http://validate.test/")));
    String yaml = """
        chains:
          - name: quote
            match: POST /quote
            segments:
              - validate
              - service: nope
        """;

    CatalogueException.Problem p = onlyProblem(Catalogue.loader().resolver(resolver), yaml);

    assertProblem(p, 6, "chains[0].segments[1].service", "the edge's resolver refuses it");
  }

  @Test
  void serviceNamesWithoutUrlsNeedAResolver() {
    CatalogueException.Problem p = onlyProblem("""
        services: [validate]
        chains:
          - {name: quote, match: POST /quote, segments: [validate]}
        """);

    assertProblem(p, 1, "services", "no resolver was given");
  }

  @Test
  void badPathPatternIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: order
            match:
              method: GET
              path: /orders/{id
            segments: [validate]
        """);

    assertProblem(p, 8, "chains[0].match.path", "bad path pattern \"/orders/{id\"");
  }

  @Test
  void duplicateChainNameIsRefusedNamingTheFirstUse() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
          - name: quote
            match: POST /quote2
            segments: [price]
        """);

    assertProblem(p, 8, "chains[1].name", "chain name \"quote\" is already used at line 5");
  }

  @Test
  void moreSegmentsThanTheLimitsAllowIsRefused() {
    DecodeLimits limits = DecodeLimits.builder().maxSegments(2).build();
    CatalogueException.Problem p = onlyProblem(Catalogue.loader().limits(limits), SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate, price, validate]
        """);

    assertProblem(p, 7, "chains[0].segments", "3 segments; the limits allow 2");
  }

  @Test
  void metadataValueOverTheLimitIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
            metadata:
              note: %s
        """.formatted("x".repeat(1025)));

    assertProblem(p, 9, "chains[0].metadata.note", "value of 1025 bytes; the limits allow 1024");
  }

  @Test
  void hopLimitAboveTheLimitsIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
            hopLimit: 300
        """);

    assertProblem(p, 8, "chains[0].hopLimit", "outside [1, 255]");
  }

  @Test
  void hopLimitThatCannotReachTheLastSegmentIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate, price]
            hopLimit: 1
        """);

    assertProblem(p, 8, "chains[0].hopLimit", "cannot reach the last of the chain's 2 segments");
  }

  @Test
  void descriptorLargerThanTheHeaderLimitIsRefused() {
    DecodeLimits limits = DecodeLimits.builder().maxHeaderBytes(256).build();
    CatalogueException.Problem p = onlyProblem(Catalogue.loader().limits(limits), SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate, price]
            metadata:
              a: %s
              b: %s
        """.formatted("x".repeat(200), "y".repeat(200)));

    assertProblem(p, 5, "chains[0]", "descriptor.too_large");
  }

  @Test
  void unknownFieldIsRefusedWithTheExpectedOnes() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
            deadlin: 5s
        """);

    assertProblem(p, 8, "chains[0].deadlin", "unknown field \"deadlin\"; expected one of [name, match,");
  }

  @Test
  void yamlSyntaxErrorNamesLineAndColumn() {
    CatalogueException.Problem p = onlyProblem("""
        chains:
          - name: quote
            segments: [validate, price
            match: POST /quote
        """);

    assertEquals(4, p.line(), p::toString);
    assertTrue(p.message().startsWith("not valid YAML: "), p::toString);
  }

  @Test
  void duplicateYamlKeyIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            name: quote2
            match: POST /quote
            segments: [validate]
        """);

    assertEquals(6, p.line(), p::toString);
    assertTrue(p.message().contains("duplicate key \"name\" (first at line 5)"), p::toString);
  }

  @Test
  void metadataFromAPathVariableTheMatchDoesNotHaveIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: checkout
            match: POST /shops/{shop}/checkout
            segments: [validate]
            metadata:
              store: {path: store}
        """);

    assertProblem(p, 9, "chains[0].metadata.store.path", "has no variable {store}; it has [shop]");
  }

  @Test
  void chainHeadersCannotBeReadIntoMetadata() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
            metadata:
              injected: {header: chain-descriptor}
        """);

    assertProblem(p, 9, "chains[0].metadata.injected.header", "is a chain header");
  }

  @Test
  void lifetimeShorterThanTheDeadlineIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - name: quote
            match: POST /quote
            segments: [validate]
            deadline: 30s
            lifetime: 10s
        """);

    assertProblem(p, 9, "chains[0].lifetime", "shorter than the deadline 30s");
  }

  @Test
  void durationsFollowTheCommandLineGrammar() {
    ChainEntry entry = parse(SERVICES + """
        defaults:
          deadline: 5 s
        chains:
          - {name: quote, match: POST /quote, segments: [validate], lifetime: 2 min}
          - {name: order, match: POST /order, segments: [validate], deadline: PT0.25S}
        """).compiled().entries().get(0);

    assertEquals(Duration.ofSeconds(5), entry.deadline());
    assertEquals(Duration.ofMinutes(2), entry.lifetime());
  }

  @Test
  void zeroDurationIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        chains:
          - {name: quote, match: POST /quote, segments: [validate], deadline: 0s}
        """);

    assertProblem(p, 5, "chains[0].deadline", "must be longer than 0, was \"0s\"");
  }

  @Test
  void badDurationIsRefused() {
    CatalogueException.Problem p = onlyProblem(SERVICES + """
        defaults:
          deadline: 5 seconds
        chains:
          - {name: quote, match: POST /quote, segments: [validate]}
        """);

    assertProblem(p, 5, "defaults.deadline", "is not a duration");
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() {
    CatalogueException e = assertThrows(CatalogueException.class, () -> parse(SERVICES + """
        chains:
          - name: quote
            match: {method: "G?T", path: /quote}
            segments: [validate]
          - name: order
            match: POST /order
            segments: [nope]
        """));

    assertEquals(2, e.problems().size(), e::getMessage);
    assertEquals("chains[0].match.method", e.problems().get(0).field());
    assertEquals("chains[1].segments[0].service", e.problems().get(1).field());
    assertTrue(e.getMessage().startsWith("2 problems in the catalogue:"), e::getMessage);
  }

  @Test
  void unreadableFileIsReportedByName() {
    Path missing = Path.of("no-such-dir", "chains.yaml");

    CatalogueException e = assertThrows(CatalogueException.class, () -> Catalogue.load(missing));

    assertEquals(missing.toString(), e.problems().get(0).source());
    assertTrue(e.getMessage().contains("cannot read the catalogue"), e::getMessage);
  }
}
