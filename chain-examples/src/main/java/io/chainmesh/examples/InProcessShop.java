package io.chainmesh.examples;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.edge.Catalogue;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainServer;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The shop in this JVM: each service its own {@link ChainServer} on loopback, and a {@link ChainEdge}. */
final class InProcessShop implements Shop {
  private final KeyRing keys;
  private final Map<String, URI> registry = new ConcurrentHashMap<>();
  private final List<ChainServer> servers = new ArrayList<>();
  private final ChainEdge edge;

  /** Starts the services on free ports and the edge on {@code edgePort} (0: any free port). */
  InProcessShop(KeyRing keys, int edgePort) {
    this.keys = keys;
    // A registry stands in for DNS or Kubernetes Services: logical name -> address.
    SegmentResolver resolver = segment -> {
      URI uri = segment.isUrl() ? null : registry.get(segment.service());
      if (uri == null) {
        throw ChainException.of(Reason.SEGMENT_UNRESOLVABLE, "unknown service " + segment.service());
      }
      return uri;
    };
    for (String service : SERVICES) {
      ChainHop hop = ChainHop.builder().functions(ShopService.FUNCTIONS.get(service).get())
          .keys(keys).resolver(resolver).build();
      ChainServer server = ChainServer.builder(hop).loopback().port(0).ownHop().start();
      servers.add(server);
      registry.put(service, server.uri());
    }
    Catalogue catalogue = Catalogue.loader().resolver(resolver).parse(catalogueText(), "chains.yaml");
    // exposeRoute: the tour prints each answer's route. Only ever on loopback: the route is a signed
    // descriptor a client could try against a hop, and ChainEdge warns when it is exposed elsewhere.
    this.edge = ChainEdge.builder().catalogue(catalogue).keys(keys).resolver(resolver)
        .loopback().port(edgePort).exposeRoute(true).catalogueWatch(java.time.Duration.ZERO).start();
    registry.put("edge", edge.uri()); // where asynchronous chains deliver their result
  }

  static String catalogueText() {
    try (InputStream in = InProcessShop.class.getResourceAsStream("chains.yaml")) {
      if (in == null) {
        throw new IllegalStateException("chains.yaml is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KeyRing keys() {
    return keys;
  }

  @Override
  public URI edge() {
    return edge.uri();
  }

  @Override
  public Map<String, URI> services() {
    Map<String, URI> copy = new LinkedHashMap<>();
    for (String service : SERVICES) {
      copy.put(service, registry.get(service));
    }
    return copy;
  }

  @Override
  public String describe() {
    return SERVICES.length + " services, each its own HTTP server on loopback, and the edge at " + edge.uri()
        + ", all in this JVM";
  }

  @Override
  public void close() {
    edge.close();
    servers.forEach(ChainServer::close);
  }
}
