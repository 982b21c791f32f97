package io.chainmesh.http;

import static io.chainmesh.http.faults.NamedHops.chain;
import static io.chainmesh.http.faults.NamedHops.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.Reason;
import io.chainmesh.http.faults.Caller;
import io.chainmesh.http.faults.GeneratedBody;
import io.chainmesh.http.faults.NamedHops;
import io.chainmesh.http.faults.StreamingChainMain;
import io.chainmesh.http.testing.TestChains;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bodies larger than any hop's heap stream through a chain; buffered bindings refuse them. */
class StreamingTest {
  private static final long FIFTY_MB = 50L << 20;

  private final TestChains chains = new TestChains();
  private final NamedHops hops = new NamedHops(chains);

  @AfterEach
  void closeChains() {
    chains.close();
  }

  /** Takes the body as bytes: must never see 50 MB. */
  public static final class Buffered {
    final AtomicInteger calls = new AtomicInteger();

    @ChainFunction("bytes")
    public byte[] bytes(byte[] body) {
      calls.incrementAndGet();
      return body;
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void fiftyMegabytesStreamThroughFiveHopsInA64MegabyteHeap() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dsun.net.httpserver.nodelay=true",
        "-cp", System.getProperty("java.class.path"),
        StreamingChainMain.class.getName(), Long.toString(FIFTY_MB))
        .redirectErrorStream(true)
        .start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        in.transferTo(output);
      } catch (IOException ignored) {
        // The process ended.
      }
    });
    reader.start();
    boolean exited = process.waitFor(100, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5000);
    String log = output.toString(StandardCharsets.UTF_8);
    assertTrue(exited, () -> "the streaming chain did not finish in time:\n" + log);
    assertEquals(0, process.exitValue(), () -> "the streaming chain failed:\n" + log);
  }

  @Test
  void fiftyMegabytesWithDeclaredLengthAreRefused413ByABufferedBindingWithoutRunningIt() throws Exception {
    Buffered buffered = new Buffered();
    hops.serve("big", buffered);

    TestChains.Reply reply = send(new GeneratedBody(FIFTY_MB, true));

    ChainProblem problem = TestChains.assertProblem(reply, 413, Reason.LIMITS_BODY);
    assertEquals(node("big"), problem.hop().orElseThrow());
    assertEquals(0, buffered.calls.get());
  }

  @Test
  void fiftyMegabytesChunkedAreRefused413ByABufferedBindingWithoutRunningIt() throws Exception {
    Buffered buffered = new Buffered();
    hops.serve("big", buffered);

    TestChains.Reply reply = send(new GeneratedBody(FIFTY_MB, false));

    ChainProblem problem = TestChains.assertProblem(reply, 413, Reason.LIMITS_BODY);
    assertEquals(node("big"), problem.hop().orElseThrow());
    assertEquals(0, buffered.calls.get());
  }

  private TestChains.Reply send(GeneratedBody body) throws IOException {
    Caller caller = Caller.on(chains, Duration.ofSeconds(30));
    try (Response response = caller.call(chain("big/bytes").build(), body).execute()) {
      return new TestChains.Reply(response.code(), response.header("Content-Type"), response.body().bytes(),
          response.headers());
    }
  }
}
