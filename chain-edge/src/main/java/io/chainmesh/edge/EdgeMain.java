package io.chainmesh.edge;

import io.chainmesh.core.internal.commandline.UsageException;
import io.chainmesh.edge.internal.EdgeCommandLine;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The standalone edge:
 * <pre>java -jar chain-edge.jar --catalogue chains.yaml --port 8080</pre>
 * Keys come from {@code --keys-file} or the {@code CHAIN_KEYS} environment variable; services are
 * resolved with {@code --resolver-template}, {@code CHAIN_RESOLVER_TEMPLATE}, or the catalogue's
 * {@code services:} URLs. {@code --help} lists every option. Exits with status 2 for a command line
 * mistake and 1 when the catalogue does not load or the port cannot be bound; otherwise runs until
 * stopped, closing the edge on shutdown.
 */
public final class EdgeMain {
  private EdgeMain() {}

  /** Starts the edge, or exits with a message and a non-zero status. */
  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Parses, starts and registers the shutdown hook; the exit status (0: running or help shown). */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ChainEdge edge;
    try {
      edge = launch(args, env, out);
    } catch (UsageException e) {
      err.println("chain-edge: " + e.getMessage());
      err.println(EdgeCommandLine.USAGE);
      return 2;
    } catch (CatalogueException e) {
      err.println("chain-edge: the catalogue does not load:");
      e.problems().forEach(p -> err.println("  " + p));
      return 1;
    } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      err.println("chain-edge: " + e.getMessage());
      return 1;
    }
    if (edge != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "chain-edge-shutdown"));
    }
    return 0;
  }

  /** The started edge, or null when only {@code --help} was asked for. */
  static ChainEdge launch(String[] args, Map<String, String> env, PrintStream out) throws UsageException {
    EdgeCommandLine command = EdgeCommandLine.parse(args, env);
    if (command.help()) {
      out.println(EdgeCommandLine.USAGE);
      return null;
    }
    ChainEdge edge = command.builder().start();
    out.println("chain-edge " + edge.nodeId() + " listening on " + edge.uri() + " with chains "
        + edge.catalogue().chainNames() + edge.adminUri().map(u -> "; admin on " + u).orElse(""));
    return edge;
  }
}
