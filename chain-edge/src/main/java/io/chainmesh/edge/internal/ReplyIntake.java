package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.internal.BodyMemory;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in the results of asynchronous chains, which the last hop POSTs to the edge's reply-to
 * address with {@code Chain-Route} (the final signed descriptor) and {@code Chain-Reply-Status}. A
 * request carrying {@code Chain-Reply-Status} is always a delivery, at any path, and never starts a
 * chain. A delivery is accepted only when:
 * <ol>
 *   <li>its {@code Chain-Route} verifies with the edge's keys (otherwise: forged, 401/400);</li>
 *   <li>it is the final descriptor of an asynchronous chain naming this edge's reply-to;</li>
 *   <li>a client is still waiting for that chain id (otherwise: late or unknown, 404).</li>
 * </ol>
 * Whatever is not accepted is dropped and counted; a client only ever gets the reply carrying the
 * chain id its own request was given.
 */
public final class ReplyIntake {
  private static final Logger log = LoggerFactory.getLogger(ReplyIntake.class);
  /** Reason code of a verified reply no client waits for (not in chain-core's {@link Reason}). */
  private final EdgePipeline pipeline;
  private final ParkedChains parked;
  private final EdgeCounters counters;
  private final EdgePipeline.Settings settings;

  /** An intake answering through {@code pipeline}'s clients. */
  public ReplyIntake(EdgePipeline pipeline) {
    this.pipeline = pipeline;
    this.parked = pipeline.parked();
    this.counters = pipeline.counters();
    this.settings = pipeline.settings();
  }

  /** Whether {@code exchange} is a reply delivery rather than a client request. */
  public static boolean isDelivery(EdgeExchange exchange) {
    return exchange.header(ChainHeaders.REPLY_STATUS) != null;
  }

  /** Handles one delivery; always answers the sender. */
  public void accept(EdgeExchange delivery) {
    String route = delivery.header(ChainHeaders.ROUTE);
    if (route == null) {
      forged(delivery, ChainException.of(Reason.DESCRIPTOR_MISSING,
          "a reply delivery needs a " + ChainHeaders.ROUTE + " header"));
      return;
    }
    ChainDescriptor claimed;
    try {
      // Parsed only to find which waiting client's issue time to verify against; nothing of it is
      // trusted, or counted as anything but forged, until the MAC is checked below.
      claimed = settings.codec().decodeUnverified(route);
    } catch (ChainException e) {
      forged(delivery, e);
      return;
    }
    ParkedChains.Parked waiting = parked.peek(claimed.chainId());
    ChainDescriptor verified;
    try {
      verified = pipeline.verifyRoute(route, waiting != null ? waiting.issued().issuedAt() : claimed.issuedAt());
    } catch (ChainException e) {
      forged(delivery, e);
      return;
    }
    if (verified.returnMode() != ReturnMode.ASYNC || !verified.replyTo().equals(Optional.of(settings.replyTo()))
        || verified.route().isEmpty()) {
      forged(delivery, ChainException.of(Reason.DESCRIPTOR_MALFORMED,
          "the route is not the final descriptor of an asynchronous chain replying to this edge"));
      return;
    }
    int status = status(delivery.header(ChainHeaders.REPLY_STATUS));
    if (status < 0) {
      forged(delivery, ChainException.of(Reason.DESCRIPTOR_MALFORMED,
          ChainHeaders.REPLY_STATUS + " must be an HTTP status in [200, 599]"));
      return;
    }
    if (waiting == null) {
      unmatched(delivery, verified);
      return;
    }
    BodyMemory.Held body;
    try {
      body = delivery.readBody(settings.maxBodyBytes(), settings.bodyMemory());
    } catch (ChainException e) {
      // Too large to hold, broken off, or no memory for it now: the waiting client gets a problem
      // instead, so it does not wait in vain.
      if (parked.claim(waiting)) {
        counters.repliesAccepted.incrementAndGet();
        delivery.respond(ChainProblem.builder(e).hop(settings.nodeId()).build());
        ChainProblem problem = ChainProblem.builder(e.reason() == Reason.HOP_UNAVAILABLE ? e
                : ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE, e.reason() == Reason.LIMITS_BODY
                    ? "the chain's reply is over " + settings.maxBodyBytes() + " bytes"
                    : "the chain's reply ended before its declared length"))
            .chainId(verified.chainId().toHex()).hop(settings.nodeId()).build();
        pipeline.deliver(waiting, new EdgePipeline.Answer(problem.status(), ChainHeaders.PROBLEM_JSON,
            BodyMemory.Held.uncounted(problem.toJson()), null));
      } else {
        unmatched(delivery, verified);
      }
      return;
    } catch (IOException e) {
      log.debug("chainmesh edge: a reply delivery broke off ({}); the client keeps waiting", e.toString());
      delivery.respond(400, null, new byte[0], Map.of());
      return;
    }
    try (EdgePipeline.Answer answer = new EdgePipeline.Answer(status, delivery.header("Content-Type"), body, route)) {
      if (!parked.claim(waiting)) {
        unmatched(delivery, verified);
        return;
      }
      counters.repliesAccepted.incrementAndGet();
      delivery.respond(204, null, new byte[0], Map.of());
      pipeline.deliver(waiting, answer);
    }
  }

  private void forged(EdgeExchange delivery, ChainException e) {
    counters.repliesForged.incrementAndGet();
    log.warn("chainmesh edge: dropped a reply delivery that does not verify: {}", e.getMessage());
    delivery.respond(ChainProblem.builder(e).hop(settings.nodeId()).build());
  }

  private void unmatched(EdgeExchange delivery, ChainDescriptor verified) {
    boolean late = parked.expiredRecently(verified.chainId());
    (late ? counters.repliesLate : counters.repliesUnknown).incrementAndGet();
    log.warn("chainmesh edge: dropped {} reply for chain {} ({}): no client waits for it",
        late ? "a late" : "an unknown", verified.chainId(), verified.chainName().orElse(""));
    delivery.respond(ChainProblem.builder(Reason.EDGE_REPLY_UNMATCHED, "no request waits for chain "
        + verified.chainId() + (late ? " any more: it timed out" : "") + "; the reply was dropped")
        .hop(settings.nodeId()).build());
  }

  private static int status(String text) {
    if (text.length() != 3) {
      return -1;
    }
    int status = 0;
    for (int i = 0; i < 3; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      status = status * 10 + (c - '0');
    }
    return status >= 200 && status <= 599 ? status : -1;
  }
}
