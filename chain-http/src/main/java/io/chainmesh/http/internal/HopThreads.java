package io.chainmesh.http.internal;

import java.lang.reflect.Method;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads hops and edges run requests and asynchronous chains on: a {@link ThreadPoolExecutor}
 * of at most {@code maxThreads} threads and a bounded queue, on every JVM. Only the kind of thread
 * differs: virtual threads on Java 21+, platform daemon threads before. So the bound, the queue and
 * what happens when both are full are the same code on Java 17 and Java 25.
 *
 * <p>Why a pool whose threads are virtual rather than a semaphore in front of a
 * virtual-thread-per-task executor: a semaphore bounds the tasks that run, not the threads — every
 * task it turns away still needs a thread to be answered on, and tasks that should wait need a queue
 * of their own, which is a second {@code ThreadPoolExecutor} in all but name. The pool gives the
 * bound, the waiting room and the rejection as one mechanism, and a live thread count that never
 * exceeds {@code maxThreads}. Virtual threads keep what they are good at: a request blocked on the
 * next hop unmounts from its carrier, so a generous {@code maxThreads} costs no platform stacks.
 * Pooling them replaces the start of a thread per task with a hand-off through the queue. Idle
 * threads end after 30 s.
 */
public final class HopThreads {
  private static final long KEEP_ALIVE_SECONDS = 30;
  /** How to build virtual threads on this JVM; null before Java 21. */
  private static final VirtualThreads VIRTUAL = VirtualThreads.lookUp();

  private HopThreads() {}

  /**
   * A pool of at most {@code maxThreads} threads named {@code prefix-N}, with room for {@code queue}
   * tasks waiting for a thread (0: none); past that, {@code whenFull} decides.
   */
  public static ThreadPoolExecutor newExecutor(String prefix, int maxThreads, int queue, RejectedExecutionHandler whenFull) {
    if (maxThreads < 1 || queue < 0) {
      throw new IllegalArgumentException("maxThreads must be positive and queue not negative, were " + maxThreads
          + " and " + queue);
    }
    BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new LinkedBlockingQueue<>(queue);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        waiting, threadFactory(prefix), whenFull);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Whether the pools' threads are virtual threads (Java 21+). */
  public static boolean virtualThreads() {
    return VIRTUAL != null;
  }

  private static ThreadFactory threadFactory(String prefix) {
    if (VIRTUAL != null) {
      return VIRTUAL.factory(prefix + "-");
    }
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code Thread.ofVirtual().name(prefix, 1).factory()}, called reflectively once per pool. */
  private record VirtualThreads(Method ofVirtual, Method name, Method factory) {
    static VirtualThreads lookUp() {
      try {
        // Looked up reflectively: the library is compiled for Java 17, where these do not exist.
        Class<?> builder = Class.forName("java.lang.Thread$Builder");
        return new VirtualThreads(Thread.class.getMethod("ofVirtual"), builder.getMethod("name", String.class,
            long.class), builder.getMethod("factory"));
      } catch (ReflectiveOperationException e) {
        return null;
      }
    }

    ThreadFactory factory(String prefix) {
      try {
        Object builder = ofVirtual.invoke(null);
        name.invoke(builder, prefix, 1L);
        return (ThreadFactory) factory.invoke(builder);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot make virtual threads on this JVM", e);
      }
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
