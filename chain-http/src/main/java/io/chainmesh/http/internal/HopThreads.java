package io.chainmesh.http.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads hops run on: virtual threads when the JVM has them (Java 21+), else a bounded pool. */
public final class HopThreads {
  private HopThreads() {}

  /**
   * A virtual-thread-per-task executor, or a pool of at most {@code maxThreads} daemon threads named
   * {@code prefix-N} with a queue of {@code queue} tasks; past that, {@code whenFull} decides.
   */
  public static ExecutorService newExecutor(String prefix, int maxThreads, int queue, RejectedExecutionHandler whenFull) {
    try {
      // Looked up reflectively: the library is compiled for Java 17, where the method does not exist.
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
          }, whenFull);
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }

  /** Stops {@code executor}, letting tasks in progress finish for up to {@code graceMillis}. */
  public static void shutdown(ExecutorService executor, long graceMillis) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
