package io.chainmesh.edge.internal;

import io.chainmesh.core.Reason;
import io.chainmesh.http.ChainProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request at the edge goes, whichever door it came through: a reply delivery to the
 * {@link ReplyIntake}, anything else to the {@link EdgePipeline}; an unexpected failure is answered
 * {@code handler.failed} and logged, never left unanswered.
 */
public final class EdgeRequests {
  private static final Logger log = LoggerFactory.getLogger(EdgeRequests.class);

  private final EdgePipeline pipeline;
  private final ReplyIntake intake;
  private final String nodeId;

  /** Serves through {@code pipeline}, with deliveries to its reply intake. */
  public EdgeRequests(EdgePipeline pipeline, String nodeId) {
    this.pipeline = pipeline;
    this.intake = new ReplyIntake(pipeline);
    this.nodeId = nodeId;
  }

  /**
   * Serves one request. It is answered when this returns, or later from another thread (an
   * asynchronous chain's reply or timeout).
   */
  public void serve(EdgeExchange exchange) {
    try {
      if (ReplyIntake.isDelivery(exchange)) {
        intake.accept(exchange);
      } else {
        pipeline.serve(exchange);
      }
    } catch (RuntimeException | Error e) {
      log.error("chainmesh edge {}: unexpected failure serving {} {}", nodeId, exchange.method(), exchange.rawPath(), e);
      exchange.respond(ChainProblem.builder(Reason.HANDLER_FAILED, "the edge failed unexpectedly").hop(nodeId).build());
      if (e instanceof Error error) {
        throw error;
      }
    }
  }
}
