package io.chainmesh.edge.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a catalogue file by polling its content (not its modification time, whose resolution
 * varies by file system) and calls the reload action once a changed content has stayed the same for
 * two polls in a row, so that a file caught half-written is not loaded. Polling works the same on
 * every file system, inside containers and with ConfigMap symlink swaps, where {@code WatchService}
 * does not. A file that vanishes or cannot be read is skipped, not unloaded.
 */
public final class CatalogueWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogueWatch.class);

  private final Path file;
  private final Runnable reload;
  private final ScheduledFuture<?> task;
  private byte[] lastSeen;
  private byte[] changed;
  private boolean unreadableLogged;

  private CatalogueWatch(Path file, Runnable reload, Duration interval, ScheduledExecutorService timer) {
    this.file = file;
    this.reload = reload;
    this.lastSeen = read();
    this.task = timer.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Starts polling {@code file} every {@code interval} on {@code timer}. */
  public static CatalogueWatch start(Path file, Duration interval, ScheduledExecutorService timer, Runnable reload) {
    return new CatalogueWatch(file, reload, interval, timer);
  }

  private synchronized void poll() {
    byte[] now = read();
    if (now == null || Arrays.equals(now, lastSeen)) {
      changed = null;
      return;
    }
    if (changed == null || !Arrays.equals(now, changed)) {
      // Changed since the last poll: wait one more interval, so a file caught half-written is not loaded.
      changed = now;
      return;
    }
    lastSeen = now;
    changed = null;
    log.info("chainmesh edge: catalogue {} changed; reloading", file);
    try {
      reload.run();
    } catch (RuntimeException e) {
      // The reload reports its own failures; the watch must survive them.
      log.debug("chainmesh edge: reload after a change of {} failed: {}", file, e.toString());
    }
  }

  private byte[] read() {
    try {
      byte[] bytes = Files.readAllBytes(file);
      unreadableLogged = false;
      return bytes;
    } catch (IOException e) {
      if (!unreadableLogged) {
        log.warn("chainmesh edge: cannot read catalogue {} ({}); keeping the catalogue in force", file,
            e instanceof NoSuchFileException ? "no such file" : e.toString());
        unreadableLogged = true;
      }
      return null;
    }
  }

  /** Stops polling. */
  @Override
  public void close() {
    task.cancel(false);
  }
}
