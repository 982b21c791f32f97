package io.chainmesh.edge.internal;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeySource;
import io.chainmesh.core.Reason;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.edge.ProofOfTransit;
import io.chainmesh.edge.TransitPolicy;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.SegmentResolver;
import io.chainmesh.http.RetryPolicy;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.ChainSender;
import io.chainmesh.http.internal.TraceContext;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's request pipeline, the one place a chain is started: match the request against the
 * catalogue → read the body → build and sign a fresh descriptor (nothing of the client's chain headers
 * is used: the outgoing request is built from scratch) → resolve the first segment → send → verify the
 * returned route and its proof of transit → answer the client. Asynchronous chains park the client
 * until {@link ReplyIntake} brings the reply.
 */
public final class EdgePipeline {
  private static final Logger log = LoggerFactory.getLogger(EdgePipeline.class);
  /** The traceroute of every answered chain, at INFO: its own logger, to turn up or down alone. */
  private static final Logger traceroute = LoggerFactory.getLogger("io.chainmesh.edge.traceroute");
  /** Reason code of a request no catalogue entry matches (not in chain-core's {@link Reason}). */
  /**
   * What the edge is configured with.
   *
   * @param codec signs issued descriptors
   * @param keys verifies returned routes
   * @param limits the descriptor limits
   * @param http sends to first hops
   * @param nodeId the edge's node id in problems and logs
   * @param replyTo the reply-to segment of asynchronous chains
   * @param exposeRoute whether clients get the {@code Chain-Route} header
   * @param transitPolicy what happens to an answer without proof of transit
   * @param asyncTimeout the longest a parked request waits
   * @param maxBodyBytes the largest request, answer or reply body held in memory
   * @param bodyMemory the budget every body the edge holds in memory counts against
   * @param maxLifetime the longest descriptor lifetime accepted on returned routes
   * @param clock issue times and deadlines
   */
  public record Settings(ChainCodec codec, KeySource keys, DecodeLimits limits, OkHttpClient http, String nodeId,
      Segment replyTo, boolean exposeRoute, TransitPolicy transitPolicy, Duration asyncTimeout, long maxBodyBytes,
      BodyMemory bodyMemory, Duration maxLifetime, Clock clock) {}

  /** The catalogue in force and the resolver that goes with it, read once per request. */
  public record Routing(CompiledCatalogue catalogue, SegmentResolver resolver) {}

  /**
   * A chain's answer as it came back: from the first hop (sync) or a reply delivery (async). Closing
   * it gives its body's memory back.
   */
  public record Answer(int status, String contentType, BodyMemory.Held body, String route) implements AutoCloseable {
    @Override
    public void close() {
      body.close();
    }
  }

  private final Settings settings;
  private final ChainSender sender;
  private final Supplier<Routing> routing;
  private final ParkedChains parked;
  private final EdgeCounters counters;

  /** A pipeline serving whatever {@code routing} supplies at the time of each request. */
  public EdgePipeline(Settings settings, Supplier<Routing> routing, ParkedChains parked, EdgeCounters counters) {
    this.settings = settings;
    // The first hop is not retried: the edge's client decides whether to send again.
    this.sender = new ChainSender(settings.http(), RetryPolicy.NONE, settings.clock());
    this.routing = routing;
    this.parked = parked;
    this.counters = counters;
  }

  /** Serves one client request; always answers it (now, or when its async reply or timeout comes). */
  public void serve(EdgeExchange client) {
    long startNanos = System.nanoTime();
    Routing current = routing.get();
    CompiledCatalogue.Match match = current.catalogue().match(client.method(), client.rawPath(), client::header);
    if (match == null) {
      client.respond(ChainProblem.builder(Reason.EDGE_NO_ROUTE, "no chain of the catalogue matches "
          + excerpt(client.method()) + " " + excerpt(client.rawPath())).hop(settings.nodeId()).build());
      return;
    }
    MediaType type;
    BodyMemory.Held body;
    try {
      // Both decided before anything is reserved or sent: a client's mistakes are 4xx, never a 500.
      type = sender.mediaType(client.header("Content-Type"));
      body = client.readBody(settings.maxBodyBytes(), settings.bodyMemory());
    } catch (ChainException e) {
      client.respond(ChainProblem.builder(e).hop(settings.nodeId()).build());
      return;
    } catch (IOException e) {
      log.debug("chainmesh edge: the request body could not be read ({})", e.toString());
      client.respond(ChainProblem.builder(Reason.BODY_MALFORMED, "the request body could not be read: its framing"
          + " is broken or the connection ended").hop(settings.nodeId()).build());
      return;
    }
    try (body) {
      start(client, match, current, type, body.bytes(), startNanos);
    }
  }

