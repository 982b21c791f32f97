package io.chainmesh.examples.shop;

/** What the customer gets back at the end of a checkout. */
public record Receipt(String receiptId, String orderId, String currency, long totalCents, String fraudScore) {}
