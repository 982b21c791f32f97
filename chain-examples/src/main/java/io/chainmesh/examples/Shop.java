package io.chainmesh.examples;

import io.chainmesh.core.KeyRing;
import java.net.URI;
import java.util.Map;

/**
 * A running shop: six chain-aware services and the edge in front of them, started either in this
 * JVM ({@link InProcessShop}) or as one JVM each ({@link ProcessShop}). Nothing is shared between
 * them but the keys and the requests.
 */
interface Shop extends AutoCloseable {
  /** The services, in the order the demo starts them. */
  String[] SERVICES = {"validate", "enrich", "loyalty", "price", "fraud", "receipt"};

  /** The keys the hops and the edge share (generated per run). */
  KeyRing keys();

  /** The edge clients talk to. */
  URI edge();

  /** Each service's address, for the demo's attack on a hop directly. */
  Map<String, URI> services();

  /** What is running, for people. */
  String describe();

  @Override
  void close();
}
