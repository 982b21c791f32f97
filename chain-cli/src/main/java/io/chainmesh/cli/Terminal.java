package io.chainmesh.cli;

import io.chainmesh.core.KeyRing;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a command may touch of its process: standard input, output and error, and the environment.
 * Passed in, never taken from {@code System}, so tests run commands in-process.
 *
 * @param in standard input, read for a {@code -} argument
 * @param out where results go: JSON, header values, answers and routes
 * @param err where warnings, errors and hints go
 * @param env the environment, for {@code --keys-env}
 * @param keyRings where the rings of {@code --key}, {@code --keys-file} and {@code --keys-env} start:
 *     {@link KeyRing#builder()} on the command line; a test that decodes the published test vectors
 *     passes one that allows their keys
 */
record Terminal(InputStream in, PrintStream out, PrintStream err, Function<String, String> env,
    Supplier<KeyRing.Builder> keyRings) {
  /** Largest file or standard input a command reads: 64 MiB. */
  static final int MAX_INPUT_BYTES = 64 << 20;

  Terminal {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(keyRings, "keyRings");
  }

  static Terminal of(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    return new Terminal(in, out, err, env::get, KeyRing::builder);
  }

  /** The bytes of {@code source}: a file path, or {@code -} for standard input. */
  byte[] read(String source) throws IOException {
    if (source.equals("-")) {
      byte[] bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
      if (bytes.length > MAX_INPUT_BYTES) {
        throw new IOException("standard input holds more than " + (MAX_INPUT_BYTES >> 20) + " MiB");
      }
      return bytes;
    }
    Path path = Path.of(source);
    try {
      if (Files.isDirectory(path)) {
        throw new IOException("cannot read " + source + ": it is a directory");
      }
      if (Files.size(path) > MAX_INPUT_BYTES) {
        throw new IOException("cannot read " + source + ": larger than " + (MAX_INPUT_BYTES >> 20) + " MiB");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read " + source + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read " + source + ": permission denied", e);
    }
  }

  /** The text of {@code source} as UTF-8. */
  String readText(String source) throws IOException {
    return new String(read(source), StandardCharsets.UTF_8);
  }
}
