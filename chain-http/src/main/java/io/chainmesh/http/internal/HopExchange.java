package io.chainmesh.http.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the hop pipeline needs from a door (the embedded server or a servlet container): the
 * request's headers and body, and a way to send one response. One pipeline, two doors.
 */
public interface HopExchange {
  /** The first value of a request header (case-insensitive name), or null. */
  String header(String name);

  /** How many times a request header (case-insensitive name) occurs. */
  int headerCount(String name);

  /** The request body length, or -1 when unknown (chunked). */
  long contentLength();

  /** The request body, streamed. */
  InputStream body() throws IOException;

  /** Sends the response; called exactly once. */
  void respond(Outgoing response) throws IOException;
}
