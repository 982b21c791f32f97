package io.chainmesh.http.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System properties of the JDK's built-in HTTP server that chainmesh's embedded servers need, set
 * when the first of them starts (never on class load), each only if the user has not set it, and
 * logged at INFO by name and value.
 *
 * <p>They cannot be scoped to chainmesh's servers: the JDK reads them once per JVM, when it creates
 * its first {@code HttpServer}, and applies them to every JDK server of the process. So they are
 * set just before chainmesh binds its first server, and a WARN says so when a JDK server already
 * exists then (its threads, {@code HTTP-Dispatcher} or {@code idle-timeout-task}, are alive): the
 * values may have no effect. A JDK server that was created and already stopped cannot be detected.
 *
 * <p>Opt out with {@code -D}{@value #OPT_OUT_PROPERTY}{@code =false}, or per builder
 * ({@code jdkServerDefaults(false)}); set the properties on the command line to choose other values.
 */
public final class JdkServerDefaults {
  /**
   * Seconds a client has to send a whole request, head and body, before the server drops the
   * connection ({@code sun.net.httpserver.maxReqTime}). The JDK's own default is no limit: a
   * slow-loris sender, trickling its headers a byte at a time, would hold a request thread forever.
   */
  public static final String MAX_REQUEST_SECONDS = "30";
  /**
   * Seconds a client has to take a whole answer before the server drops the connection
   * ({@code sun.net.httpserver.maxRspTime}). The JDK's own default is no limit: a client that never
   * reads a large answer would hold its request thread, its connection and the answer's memory forever.
   */
  public static final String MAX_RESPONSE_SECONDS = "60";
  /** The system property that, set to {@code false}, keeps chainmesh from setting any JDK server property. */
  public static final String OPT_OUT_PROPERTY = "chainmesh.jdkServerDefaults";

  /** Names of the JDK server's threads: while one is alive, the JDK has read its properties. */
  private static final Set<String> JDK_SERVER_THREADS = Set.of("HTTP-Dispatcher", "idle-timeout-task");
  private static final Logger log = LoggerFactory.getLogger(JdkServerDefaults.class);
  private static final AtomicBoolean applied = new AtomicBoolean();

  private JdkServerDefaults() {}

  /** The properties and the values chainmesh sets when they are not set. */
  public static Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    // Without it the server waits for Nagle's algorithm: ~40 ms per request.
    values.put("sun.net.httpserver.nodelay", "true");
    values.put("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    values.put("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    return values;
  }

  /**
   * Before the first chainmesh server of the process is bound (an {@link EmbeddedServer}, or another
   * JDK server chainmesh starts): sets the properties not set yet, unless opted out; later calls do
   * nothing.
   */
  public static void applyOnce() {
    if (!applied.compareAndSet(false, true)) {
      return;
    }
    if ("false".equalsIgnoreCase(System.getProperty(OPT_OUT_PROPERTY))) {
      log.info("chainmesh: {}=false: the JDK HTTP server's properties are left as they are", OPT_OUT_PROPERTY);
      return;
    }
    Map<String, String> set = new LinkedHashMap<>();
    values().forEach((name, value) -> {
      if (System.getProperty(name) == null) {
        System.setProperty(name, value);
        set.put(name, value);
      }
    });
    if (set.isEmpty()) {
      return;
    }
    log.info("chainmesh: set JDK HTTP server properties {} for every JDK HTTP server of this JVM (set them"
        + " yourself to choose other values, or -D{}=false to leave them unset)", set, OPT_OUT_PROPERTY);
    if (jdkServerExists()) {
      log.warn("chainmesh: a JDK HTTP server was created before the first chainmesh server: the JDK has already"
          + " read its properties, so {} may have no effect. Set them on the command line (-Dname=value)", set);
    }
  }

  private static boolean jdkServerExists() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> JDK_SERVER_THREADS.contains(t.getName()));
  }
}
