package dev.ccd.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a drain may take and how often it is retried. Within a round a refused eviction is
 * retried first after {@code firstRetry}, doubling up to {@code maxRetry}; after {@code timeout}
 * the controller gives the round up (Degraded, Event {@code DrainFailed}, uncordon). It then tries
 * the same request again in later rounds, the first {@code pause} after giving up, each next pause
 * doubling up to {@code maxPause}. A later round is a probe: it is given up again once evictions
 * were refused {@code probeTries} times in a row (or after {@code timeout}), so a node whose pods
 * still cannot move is cordoned for seconds, not for another hour.
 */
public record DrainSettings(
    Duration timeout,
    Duration firstRetry,
    Duration maxRetry,
    Duration pause,
    Duration maxPause,
    int probeTries) {
  /** The first pause after a given-up drain. */
  public static final Duration PAUSE = Duration.ofMinutes(10);

  /** The longest pause between rounds. */
  public static final Duration MAX_PAUSE = Duration.ofHours(1);

  /** Refused tries after which a later round is given up. */
  public static final int PROBE_TRIES = 3;

  public static final DrainSettings DEFAULT =
      new DrainSettings(Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMinutes(1));

  public DrainSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(firstRetry, "firstRetry");
    Objects.requireNonNull(maxRetry, "maxRetry");
    Objects.requireNonNull(pause, "pause");
    Objects.requireNonNull(maxPause, "maxPause");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the drain timeout must be positive, got " + timeout);
    }
    if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
      throw new IllegalArgumentException(
          "drain retry delays must be positive and the first no longer than the longest, got "
              + firstRetry
              + " and "
              + maxRetry);
    }
    if (pause.isNegative() || pause.isZero() || maxPause.compareTo(pause) < 0) {
      throw new IllegalArgumentException(
          "pauses between drain rounds must be positive and the first no longer than the longest,"
              + " got "
              + pause
              + " and "
              + maxPause);
    }
    if (probeTries < 1) {
      throw new IllegalArgumentException(
          "a later drain round needs at least one try, got " + probeTries);
    }
  }

  /** The default pauses between rounds and probe tries. */
  public DrainSettings(Duration timeout, Duration firstRetry, Duration maxRetry) {
    this(timeout, firstRetry, maxRetry, PAUSE, MAX_PAUSE, PROBE_TRIES);
  }

  /** The wait after the {@code failures}-th failed attempt (1 = the first failure). */
  public Duration retryDelay(int failures) {
    return doubling(firstRetry, maxRetry, failures);
  }

  /** The pause after the {@code rounds}-th given-up round (1 = the first give-up). */
  public Duration pauseAfter(int rounds) {
    return doubling(pause, maxPause, rounds);
  }

  private static Duration doubling(Duration first, Duration max, int n) {
    Duration d = first;
    for (int i = 1; i < n && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
