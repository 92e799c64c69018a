package dev.ccd.controller;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue keyed by pool: a burst of events for one key becomes one pass. Keys added while
 * pending are dropped; a key added while its pass runs is run once more afterwards (the pass may
 * have read the state before the change). One worker thread; a pass that throws is retried after
 * {@code retry}.
 */
final class PoolQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PoolQueue.class);

  private final String name;
  private final Consumer<String> work;
  private final Duration settle;
  private final Duration retry;
  private final ScheduledExecutorService worker;
  private final Set<String> pending = new LinkedHashSet<>();
  private boolean scheduled;
  private boolean closed;

  /**
   * @param settle how long a first event waits for the rest of its burst before the pass starts
   */
  PoolQueue(String name, Consumer<String> work, Duration settle, Duration retry) {
    this.name = Objects.requireNonNull(name, "name");
    this.work = Objects.requireNonNull(work, "work");
    this.settle = Objects.requireNonNull(settle, "settle");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ccd-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Asks for a pass over {@code key}. */
  void add(String key) {
    synchronized (this) {
      if (closed || !pending.add(key) || scheduled) {
        return;
      }
      scheduled = true;
    }
    worker.schedule(this::drain, settle.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks for a pass over {@code key} after {@code delay}. */
  void addLater(String key, Duration delay) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    worker.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} every {@code period} on the worker (e.g. a garbage collection pass). */
  void every(Duration period, String key) {
    worker.scheduleWithFixedDelay(
        () -> add(key), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void drain() {
    while (true) {
      String key;
      synchronized (this) {
        if (closed || pending.isEmpty()) {
          scheduled = false;
          return;
        }
        key = pending.iterator().next();
        pending.remove(key);
      }
      try {
        work.accept(key);
      } catch (RuntimeException e) {
        log.warn("{} pass over \"{}\" failed, retrying in {}: {}", name, key, retry, e.toString());
        addLater(key, retry);
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
