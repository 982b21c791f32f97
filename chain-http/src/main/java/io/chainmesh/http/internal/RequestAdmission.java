package io.chainmesh.http.internal;

import com.sun.net.httpserver.HttpExchange;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.Reason;
import io.chainmesh.http.ChainProblem;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request executor of a JDK {@code HttpServer} (hop or edge), and where it admits requests: at
 * most {@code maxThreads} run at once ({@link HopThreads}: the same bound on every JVM), as many as
 * the queue holds wait for a thread, and every request beyond is answered {@code 503}
 * {@code hop.unavailable} with {@code Retry-After} and never served.
 *
 * <p>Where the refusal happens: the JDK server hands the executor one task per request, which reads
 * the request line and headers and then calls the handler. When the pool is full, that task runs on
 * a small refusal pool instead, where {@link #refused} — the handler's first call — answers 503
 * before anything else: no body is read (the JDK discards at most 64 KiB of it, then closes the
 * connection), no function runs. The JDK's dispatcher thread, which accepts every connection, never
 * runs a request itself, so one slow client cannot stall it. When the refusal pool is full too, the
 * JDK closes the new connection unanswered.
 *
 * <p>Thread-safe.
 */
public final class RequestAdmission implements Executor {
  /** The value of {@code Retry-After} on every {@code 503} a chainmesh server answers: seconds. */
  public static final String RETRY_AFTER_SECONDS = "1";
  /** Threads that only answer 503: reading a head and writing a short answer is quick. */
  static final int REFUSAL_THREADS = 4;
  /** Requests waiting for a refusal thread, beyond which connections are closed unanswered. */
  static final int REFUSAL_QUEUE = 1024;

  private static final Logger log = LoggerFactory.getLogger(RequestAdmission.class);
  private static final ThreadLocal<Boolean> REFUSING = new ThreadLocal<>();
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String prefix;
  private final ThreadPoolExecutor requests;
  private final ThreadPoolExecutor refusals;
  private final AtomicLong refusedSinceWarning = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

  private RequestAdmission(String prefix, int maxThreads, int queue) {
    this.prefix = prefix;
    this.requests = HopThreads.newExecutor(prefix, maxThreads, queue, new ThreadPoolExecutor.AbortPolicy());
    this.refusals = HopThreads.newExecutor(prefix + "-refusal", REFUSAL_THREADS, REFUSAL_QUEUE,
        new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Request threads named {@code prefix-N}: {@code maxThreads} at most, {@code queue} requests
   * waiting at most.
   */
  public static RequestAdmission of(String prefix, int maxThreads, int queue) {
    return new RequestAdmission(prefix, maxThreads, queue);
  }

  /** Runs the JDK server's task for one request: on a request thread, or, when all are taken, to be refused. */
  @Override
  public void execute(Runnable request) {
    try {
      requests.execute(request);
    } catch (RejectedExecutionException full) {
      if (requests.isShutdown()) {
        throw full;
      }
      // Past here, RejectedExecutionException makes the JDK close the connection unanswered.
      refusals.execute(() -> {
        REFUSING.set(Boolean.TRUE);
        try {
          request.run();
        } finally {
          REFUSING.remove();
        }
      });
    }
  }

  /**
   * The handler's first call: if this request came in past the bound, answers it {@code 503}
   * {@code hop.unavailable} with {@code Retry-After}, closes the exchange and returns true; the
   * handler must then do nothing else. Otherwise returns false at once.
   */
  public boolean refused(HttpExchange exchange, String nodeId) {
    if (REFUSING.get() == null) {
      return false;
    }
    byte[] body = ChainProblem.builder(Reason.HOP_UNAVAILABLE, "every request thread is busy and the queue is full;"
        + " retry later").hop(nodeId).build().toJson();
    try {
      exchange.getResponseHeaders().set("Content-Type", ChainHeaders.PROBLEM_JSON);
      exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(503, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      log.debug("chainmesh {}: the client went away before its 503 was sent ({})", nodeId, e.toString());
    } finally {
      exchange.close();
    }
    warnNowAndThen(nodeId);
    return true;
  }

  /** One warning per 10 s at most, with the count: a flood must not flood the log. */
  private void warnNowAndThen(String nodeId) {
    long refused = refusedSinceWarning.incrementAndGet();
    long last = lastWarning.get();
    long now = System.nanoTime();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      refusedSinceWarning.addAndGet(-refused);
      log.warn("chainmesh {}: all {} request threads busy and the queue full: {} request(s) answered 503"
          + " hop.unavailable since the last such warning", nodeId, requests.getMaximumPoolSize(), refused);
    }
  }

  /**
   * Whether an answer must say when to come back ({@code Retry-After: }{@value #RETRY_AFTER_SECONDS}):
   * a {@code 503} problem document, which chainmesh sends only when something is full
   * ({@code hop.unavailable}). A function's own 503 in another content type is left as it is.
   */
  public static boolean retryLater(int status, String contentType) {
    return status == 503 && ChainHeaders.PROBLEM_JSON.equals(contentType);
  }

  /**
   * For the server's own work (answering a timed-out wait, the admin endpoint): a request thread if
   * the pool takes it, else the calling thread. Never refused, never lost.
   */
  public Executor ownWork() {
    return task -> {
      try {
        requests.execute(task);
      } catch (RejectedExecutionException full) {
        task.run();
      }
    };
  }

  /** Stops both pools, letting requests in progress finish for up to {@code graceMillis}. */
  public void shutdown(long graceMillis) {
    refusals.shutdown();
    HopThreads.shutdown(requests, graceMillis);
    HopThreads.shutdown(refusals, 0);
  }

  @Override
  public String toString() {
    return "RequestAdmission{" + prefix + ", " + requests.getMaximumPoolSize() + " threads, queue "
        + (requests.getQueue().size() + requests.getQueue().remainingCapacity()) + '}';
  }
}
