package dev.ccd.agent;

import dev.ccd.agent.RetryGate.Backlog;
import dev.ccd.agent.RetryGate.Decision;
import dev.ccd.kube.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread that reconciles the newest state it was offered. Offers made while a pass runs
 * coalesce into one more pass with the newest state. A pass that fails is retried after an
 * exponential backoff; offers and kicks that do not change the {@link Intent} (the echo of the
 * agent's own patch, drift it caused itself) wait for that retry, a changed intent runs at once.
 * Every wait is on the injected {@link Ticker}'s time, so tests move time by hand.
 *
 * @param <S> what is offered (the Node as last seen)
 */
public final class ReconcileLoop<S> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

  /** What a pass asks of the loop next. */
  public sealed interface Next {
    /** Done until something new is offered. */
    Next IDLE = new Idle();

    /** Done until something new is offered. */
    record Idle() implements Next {}

    /** Run again after the backoff, unless what the agent must do changes from {@code actedOn}. */
    record Retry(Intent actedOn) implements Next {
      public Retry {
        Objects.requireNonNull(actedOn, "actedOn");
      }
    }
  }

  private final Function<S, Next> pass;
  private final Function<S, Intent> intentOf;
  private final Backoff backoff;
  private final Ticker ticker;
  private final Duration heartbeat;
  private final AtomicReference<S> latest = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread worker;
  private volatile Instant lastBeat;
  private volatile boolean stopping;
  private boolean pending;
  private Optional<Backlog> backlog = Optional.empty();
  private long decisions;
  private long passes;

  /**
   * @param pass one reconcile pass over the newest state
   * @param intentOf what a state asks the agent to do; compared with what a failed pass acted on
   */
  public ReconcileLoop(
      String name,
      Function<S, Next> pass,
      Function<S, Intent> intentOf,
      Backoff backoff,
      Ticker ticker,
      Duration heartbeat) {
    this.pass = Objects.requireNonNull(pass);
    this.intentOf = Objects.requireNonNull(intentOf);
    this.backoff = Objects.requireNonNull(backoff);
    this.ticker = Objects.requireNonNull(ticker);
    this.heartbeat = Objects.requireNonNull(heartbeat);
    this.lastBeat = ticker.now();
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
    signal();
  }

  /** Asks for another pass with the last state offered (drift seen, a config appeared, …). */
  public void kick() {
    if (latest.get() != null) {
      signal();
    }
  }

  /** When the worker last proved alive: after each pass, and every heartbeat while idle. */
  public Instant lastBeat() {
    return lastBeat;
  }

  /** Consecutive failed passes on the same intent, 0 after a pass that succeeded. */
  public int failures() {
    lock.lock();
    try {
      return backlog.map(Backlog::failures).orElse(0);
    } finally {
      lock.unlock();
    }
  }

  /** When a failed pass will be retried, if one failed. */
  public Optional<Instant> retryAt() {
    lock.lock();
    try {
      return backlog.map(Backlog::retryAt);
    } finally {
      lock.unlock();
    }
  }

  /**
   * How often the worker has decided to wait rather than run: a test that offers something sees
   * this grow once the offer has been weighed and deferred.
   */
  public long deferrals() {
    lock.lock();
    try {
      return decisions;
    } finally {
      lock.unlock();
    }
  }

  /** Passes run so far. */
  public long passes() {
    lock.lock();
    try {
      return passes;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      pending = true;
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
        while (true) {
          if (stopping) {
            return;
          }
          Decision d = RetryGate.decide(pending, backlog, this::currentIntent, ticker.now());
          if (d instanceof Decision.RunNow) {
            break;
          }
          if (pending) {
            decisions++; // weighed and deferred
          }
          pending = false;
          Instant deadline = ticker.now().plus(heartbeat);
          if (d instanceof Decision.WaitUntil w && w.until().isBefore(deadline)) {
            deadline = w.until();
          }
          ticker.awaitUntil(lock, wake, deadline);
          lastBeat = ticker.now();
        }
        pending = false;
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
        next = new Next.Retry(intentOf.apply(state));
      }
      lock.lock();
      try {
        passes++;
        Instant now = ticker.now();
        lastBeat = now;
        if (next instanceof Next.Retry retry) {
          Backlog b = RetryGate.failed(backlog, retry.actedOn(), backoff, now);
          backlog = Optional.of(b);
          LOG.info(
              "retrying in {} (failure {} in a row)",
              Duration.between(now, b.retryAt()),
              b.failures());
        } else {
          backlog = Optional.empty();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private Intent currentIntent() {
    S s = latest.get();
    return s == null ? null : intentOf.apply(s);
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
