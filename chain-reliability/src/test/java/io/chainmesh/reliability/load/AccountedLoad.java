package io.chainmesh.reliability.load;

import io.chainmesh.http.ChainProblem;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives {@code requests} accounted requests at {@code concurrency} against one URL and records each
 * in a {@link Ledger}. Every request carries a {@link Parcel} with its own id and a W3C
 * {@code traceparent} whose trace id is that id (so a proxy's access log can name it); the expected
 * answer is the parcel mixed by each service of the chain in order.
 *
 * @param requests how many requests
 * @param concurrency how many in flight at once (one blocking client thread each)
 * @param payloadChars payload size of each parcel
 * @param services the chain's services, in order, that mix the parcel
 */
public record AccountedLoad(int requests, int concurrency, int payloadChars, List<String> services) {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  /** The trace id that names request {@code id}: its number in 32 hex digits (never all zero). */
  public static String traceId(long id) {
    return String.format(Locale.ROOT, "%032x", id + 1);
  }

  /** The request id a trace id names, or -1. */
  public static long requestId(String traceId) {
    try {
      return Long.parseLong(traceId.substring(16), 16) - 1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Runs the load and returns its ledger once every request has an outcome. {@code onAnswered} is
   * told the running count of answered requests (from any client thread): the hook a test uses to
   * break something mid-load.
   */
  public Ledger run(OkHttpClient client, URI target, IntConsumer onAnswered) throws InterruptedException {
    Ledger ledger = new Ledger(requests);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "load-sender");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int t = 0; t < concurrency; t++) {
        senders.execute(() -> {
          for (int id = next.getAndIncrement(); id < requests; id = next.getAndIncrement()) {
            send(client, target, id, ledger);
            onAnswered.accept(done.incrementAndGet());
          }
        });
      }
    } finally {
      senders.shutdown();
    }
    if (!senders.awaitTermination(30, TimeUnit.MINUTES)) {
      senders.shutdownNow();
      throw new AssertionError("the load did not finish in 30 minutes");
    }
    return ledger;
  }

  private void send(OkHttpClient client, URI target, int id, Ledger ledger) {
    Parcel parcel = Parcel.forRequest(id, payloadChars);
    Request request = new Request.Builder().url(target.toString())
        .header("traceparent", "00-" + traceId(id) + "-00000000000000a1-01")
        .post(RequestBody.create(JSON.writeValueAsBytes(parcel), JSON_TYPE))
        .build();
    long start = System.nanoTime();
    try (Response response = client.newCall(request).execute()) {
      byte[] body = response.body() == null ? new byte[0] : response.body().bytes();
      long nanos = System.nanoTime() - start;
      classify(id, parcel, response.code(), response.header("Content-Type"), body, nanos, ledger);
    } catch (IOException e) {
      ledger.record(id, Ledger.Outcome.NO_ANSWER, -1, "no answer: " + e.getClass().getSimpleName());
    }
  }

  private void classify(int id, Parcel sent, int status, String contentType, byte[] body, long nanos, Ledger ledger) {
    if (status == 200) {
      Parcel got;
      try {
        got = JSON.readValue(body, Parcel.class);
      } catch (JacksonException e) {
        ledger.record(id, Ledger.Outcome.CORRUPTED, nanos, "200 with a body that is not a parcel");
        return;
      }
      ledger.carried(got.id());
      if (got.id() != id) {
        ledger.record(id, Ledger.Outcome.CORRUPTED, nanos, "200 carrying the parcel of another request");
      } else if (!got.equals(sent.expectedThrough(services))) {
        ledger.record(id, Ledger.Outcome.CORRUPTED, nanos, "200 with a wrong parcel");
      } else {
        ledger.record(id, Ledger.Outcome.CORRECT, nanos, null);
      }
      return;
    }
    if (status == 422) {
      ledger.record(id, Ledger.Outcome.CORRUPTED, nanos, "422 a hop found the parcel corrupted");
      return;
    }
    boolean problem = contentType != null && contentType.startsWith("application/problem+json");
    ChainProblem parsed = problem ? ChainProblem.parse(body).orElse(null) : null;
    if (parsed != null) {
      ledger.record(id, Ledger.Outcome.CODED_FAILURE, nanos, status + " " + parsed.reasonCode(), parsed.toString());
    } else {
      ledger.record(id, Ledger.Outcome.UNCODED_FAILURE, nanos, status + " without a problem document");
    }
  }
}
