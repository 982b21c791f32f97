package io.chainmesh.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.examples.shop.Order;
import io.chainmesh.http.ChainProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 13 item 8 against the demo as the README starts it (six services and the edge
 * on loopback): orders whose total does not fit a {@code long} of cents. Before, 478 lines of a sofa
 * at quantity 2147483647 came back {@code 200} with a negative total, a receipt issued; now
 * {@code validate} refuses them with a {@code 422} problem naming what is wrong, and no later
 * function runs.
 */
class OverflowAttackThroughShopTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static InProcessShop shop;
  private static ChainCodec codec;
  private static final OkHttpClient http = new OkHttpClient();

  @BeforeAll
  static void start() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    KeyRing keys = KeyRing.builder().addKey("test-1", secret).build();
    shop = new InProcessShop(keys, 0);
    codec = ChainCodec.builder(keys).build();
  }

  @AfterAll
  static void stop() {
    shop.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  record Answer(int status, String body, List<String> route) {
    ChainProblem problem() {
      return ChainProblem.parse(body.getBytes(StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("not a problem document: " + this));
    }
  }

  @Test
  void sofasAtMaxIntOverflowingALongAreRefusedByValidate() {
    Answer answer = checkout(lines("sofa", Integer.MAX_VALUE, 478));

    assertEquals(422, answer.status(), answer::toString);
    assertEquals("order.line_count_out_of_range", answer.problem().reasonCode());
    assertEquals("lines", answer.problem().field().orElseThrow());
    assertEquals(List.of("validate"), answer.route(), "no function after validate ran");
  }

  @Test
  void oneLineAtMaxIntIsRefusedNamingTheLine() {
    Answer answer = checkout(lines("sofa", Integer.MAX_VALUE, 1));

    assertEquals(422, answer.status(), answer::toString);
    assertEquals("order.quantity_out_of_range", answer.problem().reasonCode());
    assertEquals("lines[0].quantity", answer.problem().field().orElseThrow());
    assertEquals(List.of("validate"), answer.route());
  }

  @Test
  void theLargestOrderTheShopTakesIsPricedPositiveAndBlockedByFraud() {
    Answer answer = checkout(lines("sofa", Order.MAX_QUANTITY, Order.MAX_LINES));

    assertEquals(403, answer.status(), answer::toString);
    assertEquals("order.blocked", answer.problem().reasonCode());
    assertEquals(List.of("validate", "enrich", "price", "fraud"), answer.route());
  }

  @Test
  void everyOrderPastTheLimitsIsRefusedBeforePricing() {
    for (int count : new int[] {2, 100, 478, 1_000}) {
      Answer answer = checkout(lines("sofa", Integer.MAX_VALUE / count, count));

      assertEquals(422, answer.status(), answer::toString);
      assertFalse(answer.body().contains("receiptId"), answer::toString);
      assertFalse(answer.body().contains("totalCents\":-"), answer::toString);
    }
  }

  private static Answer checkout(String lines) {
    String order = "{\"orderId\":\"o-attack\",\"customer\":\"eve\",\"lines\":[" + lines + "]}";
    Request request = new Request.Builder().url(shop.edge().resolve("/checkout").toString())
        .post(RequestBody.create(order, JSON)).build();
    try (Response response = http.newCall(request).execute()) {
      String route = response.header(ChainHeaders.ROUTE);
      List<String> visited = List.of();
      if (route != null) {
        ChainDescriptor fin = codec.decode(route);
        visited = fin.route().stream().map(r -> fin.segments().get(r.segmentIndex()).service()).toList();
      }
      return new Answer(response.code(), response.body().string(), visited);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lines(String sku, int quantity, int count) {
    return String.join(",", Collections.nCopies(count, "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}"));
  }
}
