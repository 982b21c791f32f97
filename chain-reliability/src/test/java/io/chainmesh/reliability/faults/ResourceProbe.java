package io.chainmesh.reliability.faults;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the process holds before a scenario — open file descriptors and live threads — so that after
 * it, with everything closed, a test can assert that all of it was given back: descriptors back to
 * the baseline and no thread of a server, hop, edge or client still alive. Both waits are bounded;
 * releasing happens on other threads just after the last answer.
 */
public final class ResourceProbe {
  /** Descriptors the JVM may open lazily on its own (class loading, entropy) without a leak. */
  private static final int FD_SLACK = 3;
  /**
   * Threads that servers, hops, edges and clients start. OkHttp's shared task runner threads are
   * daemons that end on their own after a minute idle; they are not counted unless non-daemon.
   */
  private static final Pattern OURS = Pattern.compile("chainmesh-.*|misbehaving-.*|HTTP-Dispatcher.*|OkHttp.*|nginx-.*");

  private static boolean warmedUp;

  private final long fds;
  private final Set<Long> threads;

  private ResourceProbe(long fds, Set<Long> threads) {
    this.fds = fds;
    this.threads = threads;
  }

  /**
   * Runs a small chain through an edge (sync and async) once per JVM, so that classes loaded and jar
   * files opened on first use do not count as growth, then takes a snapshot.
   */
  public static ResourceProbe afterWarmUp() {
    warmUpOnce();
    return snapshot();
  }

  private static synchronized void warmUpOnce() {
    if (warmedUp) {
      return;
    }
    try (LoopbackDomain domain = new LoopbackDomain()) {
      domain.hop("a", new TextFunctions.Append());
      domain.hop("b", new TextFunctions.Append());
      var edge = domain.edge("""
          services: [a, b]
          chains:
            - name: warm-sync
              match: POST /sync
              segments: [a/append, b/append]
            - name: warm-async
              match: POST /async
              segments: [a/append, b/append]
              returnMode: async
          """, b -> b);
      for (String path : new String[] {"/sync", "/async", "/nowhere"}) {
        domain.post(edge, path, "warm");
      }
    }
    warmedUp = true;
  }

  /** The process's resources now. */
  public static ResourceProbe snapshot() {
    return new ResourceProbe(openFileDescriptors(), liveThreads().stream().map(Thread::getId).collect(Collectors.toSet()));
  }

  /** Open file descriptors of this process. */
  public static long openFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    throw new IllegalStateException("open file descriptors are not observable on " + os.getName());
  }

  /**
   * Asserts that a scenario is using resources now (so that {@link #assertReleased()} can fail): more
   * descriptors than the baseline allows, and threads of ours that did not exist before.
   */
  public void assertInUse() {
    long now = openFileDescriptors();
    if (now <= fds + FD_SLACK) {
      throw new AssertionError("expected the running scenario to hold descriptors: " + fds + " before, " + now + " now");
    }
    if (newThreadsOfOurs(false).isEmpty()) {
      throw new AssertionError("expected the running scenario to have started threads");
    }
  }

  /**
   * Waits (up to 10 s) until descriptors are back at the baseline and no thread started since the
   * snapshot by a server, hop, edge or client is alive.
   */
  public void assertReleased() {
    LoopbackDomain.await(Duration.ofSeconds(10), () -> openFileDescriptors() <= fds + FD_SLACK,
        () -> "file descriptors back to the baseline: " + fds + " before, " + openFileDescriptors() + " now");
    LoopbackDomain.await(Duration.ofSeconds(10), () -> newThreadsOfOurs(true).isEmpty(),
        () -> "threads ended: " + newThreadsOfOurs(true));
  }

  private List<String> newThreadsOfOurs(boolean lingeringOnly) {
    return liveThreads().stream()
        .filter(t -> !threads.contains(t.getId()))
        .filter(t -> OURS.matcher(t.getName()).matches())
        .filter(t -> !lingeringOnly || !t.isDaemon() || !t.getName().startsWith("OkHttp"))
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .toList();
  }

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  @Override
  public String toString() {
    return "ResourceProbe{fds=" + fds + ", threads=" + threads.size() + '}';
  }
}
