package io.chainmesh.http.internal;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.http.BodyCodec;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The hop pipeline, the one place a request is served, whichever door it came through:
 * header size check and decode, MAC verification and validity window (in {@link ChainCodec}) →
 * the current segment not served already → deadline → the current segment must name this hop and
 * one of its functions → replay guard, if kept → bind → invoke →
 * advance (record appended, re-MAC) → resolve the next segment → forward → relay the answer.
 *
 * <p>A refusal before the function runs never runs it and is answered with a problem document. A
 * failure after it ran, or downstream, is answered (sync) or delivered to reply-to (async) as a
 * problem document naming the segment and hop where it happened.
 *
 * <p>In asynchronous mode a hop takes the request on once the descriptor is verified and the body
 * read, answers {@code 202} at once, and serves it on the asynchronous executor: the caller's
 * thread and connection are free as soon as this hop has the request, so what a hop holds does not
 * grow with the length of the chain. From its 202 on, the hop owes reply-to the outcome, whatever it is.
 */
public final class HopPipeline {
  private static final Logger log = LoggerFactory.getLogger(HopPipeline.class);
  private static final int MAX_PROBLEM_BYTES = 16 * 1024;
  /** Answers up to this length (declared) are relayed from a buffer; longer ones are streamed. */
  static final int RELAY_BUFFER_MAX_BYTES = 64 * 1024;
  static final String PROBLEM = ChainHeaders.PROBLEM_JSON;

  private final ChainCodec codec;
  private final FunctionTable functions;
  private final Set<String> serviceNames;
  private final SegmentResolver resolver;
  private final NextHopClient nextHop;
  private final BodyCodec bodyCodec;
  private final long maxBodyBytes;
  private final BodyMemory bodyMemory;
  private final String nodeId;
  private final Clock clock;
  private final Executor asyncExecutor;
  private final AtomicLong undeliveredReplies = new AtomicLong();
  /** Null when the hop keeps no replay guard. */
  private final ReplayGuard replayGuard;

  /**
   * A pipeline; {@code serviceNames} are the logical names this hop answers to besides its function
   * names; {@code replayGuard} is null for none.
   */
  public HopPipeline(ChainCodec codec, FunctionTable functions, Set<String> serviceNames, SegmentResolver resolver,
      NextHopClient nextHop, BodyCodec bodyCodec, long maxBodyBytes, BodyMemory bodyMemory,
      String nodeId, Executor asyncExecutor,
      ReplayGuard replayGuard) {
    this.codec = codec;
    this.functions = functions;
    this.serviceNames = Set.copyOf(serviceNames);
    this.resolver = resolver;
    this.nextHop = nextHop;
    this.bodyCodec = bodyCodec;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyMemory = bodyMemory;
    this.nodeId = nodeId;
    this.asyncExecutor = asyncExecutor;
    this.clock = codec.clock();
    this.replayGuard = replayGuard;
  }

  /** The node id written into route records and problem documents. */
  public String nodeId() {
    return nodeId;
  }

  /** Bytes of bodies held now against this pipeline's body memory. */
  public long bodyBytesHeld() {
    return bodyMemory.held();
  }

  /** Results of asynchronous chains that could not be delivered to their reply-to target. */
  public long undeliveredReplies() {
    return undeliveredReplies.get();
  }

  /** Serves one request; never throws, always responds once (unless the client is gone). */
  public void handle(HopExchange exchange) {
    Outgoing response;
    try {
      response = serve(exchange);
    } catch (RuntimeException | Error e) {
      log.error("chainmesh hop {}: unexpected failure in the pipeline", nodeId, e);
      response = problemResponse(ChainProblem.builder(Reason.HANDLER_FAILED, "the hop failed unexpectedly")
          .hop(nodeId).build(), null);
    }
    try {
      exchange.respond(response);
    } catch (IOException e) {
      response.close();
      log.debug("chainmesh hop {}: the caller went away before the answer was sent ({})", nodeId, e.toString());
    }
  }

