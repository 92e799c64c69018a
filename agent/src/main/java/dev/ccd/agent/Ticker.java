package dev.ccd.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The time a loop runs on: what time it is, and a wait that ends when that same time reaches a
 * deadline. A loop that waits through a ticker can be driven by a test that moves time by hand.
 */
public interface Ticker {

  Instant now();

  /**
   * Waits on {@code wake}, a condition of {@code lock}, which the caller holds, until it is
   * signalled or this ticker's time reaches {@code deadline}. It may return early; callers decide
   * again after every return.
   */
  void awaitUntil(Lock lock, Condition wake, Instant deadline) throws InterruptedException;

  /** Real time as {@code clock} tells it. */
  static Ticker of(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new Ticker() {
      @Override
      public Instant now() {
        return clock.instant();
      }

      @Override
      public void awaitUntil(Lock lock, Condition wake, Instant deadline)
          throws InterruptedException {
        long nanos = Duration.between(clock.instant(), deadline).toNanos();
        if (nanos > 0) {
          wake.awaitNanos(nanos);
        }
      }
    };
  }
}
