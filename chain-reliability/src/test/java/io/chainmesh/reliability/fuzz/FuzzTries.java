package io.chainmesh.reliability.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Applies a {@link FuzzBudget}: sets the property's tries from {@code reliability.long} (annotation
 * attributes cannot be computed), forces random generation (so jqwik never swaps in a smaller
 * exhaustive run), and checks afterwards that at least that many tries ran. Each count is printed and
 * appended to {@code fuzz-counts.txt} in {@code reliability.reportDir}.
 */
public final class FuzzTries implements AroundPropertyHook {
  /** Whether the long variants run. */
  static boolean isLong() {
    return Boolean.getBoolean("reliability.long");
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    FuzzBudget budget = context.findAnnotation(FuzzBudget.class)
        .orElseThrow(() -> new IllegalStateException("FuzzTries needs @FuzzBudget on " + context.label()));
    int wanted = isLong() ? budget.longTries() : budget.tries();
    context.attributes().setTries(wanted);
    context.attributes().setGeneration(GenerationMode.RANDOMIZED);
    // Edge cases first, then random: mixing combined edge cases of large arbitraries in costs more
    // than it finds here.
    context.attributes().setEdgeCases(EdgeCasesMode.FIRST);
    long start = System.nanoTime();
    PropertyExecutionResult result = property.execute();
    long millis = (System.nanoTime() - start) / 1_000_000;
    String line = String.format("%s.%s: %d tries (%d wanted, %s) in %d ms, %s", context.containerClass().getSimpleName(),
        context.targetMethod().getName(), result.countTries(), wanted, isLong() ? "long" : "default", millis,
        result.status());
    System.out.println("[fuzz] " + line);
    report(line);
    if (result.status() == PropertyExecutionResult.Status.SUCCESSFUL && result.countTries() < wanted) {
      return result.mapToFailed("only " + result.countTries() + " of the " + wanted + " tries ran");
    }
    return result;
  }

  private static void report(String line) {
    String dir = System.getProperty("reliability.reportDir");
    if (dir == null) {
      return;
    }
    try {
      Path file = Path.of(dir).resolve("fuzz-counts.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int aroundPropertyProximity() {
    // Outside jqwik's own hooks, so the count covers the whole property.
    return -100;
  }
}
