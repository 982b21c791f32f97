package io.chainmesh.http;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.KeySource;
import io.chainmesh.core.internal.Syntax;
import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.BodyOptions;
import io.chainmesh.http.internal.CodecOptions;
import io.chainmesh.http.internal.FunctionTable;
import io.chainmesh.http.internal.HopExchange;
import io.chainmesh.http.internal.HopPipeline;
import io.chainmesh.http.internal.HopThreads;
import io.chainmesh.http.internal.NodeIds;
import io.chainmesh.http.internal.NextHopClient;
import io.chainmesh.http.internal.ReplayGuard;
import io.chainmesh.http.internal.StaleConnectionCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * A chain-aware service: its {@link ChainFunction}s, the keys it verifies and signs with, the
 * resolver it finds next hops with, and its limits. Serve it with {@link ChainServer} (embedded) or
 * {@link ChainServlet} (an existing container); both run the same pipeline.
 *
 * <pre>{@code
 * ChainHop hop = ChainHop.builder()
 *     .functions(new PricingFunctions())
 *     .resolver(SegmentResolver.template("http://{service}.shop.svc.cluster.local:8080"))
 *     .keys(KeyRing.fromEnv("CHAIN_KEYS"))
 *     .build();
 * ChainServer server = ChainServer.builder(hop).port(8083).start();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} releases the forwarding client's threads and connections if the
 * hop created it.
 */
public final class ChainHop implements AutoCloseable {
  /** Default largest body a buffered binding ({@code byte[]}, {@code String}, JSON) reads: 16 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = BodyOptions.DEFAULT_MAX_BODY_BYTES;
  /** Threads serving accepted asynchronous chains, unless {@link Builder#asyncExecutor} is set. */
  public static final int DEFAULT_ASYNC_THREADS = 64;
  /** Accepted asynchronous chains waiting for a thread, unless {@link Builder#asyncExecutor} is set. */
  public static final int DEFAULT_ASYNC_QUEUE = 1024;

  private final HopPipeline pipeline;
  private final OkHttpClient ownedClient;
  private final ExecutorService ownedAsyncExecutor;
  private final Set<String> functionNames;

