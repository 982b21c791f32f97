/**
 * The chain descriptor: model, protobuf wire form, JSON form, integrity (HMAC key ring), limits and
 * errors.
 *
 * <p>Only {@code io.chainmesh.core} is API. {@code io.chainmesh.core.internal} (syntax rules, base64url,
 * HMAC keys) is shared with the other chainmesh modules and with nothing else; the generated protobuf
 * classes in {@code io.chainmesh.core.internal.proto} are opened to protobuf-java alone, whose runtime
 * reaches their accessors reflectively (field accessor tables, text format).
 */
// "module": the qualified exports name modules built after this one; "requires-automatic": protobuf-java
// ships no module descriptor, only its Automatic-Module-Name.
@SuppressWarnings({"module", "requires-automatic"})
module io.chainmesh.core {
  requires com.google.protobuf;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires org.slf4j;

  exports io.chainmesh.core;
  // Syntax rules, the duration grammar and the command-line parser are shared with the edge and chain-cli.
  exports io.chainmesh.core.internal to io.chainmesh.http, io.chainmesh.edge, io.chainmesh.cli;
  exports io.chainmesh.core.internal.commandline to io.chainmesh.edge, io.chainmesh.cli;

  opens io.chainmesh.core.internal.proto to com.google.protobuf;
}
