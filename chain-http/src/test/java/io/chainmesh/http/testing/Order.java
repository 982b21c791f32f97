package io.chainmesh.http.testing;

/** A JSON request body as a record, for functions that bind a typed body. */
public record Order(String id, String sku, int quantity) {}
