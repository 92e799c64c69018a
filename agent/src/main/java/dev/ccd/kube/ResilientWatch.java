package dev.ccd.kube;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List, then watch, one object; on any failure tell the sink, wait a backoff and start again with a
 * fresh list. This is the relist/rewatch logic the API adapters share; it knows nothing of fabric8
 * so that every path can be tested with a fake {@link Source}; the 410 Gone relist is also tested
 * over HTTP against a scripted mock server ({@code NodeWatchGoneIT}).
 */
final class ResilientWatch<T> implements Watch {
  private static final Logger log = LoggerFactory.getLogger(ResilientWatch.class);

  /** Where the object comes from. */
  interface Source<T> {
    /** The object now (empty when it does not exist) and the resourceVersion to watch from. */
    Listed<T> list() throws Exception;

    /** Starts watching from {@code resourceVersion}; events go to {@code events}. */
    AutoCloseable watch(String resourceVersion, Events<T> events) throws Exception;
  }

  /** A list result. */
  record Listed<T>(Optional<T> object, String resourceVersion) {}

  /** What a running watch reports. */
  interface Events<T> {
    void changed(T object);

    void failed(Exception cause);
  }

  /** What the user of the watch hears. */
  interface Sink<T> {
    /** After each list (object may be empty) and on each change (object present). */
    void current(Optional<T> object);

    void lost(Exception cause);
  }

  /** Runs a task after a delay; injectable so tests control time. */
  interface Scheduler {
    void after(Duration delay, Runnable task);
  }

  private final String what;
  private final Source<T> source;
  private final Sink<T> sink;
  private final Backoff backoff;
  private final Scheduler scheduler;
  private final Runnable onClose;
  private final ApiOutage outage;
  private final Object lock = new Object();
  private boolean closed;
  private int generation;
  private int failures;
  private AutoCloseable running;

  private ResilientWatch(
      String what,
      Source<T> source,
      Sink<T> sink,
      Backoff backoff,
      Scheduler scheduler,
      Runnable onClose,
      ApiOutage outage) {
    this.what = what;
    this.outage = outage;
    this.source = source;
    this.sink = sink;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.onClose = onClose;
  }

  /** Starts a watch whose connects and reconnects run on {@code scheduler}. */
  static <T> ResilientWatch<T> start(
      String what,
      Source<T> source,
      Sink<T> sink,
      Backoff backoff,
      Scheduler scheduler,
      ApiOutage outage) {
    ResilientWatch<T> w =
        new ResilientWatch<>(what, source, sink, backoff, scheduler, () -> {}, outage);
    scheduler.after(Duration.ZERO, w::connect);
    return w;
  }

  /** Starts a watch with its own daemon thread for connects and reconnects. */
  static <T> ResilientWatch<T> start(
      String what, Source<T> source, Sink<T> sink, Backoff backoff, ApiOutage outage) {
    ScheduledExecutorService exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watch " + what);
              t.setDaemon(true);
              return t;
            });
    Scheduler scheduler =
        (delay, task) -> {
          if (!exec.isShutdown()) {
            exec.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
          }
        };
    ResilientWatch<T> w =
        new ResilientWatch<>(what, source, sink, backoff, scheduler, exec::shutdownNow, outage);
    scheduler.after(Duration.ZERO, w::connect);
    return w;
  }

  private void connect() {
    int gen;
    synchronized (lock) {
      if (closed) {
        return;
      }
      gen = ++generation;
    }
    try {
      Listed<T> listed = source.list();
      outage.noteAnswer();
      deliver(gen, listed.object());
      AutoCloseable w = source.watch(listed.resourceVersion(), new GenerationEvents(gen));
      synchronized (lock) {
        if (closed || gen != generation) {
          closeQuietly(w);
          return;
        }
        running = w;
        failures = 0;
      }
      log.debug("watching {} from resourceVersion {}", what, listed.resourceVersion());
    } catch (Exception e) {
      fail(gen, e);
    }
  }

  private void deliver(int gen, Optional<T> object) {
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      sink.current(object);
    }
  }

  private void fail(int gen, Exception cause) {
    Duration delay;
    synchronized (lock) {
      if (closed || gen != generation) {
        return;
      }
      // A newer generation makes any late event of this one stale.
      generation++;
      closeQuietly(running);
      running = null;
      delay = backoff.delay(failures++);
      sink.lost(cause);
    }
    // A dead server is said once per outage (by the shared tracker); an answer about the object
    // (Gone, deleted) is news each time.
    if (ApiOutage.isOutage(cause)) {
      outage.noteFailure(
          "watch of " + what + " (re-listing in " + delay.toSeconds() + " s)", cause);
    } else {
      outage.noteAnswer();
      log.warn("{}; re-listing in {}", outage.describe("watch of " + what, cause), delay);
    }
    scheduler.after(delay, this::connect);
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(running);
      running = null;
    }
    onClose.run();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing a watch failed", e);
    }
  }

  private final class GenerationEvents implements Events<T> {
    private final int gen;

    GenerationEvents(int gen) {
      this.gen = gen;
    }

    @Override
    public void changed(T object) {
      deliver(gen, Optional.of(object));
    }

    @Override
    public void failed(Exception cause) {
      fail(gen, cause);
    }
  }
}
