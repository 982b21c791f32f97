package io.chainmesh.examples;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainProblem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The README's first command: an online shop of six chain-aware services behind an edge, on
 * loopback, and a scripted tour of requests a client sends to the edge. For every request it prints
 * what was asked, the route taken hop by hop with times, and the answer; it fails (non-zero exit)
 * unless every outcome is the expected one.
 *
 * <pre>
 *   (no argument)  the tour, everything in this JVM
 *   processes      the tour, every service and the edge in its own JVM
 *   serve          start everything, print curl commands, and keep running
 * </pre>
 */
public final class ShopDemo {
  private static final MediaType JSON = MediaType.get("application/json");

  private final Shop shop;
  private final ChainCodec codec;
  private final OkHttpClient http = new OkHttpClient();
  private int failures;

  private ShopDemo(Shop shop) {
    this.shop = shop;
    this.codec = ChainCodec.builder(shop.keys()).build();
  }

  /** Runs the demo; throws (so the build fails) if any outcome was unexpected. */
  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "tour" : args[0].replaceFirst("^--", "");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String keysText = "demo-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    KeyRing keys = KeyRing.parse(keysText);
    switch (mode) {
      case "tour" -> tour(new InProcessShop(keys, 0));
      case "processes" -> tour(new ProcessShop(keys, keysText, 0));
      case "serve" -> serve(new InProcessShop(keys, 8080));
      default -> throw new IllegalArgumentException("unknown demo mode " + mode + "; use tour, processes or serve");
    }
  }

  private static void tour(Shop shop) throws IOException {
    int failed;
    ShopDemo demo = new ShopDemo(shop);
    try (shop) {
      System.out.println("chainmesh demo: " + shop.describe());
      System.out.println();
      failed = demo.run();
    } finally {
      demo.http.dispatcher().executorService().shutdown();
      demo.http.connectionPool().evictAll();
    }
    System.out.println(failed == 0 ? "All demo requests ended as expected."
        : failed + " demo request(s) did NOT end as expected.");
    if (failed > 0) {
      throw new IllegalStateException(failed + " demo request(s) did not end as expected");
    }
  }

  private static void serve(Shop shop) throws InterruptedException {
    URI edge = shop.edge();
    System.out.println("chainmesh demo: " + shop.describe());
    System.out.println("Try (Ctrl-C to stop):");
    System.out.println("  curl -i -X POST " + edge + "quote -H 'Content-Type: application/json' \\");
    System.out.println("       -d '{\"orderId\":\"o-1\",\"customer\":\"bob\",\"lines\":[{\"sku\":\"book\",\"quantity\":2}]}'");
    System.out.println("  curl -i -X POST " + edge + "checkout -H 'Content-Type: application/json' \\");
    System.out.println("       -d '{\"orderId\":\"o-2\",\"customer\":\"ada\",\"lines\":[{\"sku\":\"lamp\",\"quantity\":1}]}'");
    System.out.println("  curl -i -X POST " + edge + "checkout/async -H 'Content-Type: application/json' \\");
    System.out.println("       -d '{\"orderId\":\"o-3\",\"customer\":\"eve\",\"lines\":[{\"sku\":\"sofa\",\"quantity\":6}]}'");
    System.out.println("The Chain-Route response header is the signed record route; decode it with");
    System.out.println("  java -jar chain-cli/target/chain-cli.jar decode <header value>");
    Runtime.getRuntime().addShutdownHook(new Thread(shop::close));
    new CountDownLatch(1).await();
  }

  private int run() throws IOException {
    expect("a quote for a standard customer", "/quote", order("o-1001", "bob", "book", 2, "lamp", 1), Map.of(),
        200, null, List.of("validate", "enrich", "price", "fraud"));
    expect("the same functions in another chain: a checkout for a gold customer (enrich inserts a loyalty step)",
        "/checkout", order("o-1002", "ada", "lamp", 2, "book", 1), Map.of(),
        200, null, List.of("validate", "enrich", "loyalty", "price", "fraud", "receipt"));
    expect("a checkout of six sofas: fraud ends the chain early", "/checkout",
        order("o-1003", "eve", "sofa", 6, "book", 1), Map.of(), 403, null, List.of("validate", "enrich", "price", "fraud"));
    expect("a checkout with a gift card: receipt fails deep in the chain, and the answer names it", "/checkout",
        order("o-1004", "bob", "giftcard", 1), Map.of(), 500, "handler.failed",
        List.of("validate", "enrich", "price", "fraud", "receipt"));
    expect("an asynchronous checkout: each hop answers 202 at once, the last delivers the result to the edge",
        "/checkout/async", order("o-1005", "ada", "book", 1), Map.of(), 200, null,
        List.of("validate", "enrich", "loyalty", "price", "fraud", "receipt"));
    expect("an empty order: validate refuses it", "/quote", "{\"orderId\":\"o-1006\",\"customer\":\"bob\",\"lines\":[]}",
        Map.of(), 422, null, List.of("validate"));
    expect("478 lines of a sofa at quantity 2147483647 (a total no long holds): validate refuses it", "/checkout",
        order("o-1010", "eve", manyLines("sofa", Integer.MAX_VALUE, 478)), Map.of(), 422,
        "order.line_count_out_of_range", List.of("validate"));
    expect("a quantity above the shop's limit: validate names the line", "/checkout",
        order("o-1011", "eve", "book", 1, "sofa", Integer.MAX_VALUE), Map.of(), 422, "order.quantity_out_of_range",
        List.of("validate"));
    String injected = codec.encode(ChainDescriptor.builder().segment(Segment.of("receipt")).build());
    expect("a client that sends its own Chain-Descriptor (skipping straight to receipt): the edge strips it",
        "/quote", order("o-1007", "eve", "book", 1), Map.of(ChainHeaders.DESCRIPTOR, injected),
        200, null, List.of("validate", "enrich", "price", "fraud"));
    expect("a path no chain serves: the edge refuses it", "/refund", order("o-1008", "bob", "book", 1), Map.of(),
        404, "edge.no_route", List.of());
    tamperedAtHop();
    return failures;
  }

  private void expect(String title, String path, String body, Map<String, String> headers, int status,
      String reason, List<String> route) throws IOException {
    System.out.println("== " + title);
    System.out.println("   POST " + path + " " + (body.length() <= 160 ? body
        : body.substring(0, 150) + "... (" + body.length() + " characters)"));
    Request.Builder request = new Request.Builder().url(shop.edge().resolve(path).toString())
        .post(RequestBody.create(body, JSON));
    headers.forEach(request::header);
    long started = System.nanoTime();
    try (Response response = http.newCall(request.build()).execute()) {
      String answer = response.body() == null ? "" : response.body().string();
      double millis = (System.nanoTime() - started) / 1e6;
      List<String> visited = printRoute(response.header(ChainHeaders.ROUTE));
      System.out.printf(Locale.ROOT, "   answer %d in %.1f ms: %s%n", response.code(), millis, answer);
      String code = ChainProblem.parse(answer.getBytes(StandardCharsets.UTF_8)).map(ChainProblem::reasonCode)
          .orElse(null);
      report(response.code() == status && (reason == null || reason.equals(code)) && visited.equals(route),
          "status " + status + (reason != null ? " " + reason : "") + (route.isEmpty() ? "" : ", route " + route));
    }
  }

  /** Prints the verified record route and returns the services visited, in order. */
  private List<String> printRoute(String header) {
    if (header == null) {
      System.out.println("   route: none (no chain ran)");
      return List.of();
    }
    ChainDescriptor fin;
    try {
      fin = codec.decode(header);
    } catch (ChainException e) {
      System.out.println("   route: DOES NOT VERIFY: " + e.getMessage());
      return List.of("<unverified>");
    }
    System.out.println("   route of chain " + fin.chainName().orElse("?") + " " + fin.chainId().toHex().substring(0, 8)
        + " (" + fin.returnMode().name().toLowerCase(Locale.ROOT) + ", signed " + ChainHeaders.ROUTE + "):");
    for (RouteRecord r : fin.route()) {
      System.out.printf(Locale.ROOT, "     #%d %-22s on %-15s %7.2f ms  %s%n", r.segmentIndex(),
          fin.segments().get(r.segmentIndex()), r.node(), r.duration().toNanos() / 1e6,
          r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return fin.route().stream().map(r -> fin.segments().get(r.segmentIndex()).service()).toList();
  }

  /** An attacker who captured a descriptor edits it and sends it to a hop directly. */
  private void tamperedAtHop() throws IOException {
    System.out.println("== a descriptor edited after signing, sent straight to a hop: the hop refuses it");
    String header = codec.encode(ChainDescriptor.builder().segment(Segment.of("validate")).segment(Segment.of("price"))
        .build());
    int at = header.length() / 2;
    String forged = header.substring(0, at) + (header.charAt(at) == 'A' ? 'B' : 'A') + header.substring(at + 1);
    Request request = new Request.Builder().url(shop.services().get("validate").toString())
        .header(ChainHeaders.DESCRIPTOR, forged)
        .post(RequestBody.create(order("o-1009", "eve", "book", 1), JSON)).build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      System.out.println("   answer " + response.code() + ": " + body);
      String code = ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8)).map(ChainProblem::reasonCode).orElse("");
      report(response.code() == 401 && code.startsWith("integrity."), "401 integrity.*, and no function ran");
    }
  }

  private static Object[] manyLines(String sku, int quantity, int count) {
    Object[] lines = new Object[2 * count];
    for (int i = 0; i < lines.length; i += 2) {
      lines[i] = sku;
      lines[i + 1] = quantity;
    }
    return lines;
  }

  private static String order(String id, String customer, Object... skuAndQuantity) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      lines.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skuAndQuantity[i]).append("\",\"quantity\":")
          .append(skuAndQuantity[i + 1]).append('}');
    }
    return "{\"orderId\":\"" + id + "\",\"customer\":\"" + customer + "\",\"lines\":[" + lines + "]}";
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
