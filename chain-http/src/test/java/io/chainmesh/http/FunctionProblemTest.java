package io.chainmesh.http;

import static io.chainmesh.http.testing.TestChains.TEXT;
import static io.chainmesh.http.testing.TestChains.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.http.testing.TestChains;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A function ends its chain with a problem document of its own: its code, its status, where it happened. */
class FunctionProblemTest {
  private final TestChains chains = new TestChains();

  @AfterEach
  void closeChains() {
    chains.close();
  }

  /** Refuses every body with a 422 problem of its own. */
  static final class Refusing {
    @ChainFunction("refuse")
    public ChainReply run(String body) {
      return ChainReply.problem(ChainProblem.builder("order.quantity_out_of_range", 422, "quantity must be 1 to 10")
          .field("lines[0].quantity").build());
    }
  }

  /** Counts its runs. */
  static final class After {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("after")
    public String run(String body) {
      calls.incrementAndGet();
      return body;
    }
  }

  @Test
  void endsChainEarlyWithItsOwnProblemNamingSegmentAndHop() {
    After after = new After();
    chains.serve("n1", new Refusing());
    chains.serve("n2", after);

    ChainResponse answer = chains.send(chain("refuse", "after"), "order", TEXT);

    assertEquals(422, answer.status());
    assertEquals(ChainHeaders.PROBLEM_JSON, answer.contentType().orElseThrow());
    ChainProblem problem = answer.problem().orElseThrow(() -> new AssertionError(answer.bodyString()));
    assertEquals("order.quantity_out_of_range", problem.reasonCode());
    assertEquals(422, problem.status());
    assertEquals("quantity must be 1 to 10", problem.detail());
    assertEquals("lines[0].quantity", problem.field().orElseThrow());
    assertEquals(0, problem.segmentIndex().orElseThrow());
    assertEquals("refuse", problem.segment().orElseThrow());
    assertEquals("n1", problem.hop().orElseThrow());
    assertEquals(answer.finalDescriptor().orElseThrow().chainId().toHex(), problem.chainId().orElseThrow());
    assertEquals(List.of(Outcome.ENDED_EARLY), answer.route().stream().map(RouteRecord::outcome).toList());
    assertEquals(0, after.calls.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"body.malformed", "handler.failed", "order", "Order.bad", "order..bad", ".order.bad",
      "order.bad.", "order.1bad", "order.bad-dash", "order.bäd"})
  void refusesACodeThatIsChainmeshsOrHasNoSyntax(String code) {
    assertThrows(IllegalArgumentException.class, () -> ChainProblem.builder(code, 422, "detail"));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 302, 399, 600})
  void refusesAStatusThatIsNotAnError(int status) {
    assertThrows(IllegalArgumentException.class, () -> ChainProblem.builder("order.bad", status, "detail"));
  }
}
