/**
 * The edge (classifier): a chain catalogue in YAML, header stripping, signing, async reply parking and
 * proof of transit.
 *
 * <p>Only {@code io.chainmesh.edge} is API; {@code io.chainmesh.edge.internal} is not exported.
 */
module io.chainmesh.edge {
  requires transitive io.chainmesh.http;
  requires io.chainmesh.core;
  requires okhttp3;
  requires jdk.httpserver;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires tools.jackson.dataformat.yaml;
  requires org.slf4j;
  // Provided by the servlet container; only EdgeServlet needs it.
  requires static jakarta.servlet;

  exports io.chainmesh.edge;
}
