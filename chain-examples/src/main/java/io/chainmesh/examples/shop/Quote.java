package io.chainmesh.examples.shop;

import io.chainmesh.http.ChainProblem;
import java.util.List;
import java.util.Optional;

/**
 * A priced order: the total in the currency's minor units (cents), exact. Bodies between hops are
 * not signed (only the descriptor is), so a hop that reads a quote checks it with {@link #problemWith}.
 */
public record Quote(String orderId, String customer, List<Order.Line> lines, String currency, long totalCents,
    int discountPercent) {

  /**
   * What makes {@code quote} unusable, as a {@code 422} problem naming the field, or empty: it must
   * be there, its order part pass {@link Order#problemWith}, its currency be one the shop prices in, its discount
   * 0 to 100 % and its total not negative.
   */
  public static Optional<ChainProblem> problemWith(Quote quote) {
    if (quote == null) {
      return Order.refuse("quote.field_missing", null, "the body is not a quote");
    }
    Optional<ChainProblem> order = Order.problemWith(new Order(quote.orderId, quote.customer, quote.lines));
    return order.isPresent() ? order : quote.problem();
  }

  private Optional<ChainProblem> problem() {
    if (currency == null || !ShopFunctions.RATES_FROM_EUR.containsKey(currency)) {
      return Order.refuse("quote.currency_unknown", "currency", "the quote's currency is not one the shop prices in");
    }
    if (discountPercent < 0 || discountPercent > 100) {
      return Order.refuse("quote.discount_out_of_range", "discountPercent", "a discount is 0 to 100 %");
    }
    if (totalCents < 0) {
      return Order.refuse("quote.total_out_of_range", "totalCents", "a total is never negative");
    }
    return Optional.empty();
  }
}
