package io.chainmesh.http.internal;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainReply;
import java.time.Clock;

/**
 * The pipeline's access to non-public parts of public types (OkHttp's {@code Internal} pattern): the
 * public package installs the implementation when its classes initialise, so the public API shows
 * no constructors or accessors meant only for the pipeline.
 */
public abstract class ApiAccess {
  private static volatile ApiAccess instance;

  /** Called once by the public package. */
  public static void install(ApiAccess access) {
    instance = access;
  }

  static ApiAccess get() {
    ApiAccess access = instance;
    if (access == null) {
      ChainReply.status(204); // initialises ChainReply, which installs the access
      access = instance;
    }
    return access;
  }

  /** A reply relaying {@code response}. */
  protected abstract ChainReply relayed(int status, String contentType, Object response);

  /** The response a relayed reply carries. */
  protected abstract Object response(ChainReply reply);

  /** The body of a reply a function built. */
  protected abstract Object body(ChainReply reply);

  /** {@code problem} (a function's, from {@link ChainReply#problem}) named with where it happened. */
  protected abstract ChainProblem located(ChainProblem problem, String chainId, int segmentIndex, String segment,
      String hop);

  /** A context for a function. */
  protected abstract ChainContext context(ChainDescriptor d, String function, String traceId, String spanId,
      Clock clock);
}