  private void start(EdgeExchange client, CompiledCatalogue.Match match, Routing current, MediaType type, byte[] body,
      long startNanos) {
    ChainEntry entry = match.entry();
    ChainDescriptor issued;
    String header;
    try {
      issued = entry.descriptor(match.variables(), client::header, settings.clock().instant(), settings.replyTo());
      header = settings.codec().encode(issued);
    } catch (ChainException e) {
      log.info("chainmesh edge: request for chain {} refused: {}", entry.name(), e.getMessage());
      client.respond(ChainProblem.builder(e).hop(settings.nodeId()).build());
      return;
    }
    URI first;
    try {
      first = current.resolver().resolve(issued.currentSegment());
    } catch (ChainException e) {
      client.respond(problemAt(e, issued));
      return;
    }
    TraceContext trace = TraceContext.childOf(client.header("traceparent"), client.header("tracestate"));
    Request request = firstHopRequest(first, header, body, type, trace);
    counters.chainsStarted.incrementAndGet();
    if (issued.returnMode() == ReturnMode.ASYNC) {
      startAsync(client, issued, request, trace, startNanos);
    } else {
      startSync(client, issued, request, trace, startNanos);
    }
  }

  private void startSync(EdgeExchange client, ChainDescriptor issued, Request request, TraceContext trace,
      long startNanos) {
    Answer answer;
    try {
      answer = send(issued, request);
    } catch (ChainException e) {
      log.warn("chainmesh edge: chain {} ({}) could not reach its first hop: {}", issued.chainId(),
          issued.chainName().orElse(""), e.getMessage());
      client.respond(problemAt(e, issued));
      return;
    }
    try (answer) {
      answer(client, issued, answer, trace, startNanos);
    }
  }

  private void startAsync(EdgeExchange client, ChainDescriptor issued, Request request, TraceContext trace,
      long startNanos) {
    ParkedChains.Parked p = new ParkedChains.Parked(issued, client, trace, startNanos);
    Duration timeout = settings.asyncTimeout();
    if (issued.deadline().isPresent()) {
      Duration left = Duration.between(settings.clock().instant(), issued.deadline().get()).plus(ChainSender.DEADLINE_GRACE);
      timeout = left.compareTo(timeout) < 0 ? left : timeout;
    }
    if (!parked.park(p, timeout, this::timedOut)) {
      counters.parkingRefused.incrementAndGet();
      log.warn("chainmesh edge: refused asynchronous chain {} ({}): {} requests already wait for replies",
          issued.chainId(), issued.chainName().orElse(""), parked.size());
      client.respond(ChainProblem.builder(Reason.HOP_UNAVAILABLE, "too many requests are waiting for asynchronous"
          + " replies; try again later").chainId(issued.chainId().toHex()).hop(settings.nodeId()).build());
      return;
    }
    boolean accepted = false;
    try {
      Answer answer;
      try {
        answer = send(issued, request);
      } catch (ChainException e) {
        if (parked.claim(p)) {
          log.warn("chainmesh edge: asynchronous chain {} could not reach its first hop: {}", issued.chainId(),
              e.getMessage());
          client.respond(problemAt(e, issued));
        }
        return;
      }
      try (answer) {
        if (answer.status() == 202) {
          accepted = true;
          log.debug("chainmesh edge: chain {} accepted; waiting up to {} for its reply", issued.chainId(), timeout);
          return;
        }
        // The first hop answered itself instead of accepting: a refusal. That is the chain's answer.
        if (parked.claim(p)) {
          answer(client, issued, answer, trace, startNanos);
        }
      }
    } finally {
      if (!accepted) {
        // Whatever failed (an unexpected exception included), the slot is not left behind: only an
        // accepted chain waits for its reply or timeout to release it.
        parked.claim(p);
      }
    }
  }

  private void timedOut(ParkedChains.Parked p) {
    counters.asyncTimeouts.incrementAndGet();
    ChainDescriptor issued = p.issued();
    log.warn("chainmesh edge: no reply for asynchronous chain {} ({}) after {} ms; answering 504", issued.chainId(),
        issued.chainName().orElse(""), (System.nanoTime() - p.startNanos()) / 1_000_000);
    p.client().respond(ChainProblem.builder(Reason.DEADLINE_EXCEEDED, "no reply arrived from the chain in time")
        .chainId(issued.chainId().toHex()).hop(settings.nodeId()).build());
  }

  /** Answers a parked client whose reply {@link ReplyIntake} verified and claimed; the caller closes {@code answer}. */
  void deliver(ParkedChains.Parked p, Answer answer) {
    answer(p.client(), p.issued(), answer, p.trace(), p.startNanos());
  }

