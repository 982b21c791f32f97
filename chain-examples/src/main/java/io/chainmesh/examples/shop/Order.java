package io.chainmesh.examples.shop;

import io.chainmesh.http.ChainProblem;
import java.util.List;
import java.util.Optional;

/**
 * An order as the client sends it. It is bound from untrusted JSON, so any field may be missing
 * ({@code null}) and any number may be out of range: check it with {@link #problemWith} before using it.
 */
public record Order(String orderId, String customer, List<Line> lines) {
  /** Most lines in one order. */
  public static final int MAX_LINES = 100;
  /** Most items of one product in one line. */
  public static final int MAX_QUANTITY = 1_000;
  /** Longest order id or customer name. */
  public static final int MAX_ID_LENGTH = 64;

  /** One line of an order: a product and how many of it. */
  public record Line(String sku, int quantity) {}

  /**
   * What makes {@code order} unusable, as a {@code 422} problem naming the field, or empty if it is
   * there (a JSON {@code null} body binds to {@code null}) and every field is present and in range:
   * an order id and a customer of 1 to {@value #MAX_ID_LENGTH} characters {@code [A-Za-z0-9._-]},
   * 1 to {@value #MAX_LINES} lines, each a product of the shop and a quantity of 1 to
   * {@value #MAX_QUANTITY}. Within these bounds every total fits a {@code long} of cents a
   * billion times over.
   */
  public static Optional<ChainProblem> problemWith(Order order) {
    if (order == null) {
      return refuse("order.field_missing", null, "the body is not an order");
    }
    return order.problem();
  }

  private Optional<ChainProblem> problem() {
    Optional<ChainProblem> id = nameProblem("orderId", orderId);
    if (id.isPresent()) {
      return id;
    }
    Optional<ChainProblem> who = nameProblem("customer", customer);
    if (who.isPresent()) {
      return who;
    }
    if (lines == null) {
      return refuse("order.field_missing", "lines", "the order has no lines field");
    }
    if (lines.isEmpty() || lines.size() > MAX_LINES) {
      return refuse("order.line_count_out_of_range", "lines",
          "an order has 1 to " + MAX_LINES + " lines, this one has " + lines.size());
    }
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      String field = "lines[" + i + "]";
      if (line == null) {
        return refuse("order.field_missing", field, "line " + i + " is empty");
      }
      if (line.sku() == null) {
        return refuse("order.field_missing", field + ".sku", "line " + i + " names no product");
      }
      if (!ShopFunctions.PRICES_CENTS.containsKey(line.sku())) {
        // The unknown name is not echoed: it is the client's text.
        return refuse("order.unknown_sku", field + ".sku", "line " + i + " names a product the shop does not sell");
      }
      if (line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
        return refuse("order.quantity_out_of_range", field + ".quantity",
            "a line's quantity is 1 to " + MAX_QUANTITY + ", line " + i + " has " + line.quantity());
      }
    }
    return Optional.empty();
  }

  private static Optional<ChainProblem> nameProblem(String field, String value) {
    if (value == null) {
      return refuse("order.field_missing", field, "the order has no " + field);
    }
    boolean valid = !value.isEmpty() && value.length() <= MAX_ID_LENGTH;
    for (int i = 0; valid && i < value.length(); i++) {
      char c = value.charAt(i);
      valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-';
    }
    return valid ? Optional.empty() : refuse("order.field_invalid", field,
        field + " must be 1 to " + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 . _ -");
  }

  /** A 422 problem with {@code code}, naming {@code field} (null: the whole body). */
  static Optional<ChainProblem> refuse(String code, String field, String detail) {
    return Optional.of(ChainProblem.builder(code, 422, detail).field(field).build());
  }
}
