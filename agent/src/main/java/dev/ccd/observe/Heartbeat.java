package dev.ccd.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Liveness of a loop: the loop calls {@link #beat()} each turn (also when idle, from its wait
 * timeout); {@link #check()} fails once no beat came for longer than the allowed silence.
 */
public final class Heartbeat {
  private final Clock clock;
  private final Duration maxSilence;
  private volatile Instant last;

  /** Counts the creation as the first beat. */
  public Heartbeat(Clock clock, Duration maxSilence) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSilence = Objects.requireNonNull(maxSilence, "maxSilence");
    this.last = clock.instant();
  }

  public void beat() {
    last = clock.instant();
  }

  public Check check() {
    Duration silent = Duration.between(last, clock.instant());
    return silent.compareTo(maxSilence) <= 0
        ? Check.passing()
        : Check.failing(
            "no heartbeat for " + silent.toSeconds() + "s (limit " + maxSilence.toSeconds() + "s)");
  }
}
