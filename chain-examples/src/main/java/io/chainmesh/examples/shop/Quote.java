package io.chainmesh.examples.shop;

import java.util.List;

/** A priced order. */
public record Quote(String orderId, String customer, List<Order.Line> lines, String currency, long totalCents,
    int discountPercent) {}
