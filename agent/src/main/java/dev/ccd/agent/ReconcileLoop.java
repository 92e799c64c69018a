package dev.ccd.agent;

import dev.ccd.kube.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread that reconciles the newest state it was offered. Offers made while a pass runs
 * coalesce into one more pass with the newest state; a pass that asks for a retry is run again
 * after an exponential backoff unless a newer offer comes first.
 *
 * @param <S> what is offered (the Node as last seen)
 */
public final class ReconcileLoop<S> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

  /** What a pass asks of the loop next. */
  public enum Next {
    /** Done until something new is offered. */
    IDLE,
    /** Run again after the backoff (the failure count grows). */
    RETRY
  }

  private final Function<S, Next> pass;
  private final Backoff backoff;
  private final Clock clock;
  private final Duration heartbeat;
  private final AtomicReference<S> latest = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread worker;
  private volatile Instant lastBeat;
  private volatile boolean stopping;
  private boolean pending;
  private int failures;
  private Instant retryAt;

  public ReconcileLoop(
      String name, Function<S, Next> pass, Backoff backoff, Clock clock, Duration heartbeat) {
    this.pass = Objects.requireNonNull(pass);
    this.backoff = Objects.requireNonNull(backoff);
    this.clock = Objects.requireNonNull(clock);
    this.heartbeat = Objects.requireNonNull(heartbeat);
    this.lastBeat = clock.instant();
    this.worker = new Thread(this::run, name);
    this.worker.setDaemon(false);
  }

  public ReconcileLoop<S> start() {
    worker.start();
    return this;
  }

  /** Hands the newest state to the loop; returns at once. */
  public void offer(S state) {
    latest.set(Objects.requireNonNull(state));
    signal(true);
  }

  /** Runs another pass with the last state offered (drift seen, a missing config appeared, …). */
  public void kick() {
    if (latest.get() != null) {
      signal(false);
    }
  }

  /** When the worker last proved alive: after each pass, and every heartbeat while idle. */
  public Instant lastBeat() {
    return lastBeat;
  }

  /** Consecutive failed passes, 0 after a pass that did not ask for a retry. */
  public int failures() {
    lock.lock();
    try {
      return failures;
    } finally {
      lock.unlock();
    }
  }

  private void signal(boolean fresh) {
    lock.lock();
    try {
      pending = true;
      if (fresh) {
        retryAt = null;
      }
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (!stopping) {
      S state;
      lock.lock();
      try {
        while (!stopping && !due()) {
          long waitNanos = heartbeat.toNanos();
          if (retryAt != null) {
            waitNanos = Math.min(waitNanos, Duration.between(clock.instant(), retryAt).toNanos());
          }
          if (waitNanos > 0) {
            wake.awaitNanos(waitNanos);
          }
          lastBeat = clock.instant();
        }
        if (stopping) {
          return;
        }
        pending = false;
        retryAt = null;
        state = latest.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      Next next;
      try {
        next = pass.apply(state);
      } catch (RuntimeException e) {
        LOG.error("reconcile pass failed unexpectedly; retrying", e);
        next = Next.RETRY;
      }
      lock.lock();
      try {
        lastBeat = clock.instant();
        if (next == Next.RETRY) {
          Duration delay = backoff.delay(failures++);
          if (!pending) {
            retryAt = clock.instant().plus(delay);
          }
          LOG.info("retrying in {} (failure {})", delay, failures);
        } else {
          failures = 0;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean due() {
    return pending || (retryAt != null && !clock.instant().isBefore(retryAt));
  }

  /**
   * Stops taking new work and waits up to {@code grace} for a pass in progress to finish (an update
   * in progress finishes or rolls back on its own). Returns true when the worker ended in time.
   */
  public boolean stop(Duration grace) {
    stopping = true;
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !worker.isAlive();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
