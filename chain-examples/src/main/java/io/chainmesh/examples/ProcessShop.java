package io.chainmesh.examples;

import io.chainmesh.core.KeyRing;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The shop as separate JVMs: one per service ({@link ShopService}) and one for the edge
 * ({@code io.chainmesh.edge.EdgeMain}), on loopback. They share nothing but the keys (passed in
 * {@code CHAIN_KEYS}) and the requests.
 */
final class ProcessShop implements Shop {
  private static final long START_TIMEOUT_MS = 60_000;

  private final KeyRing keys;
  private final Map<String, URI> services = new LinkedHashMap<>();
  private final URI edge;
  private final List<Process> processes = new ArrayList<>();
  private final Path catalogue;

  ProcessShop(KeyRing keys, String keysText, int edgePort) {
    this.keys = keys;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = classpath();
    for (String service : SERVICES) {
      services.put(service, URI.create("http://127.0.0.1:" + freePort() + "/"));
    }
    this.edge = URI.create("http://127.0.0.1:" + (edgePort == 0 ? freePort() : edgePort) + "/");
    StringJoiner map = new StringJoiner(",");
    services.forEach((name, uri) -> map.add(name + "=" + uri));
    map.add("edge=" + edge);
    try {
      this.catalogue = Files.createTempFile("chainmesh-demo-", ".yaml");
      Files.writeString(catalogue, catalogueWithUrls());
      for (Map.Entry<String, URI> service : services.entrySet()) {
        start(service.getKey(), List.of(java, "-cp", classpath, "-Dsun.net.httpserver.nodelay=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.io.chainmesh.http.internal.HopPipeline=error",
            ShopService.class.getName(), service.getKey(), "--loopback", "--port",
            Integer.toString(service.getValue().getPort()), "--services", map.toString()), keysText);
      }
      // --expose-route for the tour's route view, on loopback only (see InProcessShop).
      start("edge", List.of(java, "-cp", classpath, "-Dsun.net.httpserver.nodelay=true",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "io.chainmesh.edge.EdgeMain",
          "--catalogue", catalogue.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(edge.getPort()),
          "--expose-route", "--watch", "off"), keysText);
      for (URI uri : services.values()) {
        awaitListening(uri);
      }
      awaitListening(edge);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void start(String name, List<String> command, String keysText) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CHAIN_KEYS", keysText);
    Process process = builder.start();
    processes.add(process);
    // Relay the child's output (its warnings and errors), prefixed, so nothing it says is lost.
    Thread relay = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (!line.startsWith("ready ")) {
            System.out.println("   [" + name + " pid " + process.pid() + "] " + line);
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    }, "demo-relay-" + process.pid());
    relay.setDaemon(true);
    relay.start();
  }

  private String catalogueWithUrls() {
    StringBuilder map = new StringBuilder("services:\n");
    services.forEach((name, uri) -> map.append("  ").append(name).append(": ").append(uri).append('\n'));
    return InProcessShop.catalogueText().replaceFirst("(?m)^services: \\[.*]$", map.toString().stripTrailing());
  }

  private static String classpath() {
    // Under Maven's exec:java the project classpath is the class loader's, not java.class.path.
    ClassLoader loader = ProcessShop.class.getClassLoader();
    if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
      StringJoiner cp = new StringJoiner(File.pathSeparator);
      for (URL url : urls.getURLs()) {
        try {
          cp.add(Path.of(url.toURI()).toString());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException("unexpected class path entry " + url, e);
        }
      }
      return cp.toString();
    }
    return System.getProperty("java.class.path");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(URI uri) {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a demo process (pid " + p.pid() + ") exited with " + p.exitValue());
        }
      }
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + uri, e);
        }
      }
    }
    throw new IllegalStateException("nothing listens on " + uri + " after " + START_TIMEOUT_MS + " ms");
  }

  @Override
  public KeyRing keys() {
    return keys;
  }

  @Override
  public URI edge() {
    return edge;
  }

  @Override
  public Map<String, URI> services() {
    return Map.copyOf(services);
  }

  @Override
  public String describe() {
    StringJoiner pids = new StringJoiner(", ");
    processes.forEach(p -> pids.add(Long.toString(p.pid())));
    return processes.size() + " JVMs (" + SERVICES.length + " services and the edge at " + edge + "), pids " + pids;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (catalogue != null) {
      try {
        Files.deleteIfExists(catalogue);
      } catch (IOException ignored) {
        // A temporary file; the OS cleans up.
      }
    }
  }
}
