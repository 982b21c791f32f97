package io.chainmesh.examples.shop;

import static io.chainmesh.examples.shop.ShopHops.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainResponse;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge cases of every shop function, each function served by a real hop and reached directly
 * (as a body between hops could be, since only the descriptor is signed): what it refuses, with
 * which problem document, and that nothing runs after a refusal.
 */
class ShopFunctionsTest {
  private static ShopHops hops;

  @BeforeAll
  static void start() {
    hops = new ShopHops();
  }

  @AfterAll
  static void stop() {
    hops.close();
  }

  @BeforeEach
  void reset() {
    hops.sink.calls.set(0);
    hops.sink.context.clear();
  }

  // ---- validate

  @Test
  void validateForwardsAnOrderAtEveryLimitUnchanged() {
    String order = order("o-1", "bob", lines("sofa", Order.MAX_QUANTITY, Order.MAX_LINES));

    ChainResponse answer = hops.send(order, "validate", "sink");

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals(1, hops.sink.calls.get());
  }

  @Test
  void validateRefusesAnOrderWithoutLines() {
    assertRefused(hops.send(order("o-1", "bob", ""), "validate", "sink"), "order.line_count_out_of_range", "lines");
  }

  @Test
  void validateRefusesAnOrderWithoutALinesField() {
    assertRefused(hops.send("{\"orderId\":\"o-1\",\"customer\":\"bob\"}", "validate", "sink"),
        "order.field_missing", "lines");
  }

