/**
 * The shop demo, written as an application module would be: it reads the chainmesh API only, and opens
 * the package of its {@code @ChainFunction} classes and JSON types to the two modules that reach them
 * reflectively, chain-http (which calls the functions) and Jackson (which binds the bodies).
 */
module io.chainmesh.examples {
  requires io.chainmesh.core;
  requires io.chainmesh.http;
  requires io.chainmesh.edge;
  requires okhttp3;

  opens io.chainmesh.examples.shop to io.chainmesh.http, tools.jackson.databind;
}
