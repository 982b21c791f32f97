package io.chainmesh.reliability.lb;

import io.chainmesh.reliability.load.AccountedLoad;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nginx's access log in the test's format
 * ({@code $msec|$request_time|$http_traceparent|$upstream_addr|$upstream_status|$upstream_bytes_sent|$status|$request_completion|$sent_http_content_length|$body_bytes_sent}),
 * by request id (the trace id names it): which replicas each request was tried at, with what result,
 * whether the request had been sent to a replica when that attempt failed, and whether nginx could
 * send its answer whole (a replica that dies mid-answer has already given nginx its 200).
 */
final class NginxAccessLog {
  /** One request: its time span, the attempts (replica, status, bytes sent) and the final status. */
  record Entry(long startMillis, long endMillis, List<String> upstreams, List<String> statuses, List<Long> bytesSent,
      int status, boolean complete) {
    boolean sentTo(String upstream, int attempt) {
      return upstreams.get(attempt).equals(upstream) && attempt < bytesSent.size() && bytesSent.get(attempt) > 0;
    }
  }

  private final Map<Long, Entry> entries;
  private final String killed;

  private NginxAccessLog(Map<Long, Entry> entries, String killed) {
    this.entries = entries;
    this.killed = killed;
  }

  static NginxAccessLog parse(List<String> lines, int killedPort) {
    Map<Long, Entry> entries = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split("\\|", -1);
      if (f.length != 10) {
        throw new AssertionError("unexpected access log line: " + line);
      }
      long end = Math.round(Double.parseDouble(f[0]) * 1000);
      long took = Math.round(Double.parseDouble(f[1]) * 1000);
      String[] trace = f[2].split("-");
      long id = trace.length == 4 ? AccountedLoad.requestId(trace[1]) : -1;
      List<Long> bytes = Arrays.stream(f[5].split(",\\s*")).map(b -> b.equals("-") ? 0L : Long.parseLong(b)).toList();
      Entry entry = new Entry(end - took, end, List.of(f[3].split(",\\s*")), List.of(f[4].split(",\\s*")), bytes,
          Integer.parseInt(f[6]), whole(f[7], f[8], f[9]));
      if (entries.put(id, entry) != null) {
        throw new AssertionError("nginx logged request " + id + " twice");
      }
    }
    return new NginxAccessLog(entries, "127.0.0.1:" + killedPort);
  }

  /**
   * Whether nginx sent its answer whole. {@code $request_completion} alone is not enough: a replica
   * that dies mid-body ends the upstream answer early, and nginx still finishes the request; the
   * body sent is then shorter than the {@code Content-Length} nginx announced.
   */
  private static boolean whole(String completion, String contentLength, String bodyBytesSent) {
    if (!completion.equals("OK")) {
      return false;
    }
    return contentLength.equals("-") || contentLength.equals(bodyBytesSent);
  }

  int requests() {
    return entries.size();
  }

  Entry entry(long id) {
    return entries.get(id);
  }

  /**
   * Requests that nginx had sent to the killed replica and that got no whole answer there: in flight
   * when it died. Either the attempt failed (nginx logs 502), or the replica died mid-answer, after its
   * status line reached nginx (nginx logs 200 but could not complete the answer).
   */
  Set<Long> diedAtKilledReplica() {
    Set<Long> ids = new HashSet<>();
    entries.forEach((id, e) -> {
      int last = e.upstreams().size() - 1;
      for (int i = 0; i <= last; i++) {
        if (e.sentTo(killed, i) && (!"200".equals(e.statuses().get(i)) || (i == last && !e.complete()))) {
          ids.add(id);
        }
      }
    });
    return ids;
  }

  /** Of those, the requests whose answer the killed replica had begun: no proxy can pass these on. */
  Set<Long> cutOffMidAnswer() {
    Set<Long> ids = new HashSet<>();
    entries.forEach((id, e) -> {
      int last = e.upstreams().size() - 1;
      if (e.sentTo(killed, last) && "200".equals(e.statuses().get(last)) && !e.complete()) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** Requests whose connection to the killed replica failed (nothing sent) and that nginx passed to the other. */
  long passedOnAfterConnectFailure() {
    return entries.values().stream().filter(e -> e.upstreams().size() > 1 && e.upstreams().get(0).equals(killed)
        && !e.sentTo(killed, 0) && e.status() == 200).count();
  }

  /** Requests already sent to the killed replica that nginx passed to the other (only with {@code non_idempotent}). */
  long passedOnAfterSend() {
    return entries.values().stream().filter(e -> e.upstreams().size() > 1 && e.sentTo(killed, 0) && e.status() == 200)
        .count();
  }
}
