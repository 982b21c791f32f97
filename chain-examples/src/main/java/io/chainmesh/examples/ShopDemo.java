package io.chainmesh.examples;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.examples.shop.ShopFunctions;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainResponse;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The README's first command: six chain-aware services of an online shop, each on its own loopback
 * port, and a scripted tour of requests through them. For every request it prints what was asked,
 * the route taken hop by hop with times, and the answer; it fails (non-zero exit) unless every
 * outcome is the expected one.
 */
public final class ShopDemo {
  private final Map<String, URI> registry = new ConcurrentHashMap<>();
  private final List<ChainServer> servers = new ArrayList<>();
  private int failures;

  private ShopDemo() {}

  /** Runs the tour; throws (so the build fails) if any outcome was unexpected. */
  public static void main(String[] args) throws Exception {
    ShopDemo demo = new ShopDemo();
    int failed = demo.run();
    if (failed > 0) {
      throw new IllegalStateException(failed + " demo request(s) did not end as expected");
    }
  }

  private int run() throws IOException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    KeyRing keys = KeyRing.builder().addKey("demo-1", secret).build();
    // A registry stands in for DNS or Kubernetes Services: logical name -> address.
    SegmentResolver resolver = segment -> {
      URI uri = segment.isUrl() ? null : registry.get(segment.service());
      if (uri == null) {
        throw ChainException.of(io.chainmesh.core.Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return uri;
    };
    start("validate", new ShopFunctions.Validate(), keys, resolver);
    start("enrich", new ShopFunctions.Enrich(), keys, resolver);
    start("loyalty", new ShopFunctions.Loyalty(), keys, resolver);
    start("price", new ShopFunctions.Price(), keys, resolver);
    start("fraud", new ShopFunctions.Fraud(), keys, resolver);
    start("receipt", new ShopFunctions.ReceiptService(), keys, resolver);
    System.out.println("chainmesh demo: 6 services on loopback, each its own HTTP server: " + registry.keySet());
    System.out.println();

    try (ChainClient client = ChainClient.builder(keys, resolver).build()) {
      tour(client, "quote for a standard customer",
          chain("quote", Segment.of("validate"), Segment.of("enrich"), price("EUR"), Segment.of("fraud")),
          order("o-1001", "bob", "book", 2, "lamp", 1), 200, null);
      tour(client, "checkout for a gold customer: enrich inserts a loyalty step",
          chain("checkout", Segment.of("validate"), Segment.of("enrich"), price("EUR"), Segment.of("fraud"),
              Segment.of("receipt")),
          order("o-1002", "ada", "lamp", 2, "book", 1), 200, null);
      tour(client, "checkout of six sofas: fraud ends the chain early",
          chain("checkout", Segment.of("validate"), Segment.of("enrich"), price("USD"), Segment.of("fraud"),
              Segment.of("receipt")),
          order("o-1003", "eve", "sofa", 6, "book", 1), 403, null);
      tour(client, "checkout with a gift card: receipt fails deep in the chain",
          chain("checkout", Segment.of("validate"), Segment.of("enrich"), price("EUR"), Segment.of("fraud"),
              Segment.of("receipt")),
          order("o-1004", "bob", "giftcard", 1), 500, "handler.failed");
      tour(client, "an empty order: validate refuses it",
          chain("quote", Segment.of("validate"), Segment.of("enrich"), price("EUR"), Segment.of("fraud")),
          "{\"orderId\":\"o-1005\",\"customer\":\"bob\",\"lines\":[]}", 422, null);
      forgedTour(client);
    } finally {
      servers.forEach(ChainServer::close);
    }
    System.out.println(failures == 0
        ? "All demo requests ended as expected."
        : failures + " demo request(s) did NOT end as expected.");
    return failures;
  }

  private void start(String service, Object functions, KeyRing keys, SegmentResolver resolver) {
    ChainHop hop = ChainHop.builder().functions(functions).keys(keys).resolver(resolver).build();
    ChainServer server = ChainServer.builder(hop).loopback().port(0).ownHop().start();
    servers.add(server);
    registry.put(service, server.uri());
  }

  private static Segment price(String currency) {
    return Segment.builder("price").argument("currency", currency).build();
  }

  private static ChainDescriptor chain(String name, Segment... segments) {
    return ChainDescriptor.builder()
        .chainName(name)
        .segments(List.of(segments))
        .hopLimit(segments.length + 4) // room for sub-chains hops may insert
        .deadline(Instant.now().plus(Duration.ofSeconds(10)))
        .build();
  }

  private static String order(String id, String customer, Object... skuAndQuantity) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      lines.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skuAndQuantity[i]).append("\",\"quantity\":")
          .append(skuAndQuantity[i + 1]).append('}');
    }
    return "{\"orderId\":\"" + id + "\",\"customer\":\"" + customer + "\",\"lines\":[" + lines + "]}";
  }

  private void tour(ChainClient client, String title, ChainDescriptor chain, String body, int expectedStatus,
      String expectedReason) {
    System.out.println("== " + title);
    System.out.println("   chain " + chain.chainName().orElse("") + ": " + chain.segments());
    System.out.println("   request: " + body);
    long started = System.nanoTime();
    ChainResponse response = client.send(chain, body, "application/json");
    double millis = (System.nanoTime() - started) / 1e6;
    printRoute(response);
    System.out.printf(Locale.ROOT, "   answer %d in %.1f ms: %s%n", response.status(), millis, response.bodyString());
    String reason = response.problem().map(ChainProblem::reasonCode).orElse(null);
    boolean asExpected = response.status() == expectedStatus
        && (expectedReason == null || expectedReason.equals(reason))
        && !response.route().isEmpty();
    report(asExpected, "status " + expectedStatus + (expectedReason != null ? " " + expectedReason : "")
        + " with a verified route");
  }

  private void printRoute(ChainResponse response) {
    ChainDescriptor fin = response.finalDescriptor().orElse(null);
    if (fin == null) {
      System.out.println("   route: (none: refused before any hop verified the descriptor)");
      return;
    }
    System.out.println("   route (verified " + ChainHeaders.ROUTE + "):");
    for (RouteRecord r : fin.route()) {
      System.out.printf(Locale.ROOT, "     #%d %-20s on %-16s %7.2f ms  %s%n", r.segmentIndex(),
          fin.segments().get(r.segmentIndex()), r.node(), r.duration().toNanos() / 1e6,
          r.outcome().name().toLowerCase(Locale.ROOT));
    }
  }

  private void forgedTour(ChainClient client) throws IOException {
    System.out.println("== a tampered descriptor: one character changed after signing, as an attacker editing it would");
    ChainDescriptor chain = chain("quote", Segment.of("validate"), Segment.of("enrich"), price("EUR"));
    String header = client.codec().encode(chain);
    // Flip one character in the middle of the header, as an attacker editing the descriptor would.
    int at = header.length() / 2;
    char flipped = header.charAt(at) == 'A' ? 'B' : 'A';
    String forged = header.substring(0, at) + flipped + header.substring(at + 1);
    OkHttpClient http = new OkHttpClient();
    Request request = new Request.Builder().url(registry.get("validate").toString())
        .header(ChainHeaders.DESCRIPTOR, forged)
        .post(RequestBody.create(order("o-1006", "eve", "book", 1), MediaType.get("application/json")))
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      System.out.println("   answer " + response.code() + ": " + body);
      String reason = ChainProblem.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .map(ChainProblem::reasonCode).orElse("");
      report(response.code() / 100 == 4 && (reason.startsWith("integrity.") || reason.startsWith("descriptor.")),
          "a 4xx integrity or descriptor refusal, with no function run");
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private void report(boolean asExpected, String expectation) {
    if (asExpected) {
      System.out.println("   ok: " + expectation);
    } else {
      failures++;
      System.out.println("   UNEXPECTED: wanted " + expectation);
    }
    System.out.println();
  }
}
