package io.chainmesh.examples.shop;

import io.chainmesh.core.Segment;
import io.chainmesh.http.Argument;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainReply;
import io.chainmesh.http.Forwarder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shop's functions. Each nested class is deployed as its own service (its own {@code ChainHop}
 * and port); a function is a plain annotated method that takes what it needs by type.
 *
 * <p>Every function checks the body it reads ({@link Order#problemWith}, {@link Quote#problemWith}) and
 * ends the chain with a {@code 422} problem document naming the field when it is unusable. Not only
 * {@code validate}: the descriptor is signed, the body between hops is not, so no hop takes a body
 * on trust. Money is a {@code long} of cents, summed with {@link Math#addExact} and
 * {@link Math#multiplyExact} and rounded once, half-even, by {@link BigDecimal}.
 */
public final class ShopFunctions {
  private ShopFunctions() {}

  static final Map<String, Long> PRICES_CENTS = Map.of("book", 1_500L, "lamp", 4_900L, "sofa", 89_900L,
      "giftcard", 5_000L);
  /** What one euro is worth in each currency the shop prices in. */
  static final Map<String, BigDecimal> RATES_FROM_EUR = Map.of("EUR", BigDecimal.ONE, "USD", new BigDecimal("1.08"));
  static final Map<String, String> CUSTOMER_TIERS = Map.of("ada", "gold", "bob", "standard", "eve", "standard");
  /** Totals above this many cents are blocked by {@code fraud}. */
  static final long FRAUD_LIMIT_CENTS = 500_000;

  /** Refuses orders that make no sense; passes the rest on unchanged. */
  public static final class Validate {
    /** Ends the chain with a 422 problem for an order {@link Order#problemWith} refuses; otherwise forwards it. */
    @ChainFunction("validate")
    public Object validate(Order order) {
      Optional<ChainProblem> problem = Order.problemWith(order);
      return problem.isPresent() ? ChainReply.problem(problem.get()) : order;
    }
  }

  /** Looks the customer up and tells downstream hops their tier; gold customers get a loyalty step. */
  public static final class Enrich {
    /** Adds {@code customer.tier} context and, for gold customers, inserts the {@code loyalty} segment. */
    @ChainFunction("enrich")
    public ChainReply enrich(Order order, Forwarder next) {
      Optional<ChainProblem> problem = Order.problemWith(order);
      if (problem.isPresent()) {
        return ChainReply.problem(problem.get());
      }
      String tier = CUSTOMER_TIERS.getOrDefault(order.customer(), "standard");
      next.context("customer.tier", tier);
      if (tier.equals("gold")) {
        next.insertAfterCurrent(List.of(Segment.of("loyalty")));
      }
      return next.forward(order);
    }
  }

  /** Grants gold customers a discount, read by {@code price}. */
  public static final class Loyalty {
    /** Adds {@code loyalty.discount_percent} context. */
    @ChainFunction("loyalty")
    public ChainReply loyalty(Order order, Forwarder next) {
      Optional<ChainProblem> problem = Order.problemWith(order);
      if (problem.isPresent()) {
        return ChainReply.problem(problem.get());
      }
      return next.forward(order, Map.of("loyalty.discount_percent", "10"));
    }
  }

  /** Prices an order in the currency its segment asks for. */
  public static final class Price {
    /**
     * Sums the lines, applies any loyalty discount, converts to {@code currency}, exactly. An order
     * {@link Order#problemWith} refuses, or one whose total would not fit a {@code long} of cents, ends
     * the chain with a 422 problem. A currency or discount the chain's own configuration got wrong
     * is this hop's failure ({@code 500 handler.failed}), not the client's.
     */
    @ChainFunction("price")
    public Object price(Order order, ChainContext chain, @Argument("currency") String currency) {
      Optional<ChainProblem> problem = Order.problemWith(order);
      if (problem.isPresent()) {
        return ChainReply.problem(problem.get());
      }
      BigDecimal rate = RATES_FROM_EUR.get(currency);
      if (rate == null) {
        throw new IllegalStateException("the segment asks for currency " + currency + ", which has no rate");
      }
      int discount = discountPercent(chain.metadata("loyalty.discount_percent").orElse("0"));
      long cents;
      try {
        cents = totalCents(order.lines(), discount, rate);
      } catch (ArithmeticException e) {
        return ChainReply.problem(ChainProblem.builder("order.total_out_of_range", 422,
            "the order's total is larger than the shop can price").field("lines").build());
      }
      return new Quote(order.orderId(), order.customer(), order.lines(), currency, cents, discount);
    }

    /**
     * The total in cents of {@code lines} less {@code discountPercent} %, times {@code rate}, rounded
     * once (half-even) at the end.
     *
     * @throws ArithmeticException if a step does not fit a {@code long}
     */
    static long totalCents(List<Order.Line> lines, int discountPercent, BigDecimal rate) {
      long cents = 0;
      for (Order.Line line : lines) {
        cents = Math.addExact(cents, Math.multiplyExact(PRICES_CENTS.get(line.sku()).longValue(), line.quantity()));
      }
      return BigDecimal.valueOf(cents).multiply(BigDecimal.valueOf(100 - discountPercent)).multiply(rate)
          .movePointLeft(2).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private static int discountPercent(String text) {
      int percent;
      try {
        percent = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        percent = -1;
      }
      if (percent < 0 || percent > 100) {
        throw new IllegalStateException("loyalty.discount_percent must be 0 to 100, the chain carries " + text);
      }
      return percent;
    }
  }

  /** Blocks suspicious orders. */
  public static final class Fraud {
    /**
     * Ends the chain with a 422 problem for a quote {@link Quote#problemWith} refuses, with 403 for totals
     * above the limit; otherwise scores and forwards the quote.
     */
    @ChainFunction("fraud")
    public ChainReply fraud(Quote quote, Forwarder next) {
      Optional<ChainProblem> problem = Quote.problemWith(quote);
      if (problem.isPresent()) {
        return ChainReply.problem(problem.get());
      }
      if (quote.totalCents() > FRAUD_LIMIT_CENTS) {
        return ChainReply.problem(ChainProblem.builder("order.blocked", 403,
            "order " + quote.orderId() + " blocked by fraud check").build());
      }
      return next.forward(quote, Map.of("fraud.score", "0.12"));
    }
  }

  /** Issues the receipt; it cannot sell gift cards (the demo's deliberate deep failure). */
  public static final class ReceiptService {
    /**
     * Returns a receipt; a 422 problem for a quote {@link Quote#problemWith} refuses; throws for gift
     * cards, which the caller sees as a failure of this hop.
     */
    @ChainFunction("receipt")
    public Object receipt(Quote quote, ChainContext chain) {
      Optional<ChainProblem> problem = Quote.problemWith(quote);
      if (problem.isPresent()) {
        return ChainReply.problem(problem.get());
      }
      for (Order.Line line : quote.lines()) {
        if (line.sku().equals("giftcard")) {
          throw new IllegalStateException("gift card printer is out of paper");
        }
      }
      return new Receipt("r-" + chain.chainId().toHex().substring(0, 8), quote.orderId(), quote.currency(),
          quote.totalCents(), chain.metadata("fraud.score").orElse("n/a"));
    }
  }
}
