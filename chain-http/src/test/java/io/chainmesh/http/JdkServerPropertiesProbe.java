package io.chainmesh.http;

import com.sun.net.httpserver.HttpServer;
import io.chainmesh.core.KeyRing;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Run in a JVM of its own by {@link JdkServerPropertiesTest}, because the properties it looks at are
 * process-wide: does one thing ({@code args[0]}) and prints {@code nodelay=... maxReqTime=...}.
 */
public final class JdkServerPropertiesProbe {
  private JdkServerPropertiesProbe() {}

  /** Serves an echo function. */
  public static final class Echo {
    /** The body, back. */
    @ChainFunction("echo")
    public String echo(String body) {
      return body;
    }
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "load" -> Class.forName(ChainServer.class.getName(), true, JdkServerPropertiesProbe.class.getClassLoader());
      case "start" -> startHop(true);
      case "start-opted-out" -> startHop(false);
      case "jdk-server-first" -> {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.start();
        try {
          startHop(true);
        } finally {
          other.stop(0);
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("nodelay=" + System.getProperty("sun.net.httpserver.nodelay")
        + " maxReqTime=" + System.getProperty("sun.net.httpserver.maxReqTime"));
  }

  private static void startHop(boolean defaults) {
    try (ChainHop hop = ChainHop.builder().functions(new Echo()).keys(KeyRing.insecureDevelopmentMode())
        .resolver(SegmentResolver.template("http://{service}.invalid:8080")).build();
        ChainServer server = ChainServer.builder(hop).loopback().port(0).jdkServerDefaults(defaults).start()) {
      server.port();
    }
  }
}