  private Outgoing serve(HopExchange exchange) {
    long startNanos = System.nanoTime();
    Instant start = clock.instant();
    String header = exchange.header(ChainHeaders.DESCRIPTOR);
    if (header == null) {
      return refused(ChainException.of(Reason.DESCRIPTOR_MISSING,
          "the request carries no " + ChainHeaders.DESCRIPTOR + " header"));
    }
    if (exchange.headerCount(ChainHeaders.DESCRIPTOR) > 1) {
      return refused(ChainException.of(Reason.DESCRIPTOR_MALFORMED,
          "the request carries several " + ChainHeaders.DESCRIPTOR + " headers; a chain has exactly one"));
    }
    ChainDescriptor descriptor;
    try {
      descriptor = codec.decode(header);
    } catch (ChainException e) {
      return refused(e);
    }
    TraceContext trace = TraceContext.childOf(exchange.header("traceparent"), exchange.header("tracestate"));
    putMdc(descriptor, trace);
    try {
      HandlerMethod handler;
      try {
        handler = accept(descriptor);
        nextHop.sender().mediaType(exchange.header("Content-Type")); // one this hop could not send on is refused now
      } catch (ChainException e) {
        return refusedVerified(e, descriptor);
      }
      if (descriptor.returnMode() == ReturnMode.ASYNC) {
        return acceptAsync(exchange, descriptor, handler, trace, start, startNanos);
      }
      return run(exchange, descriptor, handler, trace, start, startNanos, false);
    } finally {
      clearMdc();
    }
  }

  /**
   * The checks of a verified descriptor before this hop takes the request on (wire format §14.1);
   * the function to run. The replay guard comes last, so only a request this hop would serve takes
   * a place in it.
   */
  private HandlerMethod accept(ChainDescriptor descriptor) {
    descriptor.requireServable();
    Instant deadline = descriptor.deadline().orElse(null);
    if (deadline != null && !clock.instant().isBefore(deadline)) {
      throw ChainException.of(Reason.DEADLINE_EXCEEDED, "the chain's deadline passed before this hop could serve it");
    }
    HandlerMethod handler = match(descriptor.currentSegment());
    if (!descriptor.isLastSegment() && descriptor.hopLimit() <= 1) {
      // This hop could not forward: refuse now rather than run the function for nothing.
      throw ChainException.atField(Reason.HOP_LIMIT_EXCEEDED, "hopLimit", "hop limit exhausted at segment "
          + descriptor.pointer() + " with " + descriptor.remainingSegments().size() + " segments still to visit");
    }
    if (replayGuard != null) {
      replayGuard.admit(descriptor);
    }
    return handler;
  }

  /**
   * Asynchronous mode: takes the request on (body buffered within the limit), answers {@code 202}
   * at once and serves it on the asynchronous executor, so the caller's thread and connection are
   * free as soon as this hop has the request. From the 202 on, this hop owes reply-to the outcome.
   */
  private Outgoing acceptAsync(HopExchange exchange, ChainDescriptor descriptor, HandlerMethod handler,
      TraceContext trace, Instant start, long startNanos) {
    BufferedExchange taken;
    try {
      taken = BufferedExchange.read(exchange, maxBodyBytes, bodyMemory);
    } catch (ChainException e) {
      return refusedVerified(e, descriptor);
    }
    try {
      asyncExecutor.execute(() -> {
        putMdc(descriptor, trace);
        try {
          run(taken, descriptor, handler, trace, start, startNanos, true).close();
        } catch (RuntimeException | Error e) {
          undeliveredReplies.incrementAndGet();
          log.error("chainmesh hop {}: chain {} failed unexpectedly after it was accepted", nodeId,
              descriptor.chainId(), e);
        } finally {
          taken.release();
          clearMdc();
        }
      });
    } catch (RejectedExecutionException e) {
      taken.release();
      return refusedVerified(ChainException.of(Reason.HOP_UNAVAILABLE,
          "this hop is at its limit of asynchronous chains in progress"), descriptor);
    }
    return Outgoing.bytes(202, null, null, new byte[0]);
  }