  private ChainHop(HopPipeline pipeline, OkHttpClient ownedClient, ExecutorService ownedAsyncExecutor,
      Set<String> functionNames) {
    this.ownedAsyncExecutor = ownedAsyncExecutor;
    this.pipeline = pipeline;
    this.ownedClient = ownedClient;
    this.functionNames = functionNames;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The node id this hop writes into route records and problem documents. */
  public String nodeId() {
    return pipeline.nodeId();
  }

  /** The names of this hop's functions. */
  public Set<String> functionNames() {
    return functionNames;
  }

  /**
   * How many results of asynchronous chains this hop could not deliver to their reply-to target
   * after bounded retries (each is also logged at error level).
   */
  public long undeliveredReplies() {
    return pipeline.undeliveredReplies();
  }

  /**
   * Bytes of request bodies held in memory now against this hop's body memory budget — the
   * process-wide one (shared with every hop and edge of the process) unless
   * {@link Builder#maxBodyMemory} gave the hop its own. 0 when nothing is in flight.
   */
  public long bodyBytesHeld() {
    return pipeline.bodyBytesHeld();
  }

  void handle(HopExchange exchange) {
    pipeline.handle(exchange);
  }

  /**
   * Lets asynchronous chains in progress finish (up to 5 s), then releases the threads and pooled
   * connections this hop created.
   */
  @Override
  public void close() {
    if (ownedAsyncExecutor != null) {
      HopThreads.shutdown(ownedAsyncExecutor, 5_000);
    }
    if (ownedClient != null) {
      ownedClient.dispatcher().executorService().shutdown();
      ownedClient.connectionPool().evictAll();
    }
  }

  /**
   * A default forwarding client sized for fan-in: many concurrent calls to few hosts, no redirects
   * (a redirect would let a next hop send the descriptor anywhere), no automatic retries (the hop's
   * {@link RetryPolicy} decides), and sockets on which a hop can tell, before forwarding on a pooled
   * connection, that the next hop has closed it (so a restarted next hop costs no failed request).
   */
  public static OkHttpClient defaultHttpClient() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(1024);
    dispatcher.setMaxRequestsPerHost(1024);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(30))
        .writeTimeout(Duration.ofSeconds(30))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .socketFactory(StaleConnectionCheck.socketFactory())
        .build();
  }

  /** Builds a {@link ChainHop}; {@link #build()} scans the functions and reports every misuse. */
  public static final class Builder {
    private final List<Object> functionObjects = new ArrayList<>();
    private final Set<String> serviceNames = new LinkedHashSet<>();
    private KeySource keys;
    private SegmentResolver resolver;
    private final CodecOptions codecOptions = new CodecOptions();
    private OkHttpClient httpClient;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private BodyCodec bodyCodec = BodyCodec.json();
    private final BodyOptions bodyOptions = new BodyOptions();
    private String nodeId;
    private Executor asyncExecutor;
    private int replayGuardCapacity;

    private Builder() {}

    /** Objects whose public {@link ChainFunction} methods this hop serves. */
    public Builder functions(Object... objects) {
      functionObjects.addAll(Arrays.asList(objects));
      return this;
    }

    /**
     * A logical service name this hop answers to, so that segments may address its functions as
     * {@code service/function}. A segment naming just a function's name as its service always works.
     */
    public Builder serviceName(String serviceName) {
      serviceNames.add(Objects.requireNonNull(serviceName, "serviceName"));
      return this;
    }

    /** Where keys come from. Required: use {@code KeyRing.insecureDevelopmentMode()} to run without. */
    public Builder keys(KeySource keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** How next hops and reply-to targets are found. Required. */
    public Builder resolver(SegmentResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Descriptor limits; {@link DecodeLimits#DEFAULTS} unless set. */
    public Builder limits(DecodeLimits limits) {
      codecOptions.limits(limits);
      return this;
    }

    /** The clock for validity windows, deadlines and route records; system UTC unless set. */
    public Builder clock(Clock clock) {
      codecOptions.clock(clock);
      return this;
    }

    /** Allowed clock skew between hops; see {@link ChainCodec.Builder#clockSkew}. */
    public Builder clockSkew(Duration skew) {
      codecOptions.clockSkew(skew);
      return this;
    }

    /** Longest descriptor lifetime accepted; see {@link ChainCodec.Builder#maxLifetime}. */
    public Builder maxLifetime(Duration maxLifetime) {
      codecOptions.maxLifetime(maxLifetime);
      return this;
    }

    /**
     * The OkHttp client to forward with, shared with the application if it likes (its pool,
     * dispatcher, timeouts and interceptors are used). Whatever it configures, the hop forwards
     * without following redirects and without OkHttp's own retries: a next hop cannot send the
     * descriptor elsewhere with a {@code 3xx}, and only the {@link RetryPolicy} re-sends a request.
     * A default sized for fan-in ({@link #defaultHttpClient()}) is created, and closed with the hop,
     * unless set.
     *
     * <p>The default client's sockets let the hop notice, before forwarding on a pooled connection,
     * that the next hop has closed it (it restarted). A client with OkHttp's ordinary sockets skips
     * that check: on Java 17 it forwards measurably more cheaply (about 4–5 % more throughput on a
     * five-hop loopback chain, {@code docs/performance.md}), but the first forward on each connection
     * a restarted next hop closed then fails with {@code next_hop.unreachable} unless the service is
     * idempotent. On virtual threads (a {@link ChainServer} on Java 21+) the check costs one system
     * call a forward.
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** When forwards are retried; {@link RetryPolicy#DEFAULT} unless set. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** How typed bodies are read and written; {@link BodyCodec#json()} unless set. */
    public Builder bodyCodec(BodyCodec bodyCodec) {
      this.bodyCodec = Objects.requireNonNull(bodyCodec, "bodyCodec");
      return this;
    }

    /**
     * Largest body a buffered binding reads; larger ones are refused with {@code limits.body} (413)
     * without running the function — before reading, when the {@code Content-Length} declares it.
     * Streams ({@code InputStream}) are not limited.
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      bodyOptions.maxBodyBytes(maxBodyBytes);
      return this;
    }

    /**
     * Most bytes of request bodies this hop holds in memory at once, across all requests (buffered
     * bindings, accepted asynchronous chains). A body that would go over it is refused with
     * {@code hop.unavailable} (503, with {@code Retry-After}) without running the function. Unless
     * set, the hop shares one budget with every hop and edge of the process: a quarter of the maximum
     * heap ({@code -Xmx}).
     */
    public Builder maxBodyMemory(long bytes) {
      bodyOptions.maxBodyMemory(bytes);
      return this;
    }

    /**
     * The node id in route records and problem documents; the first service or function name plus a
     * random suffix unless set. Never put host names or addresses here: problem documents show it.
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /**
     * Where asynchronous chains are served once accepted (the caller already has its {@code 202}).
     * Unless set, up to {@value #DEFAULT_ASYNC_THREADS} threads (virtual on Java 21+, platform before)
     * with {@value #DEFAULT_ASYNC_QUEUE} chains queued, on every JVM; past that a hop refuses new
     * asynchronous chains with {@code 503 hop.unavailable} and {@code Retry-After}. An executor you set
     * bounds them as it likes (refusing with {@code RejectedExecutionException} gives the same 503) and
     * is yours to shut down.
     */
    public Builder asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
      return this;
    }

    /**
     * Turns on a replay guard of at most {@code capacity} entries; off unless set. With it, the hop
     * remembers the (chain id, segment index) of every request it takes on until that descriptor
     * has expired (expiry plus clock skew), and refuses a second request for the same pair with
     * {@code segment.already_served} (409) without running anything: a captured in-flight
     * descriptor cannot be replayed to this hop while it is still valid.
     *
     * <p>Size it for the requests this hop takes on within a descriptor's lifetime: peak requests
     * per second times (the edge's lifetime, 60 s by default, plus the clock skew, 5 s). Memory is
     * about 42 bytes an entry, reserved as the guard's stripes are first used (up to
     * {@code 42 × capacity} bytes, briefly twice a stripe's share while it drops expired entries).
     * When it is full of entries that have not expired, the hop refuses new requests with
     * {@code hop.unavailable} (503) rather than forget one: it fails closed.
     *
     * <p>What it does not stop: a replay to another replica of this hop (each keeps its own guard),
     * or to another hop of the chain; the first of two racing copies wins, whichever sent it. A
     * forward the previous hop retries after it may have arrived (an idempotent service of its
     * {@link RetryPolicy}) is refused as a replay. Whatever the guard, a hop refuses a finished
     * chain's route and any descriptor whose route already records its current segment.
     *
     * @throws IllegalArgumentException if {@code capacity} is not in [1, 16 777 216]
     */
    public Builder replayGuard(int capacity) {
      if (capacity < 1 || capacity > ReplayGuard.MAX_CAPACITY) {
        throw new IllegalArgumentException("replay guard capacity must be in [1, " + ReplayGuard.MAX_CAPACITY
            + "], was " + capacity);
      }
      this.replayGuardCapacity = capacity;
      return this;
    }

    /**
     * The hop.
     *
     * @throws IllegalArgumentException for any misuse of {@link ChainFunction} (naming class, method
     *     and parameter), a bad service name or node id
     * @throws IllegalStateException without keys or resolver
     */
    public ChainHop build() {
      if (keys == null) {
        throw new IllegalStateException("ChainHop needs keys: KeyRing.fromEnv(\"CHAIN_KEYS\"), KeyRing.fromFile(...),"
            + " or explicitly KeyRing.insecureDevelopmentMode() on a laptop");
      }
      if (resolver == null) {
        throw new IllegalStateException("ChainHop needs a resolver, e.g."
            + " SegmentResolver.template(\"http://{service}.my-namespace.svc.cluster.local:8080\")");
      }
      FunctionTable table = FunctionTable.scan(functionObjects);
      for (String name : serviceNames) {
        String problem = Syntax.dnsNameProblem(name);
        if (problem != null) {
          throw new IllegalArgumentException("service name \"" + name + "\" " + problem);
        }
      }
      String node = NodeIds.checkedOrDefault(nodeId,
          serviceNames.isEmpty() ? table.names().iterator().next() : serviceNames.iterator().next());
      ChainCodec codec = codecOptions.codec(keys);
      Clock clock = codecOptions.clock();
      Duration clockSkew = codecOptions.clockSkew();
      long maxBodyBytes = bodyOptions.maxBodyBytes();
      BodyMemory bodyMemory = bodyOptions.memory();
      OkHttpClient owned = httpClient == null ? defaultHttpClient() : null;
      OkHttpClient client = httpClient == null ? owned : httpClient;
      ExecutorService ownedExecutor = asyncExecutor == null
          ? HopThreads.newExecutor("chainmesh-async", DEFAULT_ASYNC_THREADS, DEFAULT_ASYNC_QUEUE,
              new ThreadPoolExecutor.AbortPolicy())
          : null;
      HopPipeline pipeline = new HopPipeline(codec, table, serviceNames, resolver,
          new NextHopClient(client, retryPolicy, clock), bodyCodec, maxBodyBytes, bodyMemory, node,
          asyncExecutor == null ? ownedExecutor : asyncExecutor,
          replayGuardCapacity == 0 ? null : new ReplayGuard(replayGuardCapacity, clock, clockSkew));
      return new ChainHop(pipeline, owned, ownedExecutor, table.names());
    }
  }
}
