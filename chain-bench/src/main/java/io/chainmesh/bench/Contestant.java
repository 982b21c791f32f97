package io.chainmesh.bench;

import java.util.List;

/**
 * One way of sending a body through a chain of services on loopback and getting the answer back.
 * Implementations are thread-safe: the throughput windows call them from many threads.
 */
interface Contestant {
  /** The name in tables, CSV and charts. */
  String name();

  /**
   * Sends {@code body} through the first {@code length} services and returns the answer as the
   * client received it (the caller times this call and checks the answer afterwards).
   *
   * @throws Exception whatever failed; counted as a failed answer
   */
  Answer call(int length, byte[] body) throws Exception;

  /** The route a correct answer through {@code length} services reports. */
  List<String> expectedRoute(int length);

  /** What came back: status, body and the route as this contestant reports it. */
  record Answer(int status, byte[] body, List<String> route) {}
}