  /**
   * Binds, invokes and completes the function for an accepted request. {@code detached}: the caller
   * already has its 202, so every outcome, refusals included, goes to reply-to.
   */
  private Outgoing run(HopExchange exchange, ChainDescriptor descriptor, HandlerMethod handler, TraceContext trace,
      Instant start, long startNanos, boolean detached) {
    Hop hop = new Hop(this, descriptor, handler, trace, start, startNanos);
    try {
      Object[] arguments = hop.bind(exchange);
      Object result;
      try {
        result = handler.invoke(arguments);
      } catch (ChainException e) {
        throw e;
      } catch (Throwable t) {
        if (hop.contractViolation() != null) {
          // Our own message about how the Forwarder was misused, not the function's: safe to show.
          throw ChainException.of(Reason.HANDLER_FAILED, "function " + handler.name() + " broke the forwarding"
              + " contract: " + hop.contractViolation());
        }
        if (t instanceof Error && !(t instanceof StackOverflowError)) {
          throw (Error) t;
        }
        log.warn("chainmesh hop {}: function {} ({}) threw", nodeId, handler.name(), handler.description(), t);
        throw ChainException.of(Reason.HANDLER_FAILED, "function " + handler.name() + " failed");
      }
      try {
        return hop.complete(result, exchange);
      } catch (ForwardingContractException e) {
        throw ChainException.of(Reason.HANDLER_FAILED, "function " + handler.name() + " broke the forwarding"
            + " contract: " + e.getMessage());
      }
    } catch (ChainException e) {
      if (hop.handlerRan()) {
        hop.discardForwardReply();
        return failedAfterHandler(e, hop);
      }
      Outgoing refusal = refusedVerified(e, descriptor);
      return detached ? deliverAsync(descriptor, refusal, trace) : refusal;
    } finally {
      hop.releaseRequest();
    }
  }

  private static void putMdc(ChainDescriptor descriptor, TraceContext trace) {
    MDC.put("chain.id", descriptor.chainId().toHex());
    MDC.put("chain.segment", descriptor.pointer() + ":" + descriptor.currentSegment());
    MDC.put("trace.id", trace.traceId());
  }

  private static void clearMdc() {
    MDC.remove("chain.id");
    MDC.remove("chain.segment");
    MDC.remove("trace.id");
  }

  private HandlerMethod match(Segment segment) {
    String function = segment.function().orElse(segment.service());
    boolean servesName = !segment.isUrl()
        && (serviceNames.contains(segment.service()) || segment.service().equals(function));
    HandlerMethod handler = servesName ? functions.find(function).orElse(null) : null;
    if (handler == null) {
      throw ChainException.atField(Reason.SEGMENT_NOT_HERE, "segments",
          "the current segment " + describe(segment) + " does not name this hop's service or one of its functions");
    }
    return handler;
  }

  /** A refusal of a descriptor that is not verified: nothing of it is echoed. */
  private Outgoing refused(ChainException e) {
    log.info("chainmesh hop {}: refused a request: {}", nodeId, e.getMessage());
    return problemResponse(ChainProblem.builder(e).hop(nodeId).build(), null);
  }

  /** A refusal before the function ran, of a verified descriptor: the caller handles delivery. */
  private Outgoing refusedVerified(ChainException e, ChainDescriptor d) {
    log.info("chainmesh hop {}: refused chain {} at segment {}: {}", nodeId, d.chainId(), d.pointer(), e.getMessage());
    ChainProblem problem = problemAt(e, d, d.pointer());
    return problemResponse(problem, finalRoute(d, Outcome.FAILED, System.nanoTime(), clock.instant()));
  }

  /** A failure after the function ran: answered (sync) or delivered to reply-to (async). */
  private Outgoing failedAfterHandler(ChainException e, Hop hop) {
    ChainDescriptor d = hop.working();
    log.warn("chainmesh hop {}: chain {} failed at segment {}: {}", nodeId, d.chainId(), d.pointer(), e.getMessage());
    ChainProblem problem = problemAt(e, d, d.pointer());
    String route = finalRoute(d, Outcome.FAILED, hop.startNanos(), hop.start());
    Outgoing out = problemResponse(problem, route);
    return d.returnMode() == ReturnMode.ASYNC ? deliverAsync(d, out, hop.trace()) : out;
  }

  ChainProblem problemAt(ChainException e, ChainDescriptor d, int index) {
    Segment segment = index < d.segments().size() ? d.segments().get(index) : d.currentSegment();
    return ChainProblem.builder(e).chainId(d.chainId().toHex()).segment(index, describe(segment)).hop(nodeId).build();
  }

