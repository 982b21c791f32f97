package io.chainmesh.http.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The options every embedded chainmesh server has, hop ({@code ChainServer}) or edge
 * ({@code ChainEdge}): their builders' setters delegate here, so an option lands once. Setters
 * check their argument and throw {@link IllegalArgumentException} (or {@link NullPointerException})
 * with the option's name. Not thread-safe: a builder's state.
 */
public final class ServerOptions {
  int port = 8080;
  InetAddress bindAddress;
  String path = "/";
  int maxThreads = 256;
  int backlog = 1024;
  Duration stopGrace = Duration.ofSeconds(1);
  boolean jdkServerDefaults = true;

  /** The port; 8080 unless set; 0 picks a free one. */
  public void port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    this.port = port;
  }

  /** The address to bind; all interfaces unless set. */
  public void bindAddress(InetAddress bindAddress) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
  }

  /** The path prefix served; {@code /} unless set. */
  public void path(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', was " + path);
    }
    this.path = path;
  }

  /** Requests served at once (as many more wait); 256 unless set. */
  public void maxThreads(int maxThreads) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be positive, was " + maxThreads);
    }
    this.maxThreads = maxThreads;
  }

  /** How long closing waits for requests in flight; 1 s unless set. */
  public void stopGrace(Duration stopGrace) {
    this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
  }

  /** Whether the first server to start sets {@link JdkServerDefaults}; true unless set. */
  public void jdkServerDefaults(boolean apply) {
    this.jdkServerDefaults = apply;
  }

  ServerOptions copy() {
    ServerOptions c = new ServerOptions();
    c.port = port;
    c.bindAddress = bindAddress;
    c.path = path;
    c.maxThreads = maxThreads;
    c.backlog = backlog;
    c.stopGrace = stopGrace;
    c.jdkServerDefaults = jdkServerDefaults;
    return c;
  }

  /** Whether the first server to start sets {@link JdkServerDefaults}. */
  public boolean jdkServerDefaults() {
    return jdkServerDefaults;
  }

  /** Requests served at once. */
  public int maxThreads() {
    return maxThreads;
  }

  /** How long closing waits for requests in flight. */
  public Duration stopGrace() {
    return stopGrace;
  }
}
