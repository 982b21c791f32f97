package io.chainmesh.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.Segment;
import io.chainmesh.http.testing.Order;
import io.chainmesh.http.testing.Quote;
import io.chainmesh.http.testing.TestChains;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code @ChainFunction} scanning: every misuse fails {@link ChainHop.Builder#build()} with a message
 * naming the class, the method and, where one is at fault, the parameter.
 */
class FunctionScanningTest {

  private static ChainHop.Builder hopWith(Object... functions) {
    return ChainHop.builder().keys(TestChains.KEYS).resolver(SegmentResolver.template("http://{service}.test:8080"))
        .functions(functions);
  }

  private static String buildFailure(Object... functions) {
    return assertThrows(IllegalArgumentException.class, () -> hopWith(functions).build()).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "\"" + message + "\" should mention " + part);
    }
  }

  public static final class IntParameter {
    @ChainFunction("count")
    public String count(int times) {
      return "x".repeat(times);
    }
  }

  @Test
  void refusesPrimitiveParameterNamingClassMethodAndParameter() {
    assertMentions(buildFailure(new IntParameter()),
        "IntParameter.count", "parameter 1 (int)", "not a type chainmesh can bind");
  }

  public static final class OptionalWithoutArgument {
    @ChainFunction("maybe")
    public String maybe(String body, Optional<String> currency) {
      return body;
    }
  }

  @Test
  void refusesOptionalParameterWithoutArgumentAnnotation() {
    assertMentions(buildFailure(new OptionalWithoutArgument()),
        "OptionalWithoutArgument.maybe", "parameter 2 (Optional)", "not a type chainmesh can bind");
  }

  public static final class ArgumentOnInt {
    @ChainFunction("limit")
    public String limit(@Argument("max") int max) {
      return "";
    }
  }

  @Test
  void refusesArgumentAnnotationOnNonStringParameter() {
    assertMentions(buildFailure(new ArgumentOnInt()),
        "ArgumentOnInt.limit", "parameter 1 (int)", "@Argument binds only String or Optional<String>");
  }

  public static final class ChainmeshTypeAsBody {
    @ChainFunction("segment")
    public String segment(Segment segment) {
      return segment.toString();
    }
  }

  @Test
  void refusesChainmeshApiTypeAsBody() {
    assertMentions(buildFailure(new ChainmeshTypeAsBody()),
        "ChainmeshTypeAsBody.segment", "parameter 1 (Segment)", "not a type chainmesh can bind");
  }

  public static final class TwoBodies {
    @ChainFunction("merge")
    public String merge(String text, ChainContext chain, byte[] bytes) {
      return text;
    }
  }

  @Test
  void refusesSecondBodyParameter() {
    assertMentions(buildFailure(new TwoBodies()),
        "TwoBodies.merge", "parameter 3 (byte[])", "second body parameter", "parameter 1 already takes the body");
  }

  public static final class PriceA {
    @ChainFunction("price")
    public Quote price(Order order) {
      return new Quote(order.id(), 1);
    }
  }

  public static final class PriceB {
    @ChainFunction("price")
    public Quote quote(Order order) {
      return new Quote(order.id(), 2);
    }
  }

  @Test
  void refusesDuplicateFunctionNameAcrossObjects() {
    assertMentions(buildFailure(new PriceA(), new PriceB()),
        "PriceB.quote", "function name \"price\" is already used by PriceA.price");
  }

  public static final class NotPublic {
    @ChainFunction("hidden")
    String hidden(String body) {
      return body;
    }
  }

  @Test
  void refusesNonPublicFunctionMethod() {
    assertMentions(buildFailure(new NotPublic()), "NotPublic.hidden", "must be public");
  }

  public static final class BadName {
    @ChainFunction("price quote")
    public String price(String body) {
      return body;
    }
  }

  @Test
  void refusesFunctionNameThatIsNotAToken() {
    assertMentions(buildFailure(new BadName()), "BadName.price", "function name \"price quote\"", "U+0020");
  }

  public static final class EmptyName {
    @ChainFunction("")
    public String price(String body) {
      return body;
    }
  }

  @Test
  void refusesEmptyFunctionName() {
    assertMentions(buildFailure(new EmptyName()), "EmptyName.price", "must not be empty");
  }

  public static final class VoidStream {
    @ChainFunction("sink")
    public void sink(InputStream body) {}
  }

  @Test
  void refusesVoidFunctionReadingBodyAsStream() {
    assertMentions(buildFailure(new VoidStream()), "VoidStream.sink", "returns void", "InputStream");
  }

  public static final class PrimitiveReturn {
    @ChainFunction("total")
    public long total(Order order) {
      return order.quantity();
    }
  }

  @Test
  void refusesPrimitiveReturnType() {
    assertMentions(buildFailure(new PrimitiveReturn()), "PrimitiveReturn.total", "returns a primitive");
  }

  public static final class NoFunctions {
    public String notAFunction(String body) {
      return body;
    }
  }

  @Test
  void refusesObjectsWithoutAnyFunction() {
    assertMentions(buildFailure(new NoFunctions()), "no @ChainFunction method", NoFunctions.class.getName());
  }

  @Test
  void refusesHopWithoutFunctionObjects() {
    assertMentions(buildFailure(), "no @ChainFunction method");
  }

  @Test
  void refusesHopWithoutKeys() {
    ChainHop.Builder builder = ChainHop.builder().resolver(SegmentResolver.template("http://{service}.test"))
        .functions(new PriceA());

    String message = assertThrows(IllegalStateException.class, builder::build).getMessage();

    assertMentions(message, "needs keys", "KeyRing");
  }

  @Test
  void refusesHopWithoutResolver() {
    ChainHop.Builder builder = ChainHop.builder().keys(TestChains.KEYS).functions(new PriceA());

    String message = assertThrows(IllegalStateException.class, builder::build).getMessage();

    assertMentions(message, "needs a resolver", "SegmentResolver");
  }

  @Test
  void refusesServiceNameThatIsNotDnsName() {
    String message = assertThrows(IllegalArgumentException.class,
        () -> hopWith(new PriceA()).serviceName("Pricing_Service").build()).getMessage();

    assertMentions(message, "service name \"Pricing_Service\"");
  }

  public static final class EveryBinding {
    @ChainFunction("all")
    public Object all(Order order, ChainContext chain, Forwarder next, @Argument("a") String a,
        @Argument("b") Optional<String> b) {
      return order;
    }

    @ChainFunction("bytes")
    public byte[] bytes(byte[] body) {
      return body;
    }

    @ChainFunction("stream")
    public InputStream stream(InputStream body) {
      return body;
    }

    @ChainFunction("nothing")
    public void nothing() {}

    @ChainFunction("fixed")
    public static String fixed() {
      return "static functions are fine";
    }

    public String helper(int notScanned) {
      return "";
    }
  }

  @Test
  void servesEveryFunctionOfEverySupportedShape() {
    try (ChainHop hop = hopWith(new EveryBinding(), new PriceA()).build()) {
      assertEquals(Set.of("all", "bytes", "stream", "nothing", "fixed", "price"), hop.functionNames());
    }
  }

  /** A function declared through a generic interface: the compiler adds an annotated bridge method. */
  public static final class GenericPricing implements Function<Order, Quote> {
    @ChainFunction("generic-price")
    @Override
    public Quote apply(Order order) {
      return new Quote(order.id(), 3);
    }
  }

  @Test
  void servesFunctionImplementingGenericInterfaceOnce() {
    try (ChainHop hop = hopWith(new GenericPricing()).build()) {
      assertEquals(Set.of("generic-price"), hop.functionNames());
    }
  }

  @Test
  void namesNodeAfterFirstServiceNameUnlessSet() {
    try (ChainHop named = hopWith(new PriceA()).nodeId("pricing-7").build();
        ChainHop defaulted = hopWith(new PriceA()).serviceName("pricing").build()) {
      assertEquals("pricing-7", named.nodeId());
      assertTrue(defaulted.nodeId().matches("pricing-[0-9a-f]{5}"), defaulted::nodeId);
    }
  }
}