  /** Answers a parked client that can no longer be served, because the edge is stopping. */
  public void shutDown(ParkedChains.Parked p) {
    p.client().respond(ChainProblem.builder(Reason.HOP_UNAVAILABLE, "the edge is shutting down")
        .chainId(p.issued().chainId().toHex()).hop(settings.nodeId()).build());
  }

  /** Verifies the answer's route and proof of transit, logs the traceroute, and answers the client. */
  private void answer(EdgeExchange client, ChainDescriptor issued, Answer answer, TraceContext trace, long startNanos) {
    ChainDescriptor route = null;
    String violation = null;
    if (answer.route() != null) {
      try {
        route = verifyRoute(answer.route(), issued.issuedAt());
      } catch (ChainException e) {
        violation = "the answer's " + ChainHeaders.ROUTE + " does not verify (" + e.reason().code() + ")";
      }
    }
    if (route != null) {
      violation = ProofOfTransit.verify(issued, route).violation().orElse(null);
    } else if (violation == null && !isProblem(answer.contentType())) {
      // A problem without a route is a refusal before any hop verified the descriptor: nothing to prove.
      violation = "the answer carries no " + ChainHeaders.ROUTE;
    }
    long elapsed = System.nanoTime() - startNanos;
    if (traceroute.isInfoEnabled()) {
      traceroute.info(Traceroute.format(issued, route, answer.status(), elapsed, trace.traceId(),
          violation == null ? (route == null ? "no route" : "transit verified") : "TRANSIT UNPROVEN: " + violation));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (violation != null) {
      counters.transitUnproven.incrementAndGet();
      if (settings.transitPolicy() == TransitPolicy.REFUSE) {
        log.warn("chainmesh edge: refused the answer of chain {} ({}): proof of transit failed: {}",
            issued.chainId(), issued.chainName().orElse(""), violation);
        client.respond(ChainProblem.builder(Reason.TRANSIT_UNPROVEN, "proof of transit failed: " + violation)
            .chainId(issued.chainId().toHex()).hop(settings.nodeId()).build());
        return;
      }
      log.warn("chainmesh edge: flagged the answer of chain {} ({}): proof of transit failed: {}",
          issued.chainId(), issued.chainName().orElse(""), violation);
      headers.put(ChainEdge.TRANSIT_HEADER, "unproven");
    } else if (settings.transitPolicy() == TransitPolicy.FLAG && route != null) {
      headers.put(ChainEdge.TRANSIT_HEADER, "verified");
    }
    if (settings.exposeRoute() && route != null) {
      headers.put(ChainHeaders.ROUTE, answer.route());
    }
    client.respond(answer.status(), answer.contentType(), answer.body().bytes(), headers);
  }

  /**
   * The verified final descriptor in a {@code Chain-Route} header, its validity window checked as of
   * {@code asOf} (when the edge issued the chain). The MAC proves a key holder wrote it and the chain
   * id binds it to one request, so freshness adds nothing here, and a chain that outlives its
   * descriptor's lifetime still proves its route.
   */
  ChainDescriptor verifyRoute(String header, Instant asOf) {
    return settings.codec().decode(header, asOf);
  }

  private Request firstHopRequest(URI first, String descriptorHeader, byte[] body, MediaType type,
      TraceContext trace) {
    Request.Builder b = sender.post(first, ChainSender.body(body, type))
        .header(ChainHeaders.DESCRIPTOR, descriptorHeader)
        .header("traceparent", trace.traceparent());
    if (trace.tracestate() != null) {
      b.header("tracestate", trace.tracestate());
    }
    return b.build();
  }

  /** Sends to the first hop and reads its answer into the edge's body memory. */
  private Answer send(ChainDescriptor issued, Request request) {
    Instant deadline = issued.deadline().orElse(null);
    Response response = sender.send(request, deadline, ChainSender.Leg.START, issued.currentSegment().service());
    String type = response.header("Content-Type");
    String route = response.header(ChainHeaders.ROUTE);
    int status = response.code();
    return new Answer(status, type, sender.readAnswer(response, settings.maxBodyBytes(), settings.bodyMemory(),
        deadline), route);
  }

  private ChainProblem problemAt(ChainException e, ChainDescriptor issued) {
    return ChainProblem.builder(e).chainId(issued.chainId().toHex())
        .segment(issued.pointer(), issued.currentSegment().toString()).hop(settings.nodeId()).build();
  }

  static boolean isProblem(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(ChainHeaders.PROBLEM_JSON);
  }

  /** Request text for a message: printable ASCII, capped. */
  private static String excerpt(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 100 ? sb.append("...").toString() : sb.toString();
  }

  Settings settings() {
    return settings;
  }

  ParkedChains parked() {
    return parked;
  }

  EdgeCounters counters() {
    return counters;
  }
}
