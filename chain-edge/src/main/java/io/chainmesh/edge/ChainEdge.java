package io.chainmesh.edge;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeySource;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.edge.internal.AdminEndpoint;
import io.chainmesh.edge.internal.CatalogueWatch;
import io.chainmesh.edge.internal.EdgeCounters;
import io.chainmesh.edge.internal.EdgeExchange;
import io.chainmesh.edge.internal.EdgeRequests;
import io.chainmesh.edge.internal.JdkEdgeExchange;
import io.chainmesh.edge.internal.EdgePipeline;
import io.chainmesh.edge.internal.ParkedChains;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.SegmentResolver;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.BodyOptions;
import io.chainmesh.http.internal.ForwardingClient;
import io.chainmesh.http.internal.CodecOptions;
import io.chainmesh.http.internal.EmbeddedServer;
import io.chainmesh.http.internal.JdkServerDefaults;
import io.chainmesh.http.internal.ServerOptions;
import io.chainmesh.http.internal.NodeIds;
import io.chainmesh.http.internal.RequestAdmission;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge (classifier) of a chain domain: the only place chains start. It matches each request
 * against the {@link Catalogue}, builds and signs a fresh descriptor, sends the request to the first
 * hop and gives the client the chain's answer — after checking, from the returned record route, that
 * every segment was visited in order by a key holder ({@link ProofOfTransit}).
 *
 * <pre>{@code
 * ChainEdge edge = ChainEdge.builder()
 *     .catalogue(Path.of("chains.yaml"))                // reloaded when the file changes
 *     .keys(KeyRing.fromEnv("CHAIN_KEYS"))
 *     .resolver(SegmentResolver.template("http://{service}.shop.svc.cluster.local:8080"))
 *     .port(8080)                                       // all interfaces: in a pod, the Service's traffic
 *     .start();                                         // arrives on the pod's IP; loopback() on a laptop
 * }</pre>
 *
 * <h2>What clients cannot do</h2>
 * The request sent to the first hop is built from scratch: the client's method becomes POST, and only
 * its body, {@code Content-Type} and W3C trace context are carried over. A client's
 * {@code Chain-Descriptor} and {@code Chain-Route} headers are never forwarded, so a client can neither
 * inject nor extend a chain; the catalogue decides which of its headers become metadata.
 *
 * <h2>Asynchronous chains</h2>
 * The client's request is held open (without holding a thread) until the last hop delivers the
 * result to the edge's reply-to service ({@link Builder#replyToService}, which hops resolve with their
 * own resolvers to this edge's address). A request carrying {@code Chain-Reply-Status} is always taken
 * as such a delivery, at any path, and never starts a chain; it is accepted only if its
 * {@code Chain-Route} verifies with the edge's keys and names a chain a client is waiting for. At most
 * {@link Builder#maxParkedRequests} clients wait (beyond: 503 {@code hop.unavailable}); a client whose
 * reply does not come within {@link Builder#asyncTimeout} or the chain's deadline gets 504
 * {@code deadline.exceeded}. (Past a deadline, sync or async, the edge waits 500 ms more before it
 * answers for the chain itself: every hop gives up at the deadline too, and a hop's answer names the
 * segment where the chain was.) Late, unknown and forged deliveries are dropped and counted in
 * {@link #stats()}.
 *
 * <h2>The route</h2>
 * Every answered chain is logged at INFO on the logger {@code io.chainmesh.edge.traceroute}, like a
 * traceroute: one line per hop with segment, node, start offset, time spent and outcome. Clients get
 * the signed route in the {@code Chain-Route} response header only with {@link Builder#exposeRoute}.
 *
 * <h2>Other answers of the edge itself</h2>
 * No matching chain: 404 with reason {@code edge.no_route}. An answer whose route does not prove
 * transit: 502 {@code transit.unproven} (or flagged, per {@link TransitPolicy}). A first hop that
 * cannot be reached: 502 {@code next_hop.unreachable} or 504. Every request thread busy and as many
 * requests waiting ({@link Builder#maxThreads}): 503 {@code hop.unavailable} with {@code Retry-After}.
 * All are RFC 9457 problem documents.
 *
 * <h2>Its server</h2>
 * The edge runs on the JDK's built-in HTTP server with the same lifecycle as a hop's
 * {@link io.chainmesh.http.ChainServer}, including the JDK server properties the first chainmesh
 * server of the JVM sets when it starts (not when a class loads; see "JDK server properties"
 * there, and {@link Builder#jdkServerDefaults}).
 *
 * <p>Thread-safe. {@link #close()} answers waiting clients with 503 and stops everything the edge
 * started.
 */
public final class ChainEdge implements AutoCloseable {
  /**
   * Response header saying, under {@link TransitPolicy#FLAG}, whether the answer's proof of transit held:
   * {@code verified} or {@code unproven}.
   */
  public static final String TRANSIT_HEADER = "Chain-Transit";
  /** The reply-to service name asynchronous chains carry unless set. */
  public static final String DEFAULT_REPLY_TO_SERVICE = "edge";
  /** Waiting asynchronous clients at most, unless set. */
  public static final int DEFAULT_MAX_PARKED_REQUESTS = 1024;
  /** Longest wait for an asynchronous reply, unless set (a chain's deadline may shorten it). */
  public static final Duration DEFAULT_ASYNC_TIMEOUT = Duration.ofSeconds(30);
  /** How often a catalogue file is checked for changes, unless set. */
  public static final Duration DEFAULT_CATALOGUE_WATCH = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ChainEdge.class);

  private record Loaded(Catalogue catalogue, EdgePipeline.Routing routing) {}

  /** Null behind an {@link EdgeServlet}: the container is the server. */
  private final EmbeddedServer server;
  /** Behind an {@link EdgeServlet}: the threads for the edge's own work (timeouts, admin). */
  private final RequestAdmission detachedWork;
  private final Duration stopGrace;
  private final ScheduledExecutorService timer;
  private final OkHttpClient ownedClient;
  private final ParkedChains parked;
  private final BodyMemory bodyMemory;
  private final EdgeCounters counters;
  private final EdgePipeline pipeline;
  private final EdgeRequests requests;
  private final String nodeId;
  private final Path catalogueFile;
  private final Catalogue.Loader loader;
  private final SegmentResolver resolver;
  private final Object reloadLock = new Object();
  private volatile Loaded loaded;
  private volatile AdminEndpoint admin;
  private volatile CatalogueWatch watch;
  private volatile boolean closed;

  private ChainEdge(Builder b, Catalogue first, Catalogue.Loader loader, String nodeId, boolean embedded) {
    this.catalogueFile = b.catalogueFile;
    this.loader = loader;
    this.resolver = b.resolver;
    this.nodeId = nodeId;
    this.counters = new EdgeCounters();
    this.loaded = new Loaded(first, routing(first));
    ChainCodec codec = b.codec.codec(b.keys);
    this.stopGrace = b.server.stopGrace();
    this.server = embedded ? EmbeddedServer.bind("chainmesh-edge", nodeId, b.server) : null;
    this.detachedWork = embedded ? null
        : RequestAdmission.of("chainmesh-edge-work", b.server.maxThreads(), b.server.maxThreads());
    Executor ownWork = embedded ? server.ownWork() : detachedWork.ownWork();
    this.ownedClient = b.httpClient == null ? ChainHop.defaultHttpClient() : null;
    OkHttpClient http = ForwardingClient.from(b.httpClient == null ? ownedClient : b.httpClient);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chainmesh-edge-timer");
      t.setDaemon(true);
      return t;
    });
    this.parked = new ParkedChains(b.maxParkedRequests, timer, ownWork);
    this.bodyMemory = b.body.memory();
    EdgePipeline.Settings settings = new EdgePipeline.Settings(codec, b.keys, b.codec.limits(), http, nodeId,
        Segment.of(b.replyToService), b.exposeRoute, b.transitPolicy, b.asyncTimeout, b.body.maxBodyBytes(), b.body.memory(),
        b.codec.maxLifetime(), b.codec.clock());
    this.pipeline = new EdgePipeline(settings, () -> loaded.routing(), parked, counters);
    this.requests = new EdgeRequests(pipeline, nodeId);
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  private void begin(Builder b) {
    if (server != null) {
      server.start(exchange -> {
        JdkEdgeExchange x = new JdkEdgeExchange(exchange);
        requests.serve(x);
        return x.dropConnection();
      });
    }
    if (b.adminPort >= 0) {
      if (server == null && b.server.jdkServerDefaults()) {
        JdkServerDefaults.applyOnce(); // the admin endpoint is a JDK server too
      }
      admin = AdminEndpoint.start(b.adminPort, server != null ? server.ownWork() : detachedWork.ownWork(),
          this::reload, this::stats);
    }
    if (catalogueFile != null && !b.catalogueWatch.isZero()) {
      watch = CatalogueWatch.start(catalogueFile, b.catalogueWatch, timer, this::reload);
    }
    if (server == null) {
      log.info("chainmesh edge {} serving chains {} from {} behind a servlet", nodeId, loaded.catalogue().chainNames(),
          loaded.catalogue().source());
      if (b.exposeRoute) {
        log.warn("chainmesh edge {}: exposeRoute is on behind a servlet: every client the container lets in gets"
            + " its chain's signed Chain-Route (segments, node ids, timings, metadata)", nodeId);
      }
      return;
    }
    log.info("chainmesh edge {} serving chains {} from {} on {}", nodeId, loaded.catalogue().chainNames(),
        loaded.catalogue().source(), uri());
    InetAddress bound = server.address().getAddress();
    if (b.exposeRoute && !bound.isLoopbackAddress()) {
      String where = bound.isAnyLocalAddress() ? "all interfaces" : bound.getHostAddress();
      log.warn("chainmesh edge {}: exposeRoute is on and the edge listens on {}: every client gets its chain's"
          + " signed Chain-Route (segments, node ids, timings, metadata). Leave it off where clients other than"
          + " this machine's reach the edge", nodeId, where);
    }
  }

  private EdgePipeline.Routing routing(Catalogue catalogue) {
    SegmentResolver r = resolver != null ? resolver : catalogue.compiled().staticResolver();
    if (r == null) {
      // The loader refuses such a catalogue when it knows there is no resolver; a Catalogue built
      // elsewhere may not have been checked.
      throw new IllegalStateException("the edge has no resolver and catalogue " + catalogue.source()
          + " gives no service URLs: configure a resolver or map each service to its base URL");
    }
    return new EdgePipeline.Routing(catalogue.compiled(), r);
  }

  /**
   * The port the edge listens on (the actual one when built with port 0).
   *
   * @throws IllegalStateException behind an {@link EdgeServlet}, where the container listens
   */
  public int port() {
    return embedded().address().getPort();
  }

  /**
   * {@code http://host:port/} with the address the edge is bound to (127.0.0.1 for all interfaces).
   *
   * @throws IllegalStateException behind an {@link EdgeServlet}, where the container listens
   */
  public URI uri() {
    return embedded().uri();
  }

  private EmbeddedServer embedded() {
    if (server == null) {
      throw new IllegalStateException("chainmesh edge " + nodeId + " is served by a servlet container, which knows"
          + " its own address");
    }
    return server;
  }

  /** The door of an {@link EdgeServlet}: serves one request, answered now or later from another thread. */
  void serve(EdgeExchange exchange) {
    requests.serve(exchange);
  }

  /** The admin endpoint's address, if {@link Builder#adminPort} enabled it. */
  public Optional<URI> adminUri() {
    AdminEndpoint a = admin;
    return a == null ? Optional.empty() : Optional.of(a.uri());
  }

  /** The node id in the edge's problem documents and logs. */
  public String nodeId() {
    return nodeId;
  }

  /** The catalogue in force. */
  public Catalogue catalogue() {
    return loaded.catalogue();
  }

  /**
   * Reads the catalogue file again and, if it validates, puts it in force for requests that arrive
   * from now on; chains already started finish as they began. Called by the file watch and the admin
   * endpoint too.
   *
   * @return the catalogue now in force
   * @throws CatalogueException if the new catalogue does not validate; the old one stays in force
   * @throws IllegalStateException if the edge was built from a {@link Catalogue} rather than a file
   */
  public Catalogue reload() {
    if (catalogueFile == null) {
      throw new IllegalStateException("the edge was built with a Catalogue object, not a file: nothing to reload");
    }
    synchronized (reloadLock) {
      Catalogue next;
      try {
        next = loader.load(catalogueFile);
      } catch (CatalogueException e) {
        counters.catalogueReloadsRejected.incrementAndGet();
        log.warn("chainmesh edge {}: rejected the new catalogue; the previous one stays in force:\n{}", nodeId,
            e.getMessage());
        throw e;
      }
      loaded = new Loaded(next, routing(next));
      counters.catalogueReloads.incrementAndGet();
      log.info("chainmesh edge {}: catalogue {} reloaded: chains {}", nodeId, next.source(), next.chainNames());
      return next;
    }
  }

  /** A snapshot of the edge's counters. */
  public EdgeStats stats() {
    EdgeCounters c = counters;
    return new EdgeStats(c.chainsStarted.get(), parked.size(), c.parkingRefused.get(), c.asyncTimeouts.get(),
        c.repliesAccepted.get(), c.repliesForged.get(), c.repliesLate.get(), c.repliesUnknown.get(),
        c.transitUnproven.get(), c.catalogueReloads.get(), c.catalogueReloadsRejected.get(), bodyMemory.held());
  }

  /**
   * Stops the edge: answers waiting asynchronous clients with 503, stops accepting requests, waits up
   * to the stop grace for those in flight, and releases threads and (if the edge created it) the HTTP
   * client. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CatalogueWatch w = watch;
    if (w != null) {
      w.close();
    }
    AdminEndpoint a = admin;
    if (a != null) {
      a.close();
    }
    List<ParkedChains.Parked> waiting = parked.close();
    waiting.forEach(pipeline::shutDown);
    if (server != null) {
      server.close();
    } else {
      detachedWork.shutdown(stopGrace.toMillis() + 1000);
    }
    timer.shutdownNow();
    if (ownedClient != null) {
      ownedClient.dispatcher().executorService().shutdown();
      ownedClient.connectionPool().evictAll();
    }
    log.info("chainmesh edge {} stopped", nodeId);
  }

  @Override
  public String toString() {
    return "ChainEdge{" + nodeId + " on " + (server == null ? "a servlet" : uri()) + ", " + loaded.catalogue() + '}';
  }

  /** Builds and starts a {@link ChainEdge}. */
  public static final class Builder {
    private Path catalogueFile;
    private Catalogue catalogue;
    private KeySource keys;
    private SegmentResolver resolver;
    private final ServerOptions server = new ServerOptions();
    private final CodecOptions codec = new CodecOptions();
    private String nodeId;
    private String replyToService = DEFAULT_REPLY_TO_SERVICE;
    private int maxParkedRequests = DEFAULT_MAX_PARKED_REQUESTS;
    private Duration asyncTimeout = DEFAULT_ASYNC_TIMEOUT;
    private boolean exposeRoute;
    private TransitPolicy transitPolicy = TransitPolicy.REFUSE;
    private OkHttpClient httpClient;
    private final BodyOptions body = new BodyOptions();
    private Duration catalogueWatch = DEFAULT_CATALOGUE_WATCH;
    private int adminPort = -1;

    private Builder() {}

    /**
     * The catalogue file: loaded at {@link #start()}, reloaded by {@link ChainEdge#reload()} and, unless
     * {@link #catalogueWatch} is zero, whenever its content changes.
     */
    public Builder catalogue(Path file) {
      this.catalogueFile = Objects.requireNonNull(file, "file");
      this.catalogue = null;
      return this;
    }

    /** A catalogue loaded elsewhere; such an edge cannot {@link ChainEdge#reload()}. */
    public Builder catalogue(Catalogue catalogue) {
      this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
      this.catalogueFile = null;
      return this;
    }

    /** The keys that sign issued descriptors and verify returned routes and replies. Required. */
    public Builder keys(KeySource keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * How the first segment of each chain is found, and which service names the catalogue may use when
     * it declares none. Unless set, the catalogue's {@code services:} URLs are the resolver. When both
     * are given, this resolver is used and the catalogue's URLs are not.
     */
    public Builder resolver(SegmentResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** The port; 8080 unless set; 0 picks a free one. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /** The address to bind; all interfaces unless set. */
    public Builder bindAddress(InetAddress bindAddress) {
      server.bindAddress(bindAddress);
      return this;
    }

    /** Binds to the loopback interface only: for tests, demos and sidecars. */
    public Builder loopback() {
      return bindAddress(InetAddress.getLoopbackAddress());
    }

    /** The node id in problem documents and logs; {@code edge-} and a random suffix unless set. */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /**
     * The logical service name asynchronous chains name as reply-to; hops resolve it to this edge's
     * address with their resolvers. {@value ChainEdge#DEFAULT_REPLY_TO_SERVICE} unless set.
     */
    public Builder replyToService(String service) {
      this.replyToService = Objects.requireNonNull(service, "service");
      return this;
    }

    /** Most asynchronous clients waiting at once; {@value ChainEdge#DEFAULT_MAX_PARKED_REQUESTS} unless set. */
    public Builder maxParkedRequests(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxParkedRequests must not be negative, was " + max);
      }
      this.maxParkedRequests = max;
      return this;
    }

    /** Longest wait for an asynchronous reply (a chain's deadline may cut it shorter); 30 s unless set. */
    public Builder asyncTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("asyncTimeout must be positive, was " + timeout);
      }
      this.asyncTimeout = timeout;
      return this;
    }

    /**
     * Whether clients get the {@code Chain-Route} response header: the signed final descriptor with the
     * record route (segments, node ids, timings, metadata). Off unless set: it shows the inside of
     * the chain domain, and it is a signed descriptor a client could try to send to a hop itself.
     * The edge always logs the route.
     *
     * <p>It is meant for development: demos, tests, a laptop. The rule the edge applies is where it
     * listens: bound to a loopback address ({@link #loopback()}), only this machine's clients see the
     * route; bound to anything else (all interfaces by default), {@link #start()} logs a WARN that
     * the route is exposed.
     */
    public Builder exposeRoute(boolean expose) {
      this.exposeRoute = expose;
      return this;
    }

    /** What happens to an answer whose route does not prove transit; {@link TransitPolicy#REFUSE} unless set. */
    public Builder proofOfTransit(TransitPolicy policy) {
      this.transitPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The OkHttp client to reach first hops with. Whatever it configures, the edge sends without
     * following redirects and without OkHttp's own retries (a first hop cannot send the signed
     * descriptor elsewhere with a {@code 3xx}; a request is never sent twice behind the edge's back).
     * With the default client's sockets the edge also notices a pooled connection a restarted first
     * hop has closed and sends on a fresh one instead. A default sized for fan-out is created (and
     * closed with the edge) unless set.
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Descriptor limits, for the catalogue and the wire; {@link DecodeLimits#DEFAULTS} unless set. */
    public Builder limits(DecodeLimits limits) {
      codec.limits(limits);
      return this;
    }

    /** The longest descriptor lifetime hops accept, which catalogue lifetimes must not exceed. */
    public Builder maxLifetime(Duration maxLifetime) {
      codec.maxLifetime(maxLifetime);
      return this;
    }

    /**
     * Allowed clock skew between the edge and its hops, when it verifies the routes of answers and
     * replies; as for hops ({@link ChainCodec.Builder#clockSkew}), {@link ChainCodec#DEFAULT_CLOCK_SKEW}
     * unless set.
     */
    public Builder clockSkew(Duration skew) {
      codec.clockSkew(skew);
      return this;
    }

    /** The clock for issue times and deadlines; system UTC unless set. */
    public Builder clock(Clock clock) {
      codec.clock(clock);
      return this;
    }

    /**
     * Largest request, answer or reply body held in memory; 16 MiB unless set. A request whose
     * {@code Content-Length} declares more is refused with {@code limits.body} (413) before its body
     * is read.
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      body.maxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Most bytes of bodies (requests, answers, replies) this edge holds in memory at once, across all
     * requests. A body that would go over it is refused with {@code hop.unavailable} (503, with
     * {@code Retry-After}) before it is read, or as soon as a chunked one reaches the bound; the
     * edge keeps serving what fits. Unless set, the edge shares one budget with every edge and hop of
     * the process: a quarter of the maximum heap ({@code -Xmx}; 96 MiB in a 384 MiB heap).
     */
    public Builder maxBodyMemory(long bytes) {
      body.maxBodyMemory(bytes);
      return this;
    }

    /**
     * How often the catalogue file is checked for changes; {@link Duration#ZERO} turns the watch off.
     * 2 s unless set.
     */
    public Builder catalogueWatch(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("catalogueWatch must not be negative, was " + interval);
      }
      this.catalogueWatch = interval;
      return this;
    }

    /**
     * Serves the admin endpoint on this loopback port (0 for any free one): {@code POST /reload} and
     * {@code GET /stats}. Off unless set.
     */
    public Builder adminPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("adminPort must be in [0, 65535], was " + port);
      }
      this.adminPort = port;
      return this;
    }

    /**
     * Requests served at once, on every JVM: the request threads (virtual on Java 21+, platform
     * before). A synchronous chain holds one until it is answered; a waiting asynchronous client
     * holds none. As many more requests wait for a thread; beyond that, a request (a reply delivery
     * too) is answered {@code 503 hop.unavailable} with {@code Retry-After: 1}, without its body
     * being read or a chain started. 256 unless set.
     */
    public Builder maxThreads(int maxThreads) {
      server.maxThreads(maxThreads);
      return this;
    }

    /** How long {@link ChainEdge#close()} waits for requests in flight; 1 s unless set. */
    public Builder stopGrace(Duration stopGrace) {
      server.stopGrace(stopGrace);
      return this;
    }

    /**
     * Whether starting the JVM's first chainmesh server may set the JDK server's properties
     * ({@code sun.net.httpserver.nodelay}, {@code maxReqTime}) that are not set yet; true unless
     * set. See "JDK server properties" in {@link io.chainmesh.http.ChainServer}.
     */
    public Builder jdkServerDefaults(boolean apply) {
      server.jdkServerDefaults(apply);
      return this;
    }

    /**
     * Loads the catalogue, binds and starts the edge.
     *
     * @throws CatalogueException if the catalogue does not validate
     * @throws IllegalStateException without keys, a catalogue, or any way to resolve services
     * @throws IllegalArgumentException for a bad node id or reply-to service name
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ChainEdge start() {
      return start(true);
    }

    /**
     * Loads the catalogue and starts the edge without a server of its own, to be served by an
     * {@link EdgeServlet} in a servlet container. {@link #port} and {@link #bindAddress} do not
     * apply, {@link #jdkServerDefaults} only to the {@link #adminPort admin endpoint};
     * {@link #maxThreads} sizes the threads for the edge's own work (answering timed-out waits, the
     * admin endpoint), and {@link #stopGrace} is how long {@link ChainEdge#close()} waits for it.
     *
     * @throws CatalogueException if the catalogue does not validate
     * @throws IllegalStateException without keys, a catalogue, or any way to resolve services
     * @throws IllegalArgumentException for a bad node id or reply-to service name
     */
    public ChainEdge startForServlet() {
      return start(false);
    }

    private ChainEdge start(boolean embedded) {
      if (keys == null) {
        throw new IllegalStateException("ChainEdge needs keys: KeyRing.fromEnv(\"CHAIN_KEYS\"), KeyRing.fromFile(...),"
            + " or explicitly KeyRing.insecureDevelopmentMode() on a laptop");
      }
      if (catalogue == null && catalogueFile == null) {
        throw new IllegalStateException("ChainEdge needs a catalogue: catalogue(Path.of(\"chains.yaml\"))");
      }
      String replyProblem = Syntax.dnsNameProblem(replyToService);
      if (replyProblem != null) {
        throw new IllegalArgumentException("reply-to service name \"" + replyToService + "\" " + replyProblem);
      }
      String node = NodeIds.checkedOrDefault(nodeId, "edge");
      Catalogue.Loader loader = Catalogue.loader().limits(codec.limits()).maxLifetime(codec.maxLifetime())
          .replyToService(replyToService);
      if (resolver != null) {
        loader.resolver(resolver);
      }
      Catalogue first = catalogueFile != null ? loader.load(catalogueFile) : catalogue;
      ChainEdge edge = new ChainEdge(this, first, loader, node, embedded);
      try {
        edge.begin(this);
      } catch (RuntimeException e) {
        edge.close();
        throw e;
      }
      return edge;
    }
  }
}
