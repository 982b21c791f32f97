package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.http.RetryPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A hop's requests onward: to the next hop ({@link #forward}) and to a reply-to target
 * ({@link #deliver}), with the chain and trace headers set; sent by a {@link ChainSender}, which
 * times them out, retries them and says what a failure means.
 */
public final class NextHopClient {
  private final ChainSender sender;

  /** A client over {@code client}'s pool and dispatcher. */
  public NextHopClient(OkHttpClient client, RetryPolicy retries, Clock clock) {
    this.sender = new ChainSender(client, retries, clock);
  }

  /** The sender behind this client. */
  public ChainSender sender() {
    return sender;
  }

  /**
   * POSTs {@code body} with the descriptor to the next hop at {@code url} and returns the answer,
   * which the caller must close; {@code body} is closed whatever happens.
   *
   * @param deadline the chain's deadline, or null
   * @param service the next segment's service, for retries after the request left
   * @throws ChainException as {@link ChainSender#send}; {@code body.malformed} for a content type
   *     that cannot be sent
   */
  public Response forward(URI url, String descriptorHeader, TraceContext trace, Outgoing body, Instant deadline,
      String service) {
    Request.Builder request = request(url, trace, body);
    request.header(ChainHeaders.DESCRIPTOR, descriptorHeader);
    return sender.send(request.build(), deadline, ChainSender.Leg.FORWARD, service);
  }

  /**
   * POSTs an asynchronous chain's {@code outcome} to its reply-to target at {@code url}, with its
   * route and status, and returns the answer, which the caller must close; {@code outcome} is
   * closed whatever happens.
   *
   * @param deadline the chain's deadline, or null
   * @param service reply-to's service, for retries after the request left
   * @throws ChainException as {@link ChainSender#send}
   */
  public Response deliver(URI url, TraceContext trace, Outgoing outcome, Instant deadline, String service) {
    Request.Builder request = request(url, trace, outcome);
    if (outcome.route() != null) {
      request.header(ChainHeaders.ROUTE, outcome.route());
    }
    request.header(ChainHeaders.REPLY_STATUS, Integer.toString(outcome.status()));
    return sender.send(request.build(), deadline, ChainSender.Leg.REPLY, service);
  }

  private Request.Builder request(URI url, TraceContext trace, Outgoing body) {
    Request.Builder request;
    try {
      request = sender.post(url, ChainSender.body(body, sender.mediaType(body.contentType())));
    } catch (RuntimeException e) {
      body.close();
      throw e;
    }
    request.header("traceparent", trace.traceparent());
    if (trace.tracestate() != null) {
      request.header("tracestate", trace.tracestate());
    }
    return request;
  }
}
