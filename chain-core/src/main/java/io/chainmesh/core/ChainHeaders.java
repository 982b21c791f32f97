package io.chainmesh.core;

/**
 * The HTTP header names of the wire format. Names carry no {@code X-} prefix (RFC 6648); HTTP
 * header names are case-insensitive, these are the canonical spellings.
 */
public final class ChainHeaders {
  /** Request header carrying the signed descriptor envelope, base64url without padding. */
  public static final String DESCRIPTOR = "Chain-Descriptor";
  /**
   * Response header carrying the final signed descriptor, with the complete record route, back to
   * the caller (sync mode) or alongside the result delivered to reply-to (async mode).
   */
  public static final String ROUTE = "Chain-Route";
  /**
   * On a result delivered to an asynchronous chain's reply-to target: the HTTP status the chain's
   * answer had (the delivery itself is a POST).
   */
  public static final String REPLY_STATUS = "Chain-Reply-Status";
  /** Media type of problem documents (RFC 9457). */
  public static final String PROBLEM_JSON = "application/problem+json";

  private ChainHeaders() {}
}