  /** A function's own problem ({@code ChainReply.problem}), named with where it happened like the hop's own. */
  ChainProblem located(ChainProblem problem, ChainDescriptor d) {
    return ApiAccess.get().located(problem, d.chainId().toHex(), d.pointer(), describe(d.currentSegment()), nodeId);
  }

  /** A segment as problem documents name it: a raw URL is an address, which they never show. */
  private static String describe(Segment segment) {
    return segment.isUrl() ? "<raw URL>" : segment.toString();
  }

  Outgoing problemResponse(ChainProblem problem, String route) {
    return Outgoing.bytes(problem.status(), PROBLEM, route, problem.toJson());
  }

  /** The signed descriptor with this hop's final record, for the {@code Chain-Route} header; null if impossible. */
  String finalRoute(ChainDescriptor d, Outcome outcome, long startNanos, Instant start) {
    try {
      return codec.encode(d.recordFinal(record(d, outcome, startNanos, start)));
    } catch (ChainException e) {
      log.debug("chainmesh hop {}: cannot record the final route: {}", nodeId, e.getMessage());
      return null;
    }
  }

  RouteRecord record(ChainDescriptor d, Outcome outcome, long startNanos, Instant start) {
    return RouteRecord.builder()
        .segmentIndex(d.pointer())
        .node(nodeId)
        .start(start)
        .duration(Duration.ofNanos(System.nanoTime() - startNanos))
        .outcome(outcome)
        .build();
  }

