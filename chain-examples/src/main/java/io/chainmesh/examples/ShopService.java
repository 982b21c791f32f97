package io.chainmesh.examples;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.KeySource;
import io.chainmesh.core.Reason;
import io.chainmesh.examples.shop.ShopFunctions;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * One shop function as a stand-alone service, the way it runs in its own container or JVM:
 * <pre>
 *   java -cp chain-examples.jar io.chainmesh.examples.ShopService price --port 8080
 * </pre>
 * Keys come from the {@code CHAIN_KEYS} environment variable ({@code id:base64url-secret,...}, first
 * signs). Next hops are resolved with {@code --services name=url,...} or the template in
 * {@code --resolver-template} / {@code CHAIN_RESOLVER_TEMPLATE}
 * (e.g. {@code http://{service}.shop.svc.cluster.local:8080}). Listens on all interfaces, as a
 * container in a pod should (its Service's traffic arrives on the pod's IP), or with
 * {@code --loopback} on this machine only. Prints {@code ready <function> <url>} once it serves.
 */
public final class ShopService {
  static final Map<String, Supplier<Object>> FUNCTIONS = new LinkedHashMap<>();

  static {
    FUNCTIONS.put("validate", ShopFunctions.Validate::new);
    FUNCTIONS.put("enrich", ShopFunctions.Enrich::new);
    FUNCTIONS.put("loyalty", ShopFunctions.Loyalty::new);
    FUNCTIONS.put("price", ShopFunctions.Price::new);
    FUNCTIONS.put("fraud", ShopFunctions.Fraud::new);
    FUNCTIONS.put("receipt", ShopFunctions.ReceiptService::new);
  }

  private ShopService() {}

  /** Starts the service and serves until the JVM is stopped. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0 || !FUNCTIONS.containsKey(args[0])) {
      System.err.println("usage: ShopService <" + String.join("|", FUNCTIONS.keySet()) + "> [--port N] [--loopback]"
          + " [--services name=url,...] [--resolver-template URL]   (keys from CHAIN_KEYS)");
      System.exit(2);
    }
    String function = args[0];
    int port = 8080;
    boolean loopback = false;
    String services = null;
    String template = System.getenv("CHAIN_RESOLVER_TEMPLATE");
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--loopback" -> loopback = true;
        case "--services" -> services = args[++i];
        case "--resolver-template" -> template = args[++i];
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    KeySource keys = KeyRing.fromEnv("CHAIN_KEYS");
    SegmentResolver resolver;
    if (services != null) {
      resolver = SegmentResolver.staticMap(parseServices(services));
    } else if (template != null) {
      resolver = SegmentResolver.template(template);
    } else {
      throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE,
          "no resolver: pass --services or --resolver-template, or set CHAIN_RESOLVER_TEMPLATE");
    }
    ChainHop hop = ChainHop.builder().functions(FUNCTIONS.get(function).get()).keys(keys).resolver(resolver).build();
    ChainServer.Builder server = ChainServer.builder(hop).port(port).ownHop();
    if (loopback) {
      server.loopback();
    }
    ChainServer started = server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    System.out.println("ready " + function + " " + started.uri());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  static Map<String, URI> parseServices(String text) {
    Map<String, URI> map = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--services entries are name=url, got " + entry);
      }
      map.put(entry.substring(0, eq).strip(), URI.create(entry.substring(eq + 1).strip()));
    }
    return map;
  }
}
