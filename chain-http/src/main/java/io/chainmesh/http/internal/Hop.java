package io.chainmesh.http.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.Outcome;
import io.chainmesh.core.Reason;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainReply;
import io.chainmesh.http.Forwarder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * One request at one hop, from binding to the answer: it binds the function's parameters, is the
 * {@link Forwarder} the function may use, and turns the function's result into what is sent on.
 * Confined to the request's thread.
 */
final class Hop implements Forwarder {
  private final HopPipeline pipeline;
  private final HandlerMethod handler;
  private final TraceContext trace;
  private final Instant start;
  private final long startNanos;
  private ChainDescriptor working;
  private byte[] bufferedBody;
  private BodyMemory.Held heldBody;
  private boolean handlerRan;
  private ChainReply forwardReply;
  private InputStream requestStream;
  private String contractViolation;

  Hop(HopPipeline pipeline, ChainDescriptor descriptor, HandlerMethod handler, TraceContext trace, Instant start,
      long startNanos) {
    this.pipeline = pipeline;
    this.working = descriptor;
    this.handler = handler;
    this.trace = trace;
    this.start = start;
    this.startNanos = startNanos;
  }

  ChainDescriptor working() {
    return working;
  }

  TraceContext trace() {
    return trace;
  }

  Instant start() {
    return start;
  }

  long startNanos() {
    return startNanos;
  }

  /** How the function misused the {@link Forwarder}, or null. */
  String contractViolation() {
    return contractViolation;
  }

  boolean handlerRan() {
    return handlerRan;
  }

  /** Closes the downstream answer {@link #forward} got, when the hop fails instead of relaying it. */
  void discardForwardReply() {
    if (forwardReply != null) {
      ((Outgoing) ApiAccess.get().response(forwardReply)).close();
    }
  }

  /** The function's arguments; refuses (without running it) a body over the limit, unreadable or of the wrong type. */
  Object[] bind(HopExchange ex) {
    HandlerMethod.Kind[] kinds = handler.kinds();
    Object[] args = new Object[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      args[i] = switch (kinds[i]) {
        case BODY_BYTES -> readBody(ex);
        case BODY_STRING -> new String(readBody(ex), StandardCharsets.UTF_8);
        case BODY_STREAM -> openBody(ex);
        case BODY_OBJECT -> {
          String type = ex.header("Content-Type");
          if (!pipeline.bodyCodec().canRead(type)) {
            throw ChainException.of(Reason.BODY_UNSUPPORTED_MEDIA_TYPE, "function " + handler.name()
                + " reads " + pipeline.bodyCodec().mediaType() + ", the request body is " + sanitize(type));
          }
          yield pipeline.bodyCodec().read(readBody(ex), handler.bodyType());
        }
        case CONTEXT -> ApiAccess.get().context(working, handler.name(), trace.traceId(), trace.spanId(), pipeline.clock());
        case FORWARDER -> this;
        case ARGUMENT -> requiredArgument(handler.argumentName(i));
        case OPTIONAL_ARGUMENT -> working.currentSegment().argument(handler.argumentName(i));
      };
    }
    handlerRan = true;
    return args;
  }

  private String requiredArgument(String name) {
    return working.currentSegment().argument(name).orElseThrow(() ->
        ChainException.atField(Reason.SEGMENT_MISSING_ARGUMENT, "segments[" + working.pointer() + "].arguments",
            "function " + handler.name() + " needs argument \"" + name + "\""));
  }

  private byte[] readBody(HopExchange ex) {
    if (bufferedBody == null) {
      if (ex instanceof BufferedExchange taken) {
        bufferedBody = taken.bytes(); // an accepted asynchronous request: in memory already, and counted
      } else {
        heldBody = BufferedExchange.readBounded(ex, openBody(ex), pipeline.maxBodyBytes(), pipeline.bodyMemory());
        bufferedBody = heldBody.bytes();
      }
    }
    return bufferedBody;
  }

  private InputStream openBody(HopExchange ex) {
    if (requestStream == null) {
      try {
        requestStream = ex.body();
      } catch (IOException e) {
        throw ChainException.caused(Reason.BODY_MALFORMED, "the request body could not be read", e);
      }
    }
    return requestStream;
  }

  private static String sanitize(String contentType) {
    if (contentType == null) {
      return "untyped";
    }
    return io.chainmesh.core.internal.Excerpt.of(contentType);
  }

  @Override
  public Forwarder context(String key, String value) {
    requireNotForwarded("context()");
    working = working.withContext(key, value);
    return this;
  }

  @Override
  public Forwarder insertAfterCurrent(List<Segment> segments) {
    requireNotForwarded("insertAfterCurrent()");
    working = working.insertAfterCurrent(segments, pipeline.codec().limits());
    return this;
  }

  @Override
  public ChainReply forward(Object body) {
    if (forwardReply != null) {
      throw violation("forward() was called twice; a function forwards at most once");
    }
    if (body instanceof ChainReply) {
      throw violation("forward() takes a body, not a ChainReply; return the ChainReply to end the chain");
    }
    Outgoing out = pipeline.forward(working, pipeline.encodeBody(body, null, 200), trace, startNanos, start);
    forwardReply = reply(out);
    return forwardReply;
  }

  private static ChainReply reply(Outgoing out) {
    return ApiAccess.get().relayed(out.status(), out.contentType(), out);
  }

  private void requireNotForwarded(String what) {
    if (forwardReply != null) {
      throw violation(what + " was called after forward()");
    }
  }

  private IllegalStateException violation(String message) {
    contractViolation = message;
    return new IllegalStateException(message);
  }

  /** What the function's result means: relay, end early, or forward it. */
  Outgoing complete(Object result, HopExchange ex) {
    if (forwardReply != null) {
      if (result == null || result == forwardReply) {
        return (Outgoing) ApiAccess.get().response(forwardReply);
      }
      ((Outgoing) ApiAccess.get().response(forwardReply)).close();
      throw new ForwardingContractException("the function returned a body after forward(); return the ChainReply"
          + " that forward() gave");
    }
    if (result instanceof ChainReply reply) {
      if (reply.isRelayed()) {
        throw new ForwardingContractException("the function returned a relayed reply it did not get from its own"
            + " forward()");
      }
      Object body = ApiAccess.get().body(reply);
      if (body instanceof ChainProblem problem) {
        body = pipeline.located(problem, working).toJson();
      }
      Outgoing out = pipeline.encodeBody(body, reply.contentType().orElse(null), reply.status());
      Outgoing ended = out.withStatus(reply.status(),
          pipeline.finalRoute(working, working.isLastSegment() ? Outcome.ANSWERED : Outcome.ENDED_EARLY, startNanos,
              start));
      return working.returnMode() == ReturnMode.ASYNC ? pipeline.deliverAsync(working, ended, trace) : ended;
    }
    Outgoing body;
    if (handler.returnsVoid()) {
      body = unchangedBody(ex);
    } else {
      body = pipeline.encodeBody(result, null, 200);
    }
    return pipeline.forward(working, body, trace, startNanos, start);
  }

  private Outgoing unchangedBody(HopExchange ex) {
    String type = ex.header("Content-Type");
    if (bufferedBody != null) {
      return Outgoing.bytes(200, type, null, bufferedBody);
    }
    return Outgoing.stream(200, type, null, openBody(ex), ex.contentLength(), null);
  }

  /** Drops the request body and gives its memory back; the door closes the exchange. */
  void releaseRequest() {
    if (heldBody != null) {
      heldBody.close();
      heldBody = null;
    }
    bufferedBody = null;
    requestStream = null;
  }
}