  /**
   * Sends {@code body} on from a hop whose descriptor is {@code d}: the chain's answer at the last
   * segment, otherwise advance, resolve, forward and relay.
   */
  Outgoing forward(ChainDescriptor d, Outgoing body, TraceContext trace, long startNanos, Instant start) {
    if (d.isLastSegment()) {
      String route;
      try {
        route = codec.encode(d.recordFinal(record(d, Outcome.ANSWERED, startNanos, start)));
      } catch (ChainException e) {
        body.close();
        return problemResponse(problemAt(e, d, d.pointer()), null);
      }
      Outgoing answer = body.withStatus(200, route);
      return d.returnMode() == ReturnMode.ASYNC ? deliverAsync(d, answer, trace) : answer;
    }
    int nextIndex = d.pointer() + 1;
    ChainDescriptor next;
    String header;
    URI url;
    try {
      next = d.advance(record(d, Outcome.FORWARDED, startNanos, start));
      header = codec.encode(next);
    } catch (ChainException e) {
      body.close();
      return failedForward(e, d, d.pointer(), trace, startNanos, start);
    }
    Segment nextSegment = next.currentSegment();
    try {
      url = resolver.resolve(nextSegment);
    } catch (ChainException e) {
      body.close();
      return failedForward(e, d, nextIndex, trace, startNanos, start);
    }
    Response response;
    try {
      response = nextHop.forward(url, header, trace, body, d.deadline().orElse(null), nextSegment.service());
    } catch (ChainException e) {
      return failedForward(e, d, nextIndex, trace, startNanos, start);
    }
    if (d.returnMode() == ReturnMode.ASYNC) {
      return relayAsync(d, response, nextIndex, trace, startNanos, start);
    }
    String contentType = response.header("Content-Type");
    String route = response.header(ChainHeaders.ROUTE);
    if (route == null && !isProblem(contentType)) {
      response.close();
      return failedForward(ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE, "the next hop answered "
          + response.code() + " without a chain route or problem document"), d, nextIndex, trace, startNanos, start);
    }
    long length = response.body() == null ? 0 : response.body().contentLength();
    if (length >= 0 && length <= RELAY_BUFFER_MAX_BYTES) {
      // A small answer of known length is read whole before this hop answers: an answer the next
      // hop breaks off is then answered with a problem naming the segment instead of a cut
      // connection, and the caller is woken once for head and body instead of once for each.
      byte[] answer;
      try (response) {
        answer = length == 0 ? new byte[0] : response.body().bytes();
      } catch (IOException e) {
        return failedForward(nextHop.sender().answerFailure(e, d.deadline().orElse(null)), d, nextIndex, trace, startNanos,
            start);
      }
      return Outgoing.bytes(response.code(), contentType, route, answer);
    }
    InputStream stream = response.body() == null ? InputStream.nullInputStream() : response.body().byteStream();
    return Outgoing.stream(response.code(), contentType, route, stream, length, response);
  }

  private Outgoing relayAsync(ChainDescriptor d, Response response, int nextIndex, TraceContext trace,
      long startNanos, Instant start) {
    try (response) {
      if (response.code() == 202) {
        return Outgoing.bytes(202, null, null, new byte[0]);
      }
      byte[] answer;
      try {
        answer = ChainSender.readPrefix(response, MAX_PROBLEM_BYTES);
      } catch (IOException e) {
        answer = new byte[0];
      }
      if (isProblem(response.header("Content-Type")) && ChainProblem.parse(answer).isPresent()) {
        // The next hop refused: its problem names it; this hop delivers it, as it holds a verified reply-to.
        Outgoing problem = Outgoing.bytes(response.code(), PROBLEM,
            finalRoute(d, Outcome.FAILED, startNanos, start), answer);
        return deliverAsync(d, problem, trace);
      }
      return failedForward(ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE,
          "the next hop answered " + response.code() + " instead of 202 Accepted"), d, nextIndex, trace, startNanos, start);
    }
  }

  private Outgoing failedForward(ChainException e, ChainDescriptor d, int index, TraceContext trace, long startNanos,
      Instant start) {
    log.warn("chainmesh hop {}: chain {} could not go on to segment {}: {}", nodeId, d.chainId(), index, e.getMessage());
    Outgoing problem = problemResponse(problemAt(e, d, index), finalRoute(d, Outcome.FAILED, startNanos, start));
    return d.returnMode() == ReturnMode.ASYNC ? deliverAsync(d, problem, trace) : problem;
  }

  /**
   * Delivers an asynchronous chain's outcome to its reply-to target with bounded retries (transport
   * failures, {@code 503}, any {@code 5xx} for an idempotent reply-to: {@link ChainSender.Leg#REPLY}),
   * and answers the caller {@code 202 Accepted}: this hop took responsibility for the outcome.
   */
  Outgoing deliverAsync(ChainDescriptor d, Outgoing outcome, TraceContext trace) {
    Segment replyTo = d.replyTo().orElseThrow();
    try {
      URI url = resolver.resolve(replyTo);
      try (Response response = nextHop.deliver(url, trace, outcome, d.deadline().orElse(null), replyTo.service())) {
        if (response.code() / 100 != 2) {
          throw ChainException.of(Reason.NEXT_HOP_BAD_RESPONSE, "reply-to answered " + response.code());
        }
      }
    } catch (ChainException e) {
      undeliveredReplies.incrementAndGet();
      log.error("chainmesh hop {}: could not deliver the outcome (status {}) of chain {} to reply-to {}: {}",
          nodeId, outcome.status(), d.chainId(), replyTo, e.getMessage());
    } finally {
      outcome.close();
    }
    return Outgoing.bytes(202, null, null, new byte[0]);
  }

  static boolean isProblem(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(PROBLEM);
  }

  Outgoing encodeBody(Object value, String explicitType, int status) {
    if (value == null) {
      return Outgoing.bytes(status, explicitType, null, new byte[0]);
    }
    if (value instanceof byte[] bytes) {
      return Outgoing.bytes(status, explicitType != null ? explicitType : "application/octet-stream", null, bytes);
    }
    if (value instanceof String text) {
      return Outgoing.bytes(status, explicitType != null ? explicitType : "text/plain; charset=utf-8", null,
          text.getBytes(StandardCharsets.UTF_8));
    }
    if (value instanceof InputStream stream) {
      return Outgoing.stream(status, explicitType != null ? explicitType : "application/octet-stream", null, stream,
          -1, null);
    }
    return Outgoing.bytes(status, explicitType != null ? explicitType : bodyCodec.mediaType(), null,
        bodyCodec.write(value));
  }

  ChainCodec codec() {
    return codec;
  }

  BodyCodec bodyCodec() {
    return bodyCodec;
  }

  long maxBodyBytes() {
    return maxBodyBytes;
  }

  BodyMemory bodyMemory() {
    return bodyMemory;
  }

  Clock clock() {
    return clock;
  }
}
