/**
 * Chain-aware functions over HTTP: {@code @ChainFunction} handlers, the embedded server, the servlet
 * door, OkHttp forwarding and the segment resolver.
 *
 * <p>Only {@code io.chainmesh.http} is API. The hop machinery in {@code io.chainmesh.http.internal} is
 * shared with the edge and the command line, which are built on it, and with nothing else.
 *
 * <p>An application module that serves functions must let this module and Jackson reach its function
 * classes and the JSON types they take and return, for example
 * {@code opens com.example.pricing to io.chainmesh.http, tools.jackson.databind;} (see the README).
 */
// "module": the qualified exports name modules built after this one; "requires-automatic": okio ships
// no module descriptor, only its Automatic-Module-Name.
@SuppressWarnings({"module", "requires-automatic"})
module io.chainmesh.http {
  requires transitive io.chainmesh.core;
  requires transitive okhttp3;
  requires jdk.httpserver;
  requires okio;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires org.slf4j;
  // Provided by the servlet container; only ChainServlet needs it. Not transitive: a static transitive
  // requirement would make every reader of this module need the servlet API at compile time.
  requires static jakarta.servlet;

  exports io.chainmesh.http;
  // The edge runs the same hop machinery (forwarding, threads, admission, body memory, trace context).
  exports io.chainmesh.http.internal to io.chainmesh.edge;
}
