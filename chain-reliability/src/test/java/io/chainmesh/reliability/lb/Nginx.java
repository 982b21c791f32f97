package io.chainmesh.reliability.lb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx, run as a child process with a generated configuration and everything it writes
 * (pid, logs, temp files) under its own prefix directory, listening on one loopback port. Found on
 * the PATH (or in /usr/sbin); {@link #installIfMissing} runs {@code install-nginx.sh} otherwise.
 */
final class Nginx implements AutoCloseable {
  private final Process process;
  private final Path prefix;
  private final int port;

  private Nginx(Process process, Path prefix, int port) {
    this.process = process;
    this.prefix = prefix;
    this.port = port;
  }

  /** The nginx binary, if one is installed. */
  static Optional<Path> find() {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.add("/usr/sbin");
    dirs.add("/usr/local/sbin");
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "nginx")).filter(Files::isExecutable).findFirst();
  }

  /**
   * Runs {@code scriptsDir/install-nginx.sh} when no nginx is installed.
   *
   * @return the binary, or empty with {@code why} holding the reason it is unavailable
   */
  static Optional<Path> installIfMissing(Path scriptsDir, StringBuilder why) {
    Optional<Path> found = find();
    if (found.isPresent()) {
      return found;
    }
    Path script = scriptsDir.resolve("install-nginx.sh");
    if (!Files.isRegularFile(script)) {
      why.append("nginx is not installed and ").append(script).append(" does not exist");
      return Optional.empty();
    }
    try {
      Process install = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!install.waitFor(10, TimeUnit.MINUTES)) {
        install.destroyForcibly();
        why.append("install-nginx.sh did not finish in 10 minutes");
        return Optional.empty();
      }
      if (install.exitValue() != 0) {
        why.append("install-nginx.sh failed (exit ").append(install.exitValue()).append("): ").append(output.strip());
        return Optional.empty();
      }
    } catch (IOException e) {
      why.append("could not run install-nginx.sh: ").append(e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why.append("interrupted while installing nginx");
      return Optional.empty();
    }
    found = find();
    if (found.isEmpty()) {
      why.append("install-nginx.sh succeeded but no nginx binary is on the PATH or in /usr/sbin");
    }
    return found;
  }

  /**
   * Starts {@code binary} with {@code httpBlock} (the inside of the {@code http { }} block, which
   * must make a server listen on {@code port}), and waits until the port accepts connections.
   */
  static Nginx start(Path binary, int port, String httpBlock) {
    try {
      Path prefix = Files.createTempDirectory("chain-nginx");
      // Workers run as an unprivileged user when nginx starts as root: let them into the prefix.
      Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(conf, """
          daemon off;
          master_process on;
          worker_processes 1;
          pid %1$s/nginx.pid;
          error_log %1$s/error.log warn;
          events { worker_connections 4096; }
          http {
            client_body_temp_path %1$s/client_body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
          %2$s
          }
          """.formatted(prefix, httpBlock.indent(2)));
      Process process = new ProcessBuilder(binary.toString(), "-p", prefix.toString(), "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
      Nginx nginx = new Nginx(process, prefix, port);
      long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!nginx.accepts()) {
        if (!process.isAlive() || System.nanoTime() > until) {
          String log = nginx.errorLog();
          nginx.close();
          throw new IllegalStateException("nginx did not start listening on " + port + ": " + log);
        }
        Thread.sleep(20);
      }
      return nginx;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting nginx", e);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  Path prefix() {
    return prefix;
  }

  /** The lines of {@code name} in the prefix directory (e.g. the access log). */
  List<String> lines(String name) {
    try {
      Path file = prefix.resolve(name);
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String errorLog() {
    return String.join("\n", lines("error.log")) + String.join("\n", lines("stdout.log"));
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops nginx (TERM: fast shutdown; KILL of master and workers if it lingers) and deletes its prefix. */
  @Override
  public void close() {
    List<ProcessHandle> workers = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        workers.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try (var files = Files.walk(prefix)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
