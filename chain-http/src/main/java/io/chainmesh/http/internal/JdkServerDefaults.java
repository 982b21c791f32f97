package io.chainmesh.http.internal;

/**
 * System properties of the JDK's built-in HTTP server that chainmesh's servers need, set before the
 * first server is created unless the user set them. The JDK reads them once, when it creates its
 * first server in the JVM: set them on the command line to override.
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

  private JdkServerDefaults() {}

  /** Sets the defaults that are not set yet. Idempotent. */
  public static void apply() {
    // Without it the server waits for Nagle's algorithm: ~40 ms per request.
    setIfAbsent("sun.net.httpserver.nodelay", "true");
    setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
  }

  private static void setIfAbsent(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }
}
