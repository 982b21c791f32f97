package io.chainmesh.examples.shop;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainResponse;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each shop function as a real hop on loopback, and a {@code sink} hop that records what reached
 * it: a chain {@code [function, sink]} shows what the function forwards, or its answer if it ended
 * the chain. Requests are signed by a {@link ChainClient}, so every body goes through real HTTP and
 * the hop's JSON binding.
 */
final class ShopHops implements AutoCloseable {
  static final String JSON = "application/json";

  /** Answers with the body that reached it; counts its runs and keeps the context it saw. */
  static final class Sink {
    final AtomicInteger calls = new AtomicInteger();
    final Map<String, String> context = new ConcurrentHashMap<>();

    @ChainFunction("sink")
    public String sink(String body, ChainContext chain) {
      calls.incrementAndGet();
      context.putAll(chain.descriptor().contextMetadata());
      return body;
    }
  }

  final Sink sink = new Sink();
  private final Map<String, URI> registry = new ConcurrentHashMap<>();
  private final List<ChainServer> servers = new ArrayList<>();
  private final ChainClient client;

  ShopHops() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    KeyRing keys = KeyRing.builder().addKey("shop-test", secret).build();
    SegmentResolver resolver = segment -> registry.get(segment.service());
    for (Object functions : List.of(new ShopFunctions.Validate(), new ShopFunctions.Enrich(),
        new ShopFunctions.Loyalty(), new ShopFunctions.Price(), new ShopFunctions.Fraud(),
        new ShopFunctions.ReceiptService(), sink)) {
      ChainHop hop = ChainHop.builder().functions(functions).keys(keys).resolver(resolver).build();
      ChainServer server = ChainServer.builder(hop).loopback().port(0).stopGrace(Duration.ZERO).ownHop().start();
      servers.add(server);
      hop.functionNames().forEach(name -> registry.put(name, server.uri()));
    }
    client = ChainClient.builder(keys, resolver).build();
  }

  /** Sends {@code json} through {@code segments} (names, or segments with arguments). */
  ChainResponse send(String json, Object... segments) {
    return send(ChainDescriptor.builder(), json, segments);
  }

  /** Sends {@code json} through {@code segments} of a chain that {@code chain} has begun (metadata, say). */
  ChainResponse send(ChainDescriptor.Builder chain, String json, Object... segments) {
    for (Object s : segments) {
      chain.segment(s instanceof Segment segment ? segment : Segment.of((String) s));
    }
    return client.send(chain.build(), json, JSON);
  }

  /** The {@code price} segment in {@code currency}, as the catalogue writes it. */
  static Segment price(String currency) {
    return Segment.builder("price").argument("currency", currency).build();
  }

  @Override
  public void close() {
    client.close();
    servers.forEach(ChainServer::close);
  }
}
