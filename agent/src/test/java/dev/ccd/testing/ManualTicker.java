package dev.ccd.testing;

import dev.ccd.agent.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/** A {@link Ticker} whose time moves only when a test calls {@link #advance}. */
public final class ManualTicker implements Ticker {
  private volatile Instant now;
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
  private final AtomicLong waits = new AtomicLong();

  private static final class Waiter {
    final Lock lock;
    final Condition wake;

    Waiter(Lock lock, Condition wake) {
      this.lock = lock;
      this.wake = wake;
    }
  }

  public ManualTicker(Instant start) {
    this.now = start;
  }

  @Override
  public Instant now() {
    return now;
  }

  @Override
  public void awaitUntil(Lock lock, Condition wake, Instant deadline) throws InterruptedException {
    Waiter w = new Waiter(lock, wake);
    waiters.add(w); // before the check: an advance from now on signals us
    waits.incrementAndGet();
    try {
      if (now.isBefore(deadline)) {
        wake.await();
      }
    } finally {
      waiters.remove(w);
    }
  }

  /** How many times a loop has started to wait: it grows once a loop has weighed a wake-up. */
  public long waits() {
    return waits.get();
  }

  /** How many loops wait right now. */
  public int waiting() {
    return waiters.size();
  }

  /** Moves time forward and wakes every waiter, which decides again on the new time. */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
    for (Waiter w : waiters) {
      w.lock.lock();
      try {
        w.wake.signalAll();
      } finally {
        w.lock.unlock();
      }
    }
  }
}
