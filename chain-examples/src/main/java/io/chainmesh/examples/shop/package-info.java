/**
 * An online shop as chain-aware functions, each its own service: {@code validate}, {@code enrich},
 * {@code loyalty}, {@code price}, {@code fraud} and {@code receipt}. None of them knows which chain
 * it is part of; the descriptor says where the request goes next.
 */
package io.chainmesh.examples.shop;
