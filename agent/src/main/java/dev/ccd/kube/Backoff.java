package dev.ccd.kube;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff: {@code initial}, doubled on each further attempt, never above {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

  /** 1 s doubling to 60 s: the reconnect policy of the watches. */
  public static final Backoff WATCH_DEFAULT =
      new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, got " + initial + ", " + max);
    }
  }

  /** The delay before retry number {@code attempt} (0 = the first retry). */
  public Duration delay(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
    Duration d = initial;
    for (int i = 0; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
