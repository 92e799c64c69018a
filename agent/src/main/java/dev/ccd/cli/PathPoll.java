package dev.ccd.cli;

import dev.ccd.kube.Watch;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Host mode's watch: runs a check at once and then every {@code period} on a daemon thread of its
 * own until closed. Polling, not inotify: a configuration tool may replace the file, the directory
 * or a symlink to either, and a read every few seconds sees all of them the same way.
 */
final class PathPoll implements Watch {
  private final ScheduledExecutorService executor;

  private PathPoll(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  static PathPoll every(Duration period, String name, Runnable check) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(check, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return new PathPoll(executor);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
