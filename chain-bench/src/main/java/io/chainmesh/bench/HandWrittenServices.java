package io.chainmesh.bench;

import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.http.ChainHop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The baselines: what a team would write without chainmesh, on the same JDK HttpServer engine with
 * the same settings ({@link LoopbackServers}) and a plain OkHttp client with the same pool,
 * dispatcher limits and timeouts as chainmesh's default ({@link #plainClient()}), shared by the
 * services of one process.
 *
 * <ul>
 *   <li><b>forwarding</b>: service {@code sK} reads the body and the {@code Route} header (the names
 *       still to visit, comma-separated), runs its function (identity), forwards to the first name
 *       with the rest of the route, and returns the answer it gets with its name prepended to the
 *       {@code Hops} response header; with an empty route it answers itself.
 *   <li><b>hub</b>: a central orchestrator that calls the same services in turn (each without a
 *       route, so each answers itself), feeding each answer to the next, and returns the last one.
 *       It keeps no state between requests.
 * </ul>
 */
final class HandWrittenServices implements AutoCloseable {
  static final String ROUTE = "Route";
  static final String HOPS = "Hops";
  static final String PAD = "Pad";
  /**
   * Experiment knob, off by default: {@code -Dchainmesh.bench.padHeader=900} makes the hand-written
   * client send a {@code Pad} header of that many characters, which every service forwards (as a
   * chainmesh hop forwards its descriptor), to measure what carrying a header of that size costs
   * the same engine by itself.
   */
  private static final String PADDING = "x".repeat(Integer.getInteger("chainmesh.bench.padHeader", 0));
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final List<LoopbackServers.Running> servers = new ArrayList<>();
  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final OkHttpClient serviceClient = plainClient();
  private final OkHttpClient hubClient = plainClient();
  private final OkHttpClient client;
  private final URI first;
  private final URI hub;

  /** Starts {@code count} services and the hub; {@code client} is the load driver's own. */
  HandWrittenServices(int count, OkHttpClient client) {
    this.client = client;
    for (int i = 0; i < count; i++) {
      String name = name(i);
      LoopbackServers.Running server = LoopbackServers.start("plain-" + name, exchange -> serve(name, exchange));
      servers.add(server);
      addresses.put(name, server.uri().toString());
    }
    LoopbackServers.Running hubServer = LoopbackServers.start("plain-hub", this::orchestrate);
    servers.add(hubServer);
    this.first = servers.get(0).uri();
    this.hub = hubServer.uri();
  }

  /**
   * The OkHttp client a team would configure: {@link ChainHop#defaultHttpClient()}'s dispatcher
   * limits, pool size, timeouts and no redirects, otherwise OkHttp's defaults: its own sockets
   * (chainmesh's default adds channel-backed sockets for its stale-connection check, part of what is
   * measured) and its retry of a request that failed on a stale pooled connection (without it a
   * baseline fails now and then when the JDK server has closed an idle connection).
   */
  static OkHttpClient plainClient() {
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
        .build();
  }

  static String name(int i) {
    return "s" + i;
  }

  /** The forwarding contestant. */
  Contestant forwarding() {
    return new Contestant() {
      @Override
      public String name() {
        return "hand-written";
      }

      @Override
      public Contestant.Answer call(int length, byte[] body) throws IOException {
        return send(first.toString(), routeOf(1, length), body);
      }

      @Override
      public List<String> expectedRoute(int length) {
        return names(length);
      }
    };
  }

  /** The hub contestant. */
  Contestant hub() {
    return new Contestant() {
      @Override
      public String name() {
        return "hub";
      }

      @Override
      public Contestant.Answer call(int length, byte[] body) throws IOException {
        return send(hub.toString(), routeOf(0, length), body);
      }

      @Override
      public List<String> expectedRoute(int length) {
        return names(length);
      }
    };
  }

  private Contestant.Answer send(String url, String route, byte[] body) throws IOException {
    Request.Builder builder = new Request.Builder().url(url).header(ROUTE, route).post(RequestBody.create(body, OCTETS));
    if (!PADDING.isEmpty()) {
      builder.header(PAD, PADDING);
    }
    Request request = builder.build();
    try (Response response = client.newCall(request).execute()) {
      byte[] answer = response.body().bytes();
      String hops = response.header(HOPS);
      return new Contestant.Answer(response.code(), answer, hops == null ? List.of() : Arrays.asList(hops.split(",")));
    }
  }

  private static String routeOf(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(name(i));
    }
    return sb.toString();
  }

  private static List<String> names(int length) {
    List<String> names = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      names.add(name(i));
    }
    return names;
  }

  /** One hand-written service: run the function, forward along the route, return the answer. */
  private void serve(String name, HttpExchange exchange) throws IOException {
    byte[] body = apply(exchange.getRequestBody().readAllBytes());
    String route = exchange.getRequestHeaders().getFirst(ROUTE);
    if (route == null || route.isEmpty()) {
      respond(exchange, 200, body, name);
      return;
    }
    int comma = route.indexOf(',');
    String next = comma < 0 ? route : route.substring(0, comma);
    String rest = comma < 0 ? "" : route.substring(comma + 1);
    Request.Builder forward = new Request.Builder().url(addresses.get(next)).header(ROUTE, rest)
        .post(RequestBody.create(body, OCTETS));
    String pad = exchange.getRequestHeaders().getFirst(PAD);
    if (pad != null) {
      forward.header(PAD, pad);
    }
    Request request = forward.build();
    try (Response response = serviceClient.newCall(request).execute()) {
      String hops = response.header(HOPS);
      respond(exchange, response.code(), response.body().bytes(), hops == null ? name : name + "," + hops);
    } catch (IOException e) {
      respond(exchange, 502, new byte[0], name);
    }
  }

  /** The hub: call each service on the route in turn, each answer the next one's input. */
  private void orchestrate(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String route = exchange.getRequestHeaders().getFirst(ROUTE);
    StringBuilder hops = new StringBuilder();
    for (String name : route.split(",")) {
      Request request = new Request.Builder().url(addresses.get(name)).post(RequestBody.create(body, OCTETS)).build();
      try (Response response = hubClient.newCall(request).execute()) {
        if (response.code() != 200) {
          respond(exchange, 502, new byte[0], hops.toString());
          return;
        }
        body = response.body().bytes();
        String served = response.header(HOPS);
        hops.append(hops.length() == 0 ? "" : ",").append(served);
      } catch (IOException e) {
        respond(exchange, 502, new byte[0], hops.toString());
        return;
      }
    }
    respond(exchange, 200, body, hops.toString());
  }

  /** The function every service runs, here and in the chainmesh hops: identity. */
  static byte[] apply(byte[] body) {
    return body;
  }

  private static void respond(HttpExchange exchange, int status, byte[] body, String hops) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.getResponseHeaders().set(HOPS, hops);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    servers.forEach(LoopbackServers.Running::close);
    for (OkHttpClient c : List.of(serviceClient, hubClient)) {
      c.dispatcher().executorService().shutdown();
      c.connectionPool().evictAll();
    }
  }
}
