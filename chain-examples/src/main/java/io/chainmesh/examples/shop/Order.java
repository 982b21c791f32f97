package io.chainmesh.examples.shop;

import java.util.List;

/** An order as the client sends it. */
public record Order(String orderId, String customer, List<Line> lines) {
  /** One line of an order. */
  public record Line(String sku, int quantity) {}
}
