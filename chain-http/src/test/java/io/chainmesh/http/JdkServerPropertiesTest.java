package io.chainmesh.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDK HTTP server's process-wide properties ({@code sun.net.httpserver.nodelay},
 * {@code maxReqTime}) are chainmesh's to set only when its first server starts, only where the user
 * has not, out loud, and not at all when opted out. Each case runs in a JVM of its own
 * ({@link JdkServerPropertiesProbe}): the properties are process-wide and the JDK reads them once.
 */
class JdkServerPropertiesTest {

  private record Run(String stdout, String stderr) {}

  @Test
  void loadingTheServerClassSetsNoProperty() throws Exception {
    Run run = probe("load");

    assertEquals("nodelay=null maxReqTime=null", run.stdout(), run.stderr());
  }

  @Test
  void startingTheFirstServerSetsBothAndLogsThemByName() throws Exception {
    Run run = probe("start");

    assertEquals("nodelay=true maxReqTime=30", run.stdout(), run.stderr());
    assertTrue(run.stderr().contains("INFO") && run.stderr().contains("sun.net.httpserver.nodelay=true")
        && run.stderr().contains("sun.net.httpserver.maxReqTime=30"), run.stderr());
    assertFalse(run.stderr().contains("already read its properties"), run.stderr());
  }

  @Test
  void aValueTheUserSetIsKept() throws Exception {
    Run run = probe("start", "-Dsun.net.httpserver.maxReqTime=5");

    assertEquals("nodelay=true maxReqTime=5", run.stdout(), run.stderr());
    assertFalse(run.stderr().contains("maxReqTime=30"), run.stderr());
  }

  @Test
  void theSystemPropertyOptOutLeavesBothUnset() throws Exception {
    Run run = probe("start", "-Dchainmesh.jdkServerDefaults=false");

    assertEquals("nodelay=null maxReqTime=null", run.stdout(), run.stderr());
  }

  @Test
  void theBuilderOptOutLeavesBothUnset() throws Exception {
    Run run = probe("start-opted-out");

    assertEquals("nodelay=null maxReqTime=null", run.stdout(), run.stderr());
  }

  @Test
  void aJdkServerCreatedFirstGetsAWarningThatTheValuesComeTooLate() throws Exception {
    Run run = probe("jdk-server-first");

    assertTrue(run.stderr().contains("WARN") && run.stderr().contains("already read its properties"), run.stderr());
  }

  private static Run probe(String scenario, String... jvmOptions) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(JdkServerPropertiesProbe.class.getName());
    command.add(scenario);
    Path err = Files.createTempFile("probe", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
      String stderr = Files.readString(err);
      assertEquals(0, process.exitValue(), stderr);
      return new Run(out, stderr);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
