package io.chainmesh.bench;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.RouteRecord;
import io.chainmesh.core.Segment;
import io.chainmesh.edge.Catalogue;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainResponse;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The chainmesh contestants: {@code count} hops, each a {@link ChainHop} with one function
 * ({@code apply}, identity, like the hand-written services) served by its own {@link ChainServer} on
 * loopback, forwarding with one OkHttp client shared by the hops of this process; started by a
 * {@link ChainClient}. The same hops serve both return modes (the mode travels in the descriptor).
 *
 * <p>Asynchronous chains are started by a {@link ChainEdge} (chain-edge) with a catalogue of one
 * async chain per length ({@code POST /async/N}): the client's request is parked at the edge until
 * the last hop delivers the result to the edge's reply-to service, then answered. The async
 * contestant's time is the time until the edge's client has that answer; it includes the edge's
 * own work (catalogue match, signing, proof-of-transit check) and one more loopback exchange
 * (client to edge) than the sync contestant, which starts chains with a {@link ChainClient}.
 */
final class ChainmeshServices implements AutoCloseable {
  static final String REPLY_TO = ChainEdge.DEFAULT_REPLY_TO_SERVICE;
  private static final String TYPE = "application/octet-stream";

  private final KeyRing keys = SampleChains.keys();
  private final Map<String, URI> addresses = new ConcurrentHashMap<>();
  /**
   * chainmesh's default forwarding client; {@code -Dchainmesh.bench.plainHopClient=true} swaps in the
   * hand-written contestant's plain client instead, to measure what the default's channel-backed
   * sockets (its stale-connection check) cost per hop.
   */
  private final OkHttpClient hopClient = Boolean.getBoolean("chainmesh.bench.plainHopClient")
      ? HandWrittenServices.plainClient() : ChainHop.defaultHttpClient();
  private final List<ChainServer> servers = new ArrayList<>();
  private final List<String> nodes = new ArrayList<>();
  private final List<Segment> segments = new ArrayList<>();
  private final ChainClient client;
  private final OkHttpClient outsideClient;
  private final ChainCodec routeCodec;
  private final ChainEdge edge;

  /** The one function of every hop. */
  public static final class Apply {
    /** Identity, as in the hand-written services. */
    @ChainFunction("apply")
    public byte[] apply(byte[] body) {
      return HandWrittenServices.apply(body);
    }
  }

  /** Starts {@code count} hops and the edge; {@code client} is the load driver's own. */
  ChainmeshServices(int count, OkHttpClient client) {
    LoopbackServers.configureJdkServer();
    SegmentResolver resolver = segment -> {
      URI uri = segment.isUrl() ? null : addresses.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "service " + segment.service() + " is not in the bench");
      }
      return uri;
    };
    for (int i = 0; i < count; i++) {
      String service = "service-" + i;
      String node = "hop-" + i;
      ChainHop hop = ChainHop.builder()
          .functions(new Apply())
          .serviceName(service)
          .nodeId(node)
          .keys(keys)
          .resolver(resolver)
          .httpClient(hopClient)
          .build();
      ChainServer server = ChainServer.builder(hop).port(0).loopback().ownHop().start();
      servers.add(server);
      nodes.add(node);
      segments.add(Segment.of(service, "apply"));
      addresses.put(service, server.uri());
    }
    this.outsideClient = client;
    this.routeCodec = ChainCodec.builder(keys).build();
    this.edge = ChainEdge.builder()
        .catalogue(Catalogue.loader().resolver(resolver).parse(asyncCatalogue(count), "load-driver"))
        .keys(keys)
        .resolver(resolver)
        .httpClient(hopClient)
        .exposeRoute(true)
        .nodeId("bench-edge")
        .loopback()
        .port(0)
        .start();
    addresses.put(REPLY_TO, edge.uri());
    this.client = ChainClient.builder(keys, resolver).httpClient(client).build();
  }

  /** One asynchronous chain per length N: {@code POST /async/N} through the first N services. */
  private String asyncCatalogue(int count) {
    StringBuilder yaml = new StringBuilder("services: [");
    for (int i = 0; i < count; i++) {
      yaml.append(i == 0 ? "" : ", ").append(segments.get(i).service());
    }
    yaml.append("]\nchains:\n");
    for (int n = 1; n <= count; n++) {
      yaml.append("  - name: async-").append(n).append('\n')
          .append("    match: POST /async/").append(n).append('\n')
          .append("    returnMode: async\n")
          .append("    segments: [");
      for (int i = 0; i < n; i++) {
        yaml.append(i == 0 ? "" : ", ").append(segments.get(i).service()).append("/apply");
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  /** The synchronous contestant: the time until {@link ChainClient#send} returns the chain's answer. */
  Contestant sync() {
    return new Contestant() {
      @Override
      public String name() {
        return "chainmesh-sync";
      }

      @Override
      public Answer call(int length, byte[] body) {
        ChainDescriptor chain = ChainDescriptor.builder().segments(segments.subList(0, length)).build();
        ChainResponse response = client.send(chain, body, TYPE);
        return new Answer(response.status(), response.body(), describe(response.route()));
      }

      @Override
      public List<String> expectedRoute(int length) {
        return ChainmeshServices.this.expectedRoute(length);
      }
    };
  }

  /** The asynchronous contestant: the time until the edge's client has the chain's answer. */
  Contestant async() {
    return new Contestant() {
      @Override
      public String name() {
        return "chainmesh-async";
      }

      @Override
      public Answer call(int length, byte[] body) throws IOException {
        Request request = new Request.Builder().url(edge.uri().resolve("/async/" + length).toString())
            .post(RequestBody.create(body, MediaType.get(TYPE))).build();
        try (Response response = outsideClient.newCall(request).execute()) {
          byte[] answer = response.body().bytes();
          String route = response.header(ChainHeaders.ROUTE);
          List<String> records;
          try {
            records = route == null ? List.of("no route") : describe(routeCodec.decode(route).route());
          } catch (ChainException e) {
            records = List.of("route refused: " + e.reason().code());
          }
          return new Answer(response.code(), answer, records);
        }
      }

      @Override
      public List<String> expectedRoute(int length) {
        return ChainmeshServices.this.expectedRoute(length);
      }
    };
  }

  /** Async replies the edge could not match to a waiting client (late, unknown or forged): should stay 0. */
  long unmatchedReplies() {
    return edge.stats().repliesDropped();
  }

  private List<String> expectedRoute(int length) {
    List<String> route = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      route.add(i + ":" + nodes.get(i) + ":" + (i == length - 1 ? "ANSWERED" : "FORWARDED"));
    }
    return route;
  }

  private static List<String> describe(List<RouteRecord> route) {
    List<String> out = new ArrayList<>(route.size());
    for (RouteRecord r : route) {
      out.add(r.segmentIndex() + ":" + r.node() + ":" + r.outcome());
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
    edge.close();
    servers.forEach(ChainServer::close);
    hopClient.dispatcher().executorService().shutdown();
    hopClient.connectionPool().evictAll();
  }
}
