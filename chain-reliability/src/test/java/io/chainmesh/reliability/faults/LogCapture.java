package io.chainmesh.reliability.faults;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What the hops and edges log while it is open: slf4j-simple writes to whatever {@code System.err}
 * is at the time of each line, so a copy of standard error is the log. The output still reaches
 * the console.
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private LogCapture() {
    this.original = System.err;
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (copy) {
          copy.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (copy) {
          copy.write(b, off, len);
        }
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The lines logged so far. */
  public List<String> lines() {
    synchronized (copy) {
      return Arrays.asList(copy.toString(StandardCharsets.UTF_8).split("\n"));
    }
  }

  /** The first line holding every one of {@code fragments}, waiting up to 5 s for it. */
  public String awaitLine(String... fragments) {
    String[] found = new String[1];
    LoopbackDomain.await(() -> {
      for (String line : lines()) {
        if (Arrays.stream(fragments).allMatch(line::contains)) {
          found[0] = line;
          return true;
        }
      }
      return false;
    }, () -> "a log line with " + Arrays.toString(fragments) + " among " + lines());
    return found[0];
  }

  /** How many lines hold every one of {@code fragments}. */
  public long count(String... fragments) {
    return lines().stream().filter(line -> Arrays.stream(fragments).allMatch(line::contains)).count();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
