package io.chainmesh.reliability.faults;

import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Text functions for fault scenarios; each instance is served by one hop and counts its calls. */
final class TextFunctions {
  private TextFunctions() {}

  /** Appends {@code >service} to the body: the answer shows which hops it passed. */
  public static final class Append {
    private final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("append")
    public String append(String body, ChainContext chain) {
      calls.incrementAndGet();
      return body + ">" + chain.segment().service();
    }

    int calls() {
      return calls.get();
    }
  }

  /** Fails with a message that must never reach a client. */
  public static final class Explode {
    static final String SECRET_DETAIL = "password=hunter2 for jdbc://db-internal-7.corp:5432";

    @ChainFunction("explode")
    public String explode(String body) {
      throw new IllegalStateException(SECRET_DETAIL);
    }
  }

  /** Holds every request until released: a function that hangs, or a chain kept in flight. */
  public static final class Hold {
    private final AtomicInteger entered = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @ChainFunction("hold")
    public String hold(String body, ChainContext chain) throws InterruptedException {
      entered.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
        return body + ">" + chain.segment().service();
      } finally {
        finished.incrementAndGet();
      }
    }

    int entered() {
      return entered.get();
    }

    int finished() {
      return finished.get();
    }

    void release() {
      release.countDown();
    }
  }
}