  @Test
  void validateRefusesOneLineMoreThanTheLimit() {
    String order = order("o-1", "bob", lines("book", 1, Order.MAX_LINES + 1));

    assertRefused(hops.send(order, "validate", "sink"), "order.line_count_out_of_range", "lines");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Order.MAX_QUANTITY + 1, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void validateRefusesAQuantityOutOfRangeNamingTheLine(int quantity) {
    String order = order("o-1", "bob", line("book", 1) + "," + line("sofa", quantity));

    ChainProblem problem = assertRefused(hops.send(order, "validate", "sink"), "order.quantity_out_of_range",
        "lines[1].quantity");
    assertTrue(problem.detail().contains(Integer.toString(quantity)), problem::detail);
  }

  @Test
  void validateRefusesALineWithoutQuantity() {
    assertRefused(hops.send(order("o-1", "bob", "{\"sku\":\"book\"}"), "validate", "sink"),
        "order.quantity_out_of_range", "lines[0].quantity");
  }

  @Test
  void validateRefusesAnUnknownSkuWithoutEchoingIt() {
    String order = order("o-1", "bob", line("<img src=x onerror=alert(1)>", 1));

    ChainResponse answer = hops.send(order, "validate", "sink");

    assertRefused(answer, "order.unknown_sku", "lines[0].sku");
    assertFalse(answer.bodyString().contains("onerror"), answer::bodyString);
  }

  @Test
  void validateRefusesALineWithoutSku() {
    assertRefused(hops.send(order("o-1", "bob", "{\"quantity\":1}"), "validate", "sink"),
        "order.field_missing", "lines[0].sku");
  }

  @Test
  void validateRefusesAnEmptyLine() {
    assertRefused(hops.send(order("o-1", "bob", "null"), "validate", "sink"), "order.field_missing", "lines[0]");
  }

  @Test
  void validateRefusesAnOrderWithoutOrderIdOrCustomer() {
    assertRefused(hops.send("{\"customer\":\"bob\",\"lines\":[" + line("book", 1) + "]}", "validate", "sink"),
        "order.field_missing", "orderId");
    assertRefused(hops.send("{\"orderId\":\"o-1\",\"lines\":[" + line("book", 1) + "]}", "validate", "sink"),
        "order.field_missing", "customer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "o 1", "o-1\\u0000", "o-1\\n<b>", "\\u00e9t\\u00e9"})
  void validateRefusesAnOrderIdOutsideItsSyntax(String orderId) {
    assertRefused(hops.send(order(orderId, "bob", line("book", 1)), "validate", "sink"), "order.field_invalid",
        "orderId");
  }

  @Test
  void validateRefusesAnOrderIdLongerThanTheLimit() {
    String orderId = "o".repeat(Order.MAX_ID_LENGTH + 1);

    ChainResponse answer = hops.send(order(orderId, "bob", line("book", 1)), "validate", "sink");

    assertRefused(answer, "order.field_invalid", "orderId");
    assertFalse(answer.bodyString().contains(orderId), answer::bodyString);
  }

  @Test
  void validateRefusesAJsonNullBody() {
    assertRefused(hops.send("null", "validate", "sink"), "order.field_missing", null);
  }

  @Test
  void malformedJsonIsRefusedByTheHopBeforeValidateRuns() {
    ChainResponse answer = hops.send("{\"orderId\":\"o-1\",\"lines\":[", "validate", "sink");

    assertEquals(400, answer.status(), answer::bodyString);
    assertEquals("body.malformed", answer.problem().orElseThrow().reasonCode());
    assertEquals(0, hops.sink.calls.get());
  }

  @Test
  void aQuantityBeyondIntIsRefusedByTheHopBeforeValidateRuns() {
    ChainResponse answer = hops.send(order("o-1", "bob", "{\"sku\":\"sofa\",\"quantity\":2147483648}"), "validate",
        "sink");

    assertEquals(400, answer.status(), answer::bodyString);
    assertEquals("body.malformed", answer.problem().orElseThrow().reasonCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "0.999", "1e0"})
  void aFractionalQuantityIsRefusedByTheHopNotTruncated(String quantity) {
    ChainResponse answer = hops.send(order("o-1", "bob", "{\"sku\":\"sofa\",\"quantity\":" + quantity + "}"),
        "validate", "sink");

    assertEquals(400, answer.status(), answer::bodyString);
    assertEquals("body.malformed", answer.problem().orElseThrow().reasonCode());
    assertEquals(0, hops.sink.calls.get());
  }

  // ---- enrich and loyalty: they read the order too, and do not take it on trust

  @Test
  void enrichRefusesAnOrderWithoutCustomer() {
    assertRefused(hops.send("{\"orderId\":\"o-1\",\"lines\":[" + line("book", 1) + "]}", "enrich", "sink"),
        "order.field_missing", "customer");
  }

  @Test
  void enrichRefusesAnOrderValidateWouldRefuse() {
    assertRefused(hops.send(order("o-1", "bob", line("sofa", Integer.MAX_VALUE)), "enrich", "sink"),
        "order.quantity_out_of_range", "lines[0].quantity");
  }

  @Test
  void loyaltyRefusesAnOrderValidateWouldRefuse() {
    assertRefused(hops.send(order("o-1", "ada", line("sofa", -3)), "loyalty", "sink"),
        "order.quantity_out_of_range", "lines[0].quantity");
  }

  // ---- price

  @Test
  void priceRefusesTheOverflowingOrderWhenValidateWasSkipped() {
    String order = order("o-1", "eve", lines("sofa", Integer.MAX_VALUE, 478));

    assertRefused(hops.send(order, price("EUR"), "sink"), "order.line_count_out_of_range", "lines");
  }

  @Test
  void priceRoundsOnceHalfEvenAfterDiscountAndConversion() {
    // 4 900 cents less 10 % is 4 410; at 1.08 that is 4 762.8, which rounds to 4 763 (not 4 762).
    ChainDescriptor.Builder gold = ChainDescriptor.builder().contextMetadata("loyalty.discount_percent", "10");

    ChainResponse answer = hops.send(gold, order("o-1", "ada", line("lamp", 1)), price("USD"), "sink");

    assertEquals(200, answer.status(), answer::bodyString);
    assertTrue(answer.bodyString().contains("\"totalCents\":4763"), answer::bodyString);
  }

  @Test
  void priceOfTheLargestOrderIsExact() {
    ChainResponse answer = hops.send(order("o-1", "bob", lines("sofa", Order.MAX_QUANTITY, Order.MAX_LINES)),
        price("EUR"), "sink");

    assertEquals(200, answer.status(), answer::bodyString);
    assertTrue(answer.bodyString().contains("\"totalCents\":8990000000"), answer::bodyString);
  }

  @Test
  void priceTotalThrowsRatherThanWrapsPastLong() {
    List<Order.Line> lines = Collections.nCopies(50_000, new Order.Line("sofa", Integer.MAX_VALUE));

    assertThrows(ArithmeticException.class, () -> ShopFunctions.Price.totalCents(lines, 0, BigDecimal.ONE));
  }

  @Test
  void priceInACurrencyWithoutARateIsTheHopsFailureNotAQuoteInEuros() {
    ChainResponse answer = hops.send(order("o-1", "bob", line("book", 1)), price("GBP"), "sink");

    assertEquals(500, answer.status(), answer::bodyString);
    assertEquals("handler.failed", answer.problem().orElseThrow().reasonCode());
    assertEquals(0, hops.sink.calls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"150", "-5", "ten"})
  void priceWithADiscountOutOfRangeIsTheHopsFailureNotANegativeTotal(String discount) {
    ChainDescriptor.Builder chain = ChainDescriptor.builder().contextMetadata("loyalty.discount_percent", discount);

    ChainResponse answer = hops.send(chain, order("o-1", "bob", line("book", 1)), price("EUR"), "sink");

    assertEquals(500, answer.status(), answer::bodyString);
    assertEquals("handler.failed", answer.problem().orElseThrow().reasonCode());
    assertEquals(0, hops.sink.calls.get());
  }

  // ---- fraud

  @Test
  void fraudForwardsATotalAtTheLimit() {
    ChainResponse answer = hops.send(quote("EUR", ShopFunctions.FRAUD_LIMIT_CENTS), "fraud", "sink");

    assertEquals(200, answer.status(), answer::bodyString);
    assertEquals("0.12", hops.sink.context.get("fraud.score"));
  }

  @Test
  void fraudBlocksATotalAboveTheLimitWithAProblem() {
    ChainResponse answer = hops.send(quote("EUR", ShopFunctions.FRAUD_LIMIT_CENTS + 1), "fraud", "sink");

    assertEquals(403, answer.status(), answer::bodyString);
    assertEquals("order.blocked", answer.problem().orElseThrow().reasonCode());
    assertEquals(0, hops.sink.calls.get());
  }

  @Test
  void fraudRefusesANegativeTotal() {
    assertRefused(hops.send(quote("EUR", -1), "fraud", "sink"), "quote.total_out_of_range", "totalCents");
  }

  @Test
  void fraudRefusesAQuoteInAnUnknownCurrency() {
    assertRefused(hops.send(quote("XXX", 100), "fraud", "sink"), "quote.currency_unknown", "currency");
  }

  @Test
  void fraudRefusesAQuoteWhoseLinesValidateWouldRefuse() {
    String quote = "{\"orderId\":\"o-1\",\"customer\":\"bob\",\"lines\":[" + line("sofa", Integer.MAX_VALUE)
        + "],\"currency\":\"EUR\",\"totalCents\":1,\"discountPercent\":0}";

    assertRefused(hops.send(quote, "fraud", "sink"), "order.quantity_out_of_range", "lines[0].quantity");
  }

  // ---- receipt

  @Test
  void receiptRefusesAQuoteWithoutLines() {
    String quote = "{\"orderId\":\"o-1\",\"customer\":\"bob\",\"currency\":\"EUR\",\"totalCents\":1}";

    assertRefused(hops.send(quote, "receipt"), "order.field_missing", "lines");
  }

  @Test
  void receiptRefusesALineWithoutSku() {
    String quote = "{\"orderId\":\"o-1\",\"customer\":\"bob\",\"lines\":[{\"quantity\":1}],\"currency\":\"EUR\","
        + "\"totalCents\":1}";

    assertRefused(hops.send(quote, "receipt"), "order.field_missing", "lines[0].sku");
  }

  @Test
  void receiptRefusesANegativeTotal() {
    assertRefused(hops.send(quote("EUR", -42), "receipt"), "quote.total_out_of_range", "totalCents");
  }

  // ---- helpers

  /** Asserts a 422 problem with {@code code} naming {@code field}, and that nothing ran after the refusal. */
  private static ChainProblem assertRefused(ChainResponse answer, String code, String field) {
    assertEquals(422, answer.status(), answer::bodyString);
    ChainProblem problem = answer.problem().orElseThrow(() -> new AssertionError("not a problem document: "
        + answer.contentType() + " " + answer.bodyString()));
    assertEquals(code, problem.reasonCode(), answer::bodyString);
    assertEquals(java.util.Optional.ofNullable(field), problem.field(), answer::bodyString);
    assertTrue(problem.hop().isPresent() && problem.segment().isPresent(), answer::bodyString);
    assertEquals(0, hops.sink.calls.get(), "a function ran after the refusal");
    return problem;
  }

  static String order(String orderId, String customer, String lines) {
    return "{\"orderId\":\"" + orderId + "\",\"customer\":\"" + customer + "\",\"lines\":[" + lines + "]}";
  }

  static String line(String sku, int quantity) {
    return "{\"sku\":\"" + sku.replace("\"", "\\\"") + "\",\"quantity\":" + quantity + "}";
  }

  static String lines(String sku, int quantity, int count) {
    return String.join(",", Collections.nCopies(count, line(sku, quantity)));
  }

  private static String quote(String currency, long totalCents) {
    return "{\"orderId\":\"o-1\",\"customer\":\"bob\",\"lines\":[" + line("book", 1) + "],\"currency\":\"" + currency
        + "\",\"totalCents\":" + totalCents + ",\"discountPercent\":0}";
  }
}
