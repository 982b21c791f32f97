/**
 * The {@code chain-cli} command line: decode, verify, sign and send chain descriptors, keygen.
 *
 * <p>An application, not a library: its API is the command line ({@code io.chainmesh.cli.ChainCli}), so
 * it exports no package.
 */
module io.chainmesh.cli {
  requires io.chainmesh.core;
  requires io.chainmesh.http;
  requires okhttp3;
  requires tools.jackson.core;
  requires tools.jackson.databind;
}
