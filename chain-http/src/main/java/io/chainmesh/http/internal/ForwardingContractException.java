package io.chainmesh.http.internal;

/** A function's result breaks the {@link io.chainmesh.http.Forwarder} contract (found after it returned). */
final class ForwardingContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ForwardingContractException(String message) {
    super(message, null, false, false);
  }
}
