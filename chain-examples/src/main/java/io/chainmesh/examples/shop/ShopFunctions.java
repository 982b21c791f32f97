package io.chainmesh.examples.shop;

import io.chainmesh.core.Segment;
import io.chainmesh.http.Argument;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainReply;
import io.chainmesh.http.Forwarder;
import java.util.List;
import java.util.Map;

/**
 * The shop's functions. Each nested class is deployed as its own service (its own {@code ChainHop}
 * and port); a function is a plain annotated method that takes what it needs by type.
 */
public final class ShopFunctions {
  private ShopFunctions() {}

  static final Map<String, Long> PRICES_CENTS = Map.of("book", 1_500L, "lamp", 4_900L, "sofa", 89_900L,
      "giftcard", 5_000L);
  static final Map<String, String> CUSTOMER_TIERS = Map.of("ada", "gold", "bob", "standard", "eve", "standard");

  /** Refuses orders that make no sense; passes the rest on unchanged. */
  public static final class Validate {
    /** Ends the chain with 422 for an empty order or an unknown product; otherwise forwards the order. */
    @ChainFunction("validate")
    public Object validate(Order order) {
      if (order.lines() == null || order.lines().isEmpty()) {
        return ChainReply.status(422, "order " + order.orderId() + " has no lines");
      }
      for (Order.Line line : order.lines()) {
        if (!PRICES_CENTS.containsKey(line.sku()) || line.quantity() < 1) {
          return ChainReply.status(422, "order " + order.orderId() + ": bad line " + line.sku());
        }
      }
      return order;
    }
  }

  /** Looks the customer up and tells downstream hops their tier; gold customers get a loyalty step. */
  public static final class Enrich {
    /** Adds {@code customer.tier} context and, for gold customers, inserts the {@code loyalty} segment. */
    @ChainFunction("enrich")
    public ChainReply enrich(Order order, Forwarder next) {
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
      return next.forward(order, Map.of("loyalty.discount_percent", "10"));
    }
  }

  /** Prices an order in the currency its segment asks for. */
  public static final class Price {
    /** Sums the lines, applies any loyalty discount, converts to {@code currency}. */
    @ChainFunction("price")
    public Quote price(Order order, ChainContext chain, @Argument("currency") String currency) {
      long cents = 0;
      for (Order.Line line : order.lines()) {
        cents += PRICES_CENTS.get(line.sku()) * line.quantity();
      }
      int discount = Integer.parseInt(chain.metadata("loyalty.discount_percent").orElse("0"));
      cents = cents * (100 - discount) / 100;
      if (currency.equals("USD")) {
        cents = cents * 108 / 100;
      }
      return new Quote(order.orderId(), order.customer(), order.lines(), currency, cents, discount);
    }
  }

  /** Blocks suspicious orders. */
  public static final class Fraud {
    /** Ends the chain with 403 for totals above the limit; otherwise scores and forwards the quote. */
    @ChainFunction("fraud")
    public ChainReply fraud(Quote quote, Forwarder next) {
      if (quote.totalCents() > 500_000) {
        return ChainReply.status(403, "order " + quote.orderId() + " blocked by fraud check");
      }
      return next.forward(quote, Map.of("fraud.score", "0.12"));
    }
  }

  /** Issues the receipt; it cannot sell gift cards (the demo's deliberate deep failure). */
  public static final class ReceiptService {
    /** Returns a receipt; throws for gift cards, which the caller sees as a failure of this hop. */
    @ChainFunction("receipt")
    public Receipt receipt(Quote quote, ChainContext chain) {
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
