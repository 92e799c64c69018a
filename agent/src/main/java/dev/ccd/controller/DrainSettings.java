package dev.ccd.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a drain may take and how often a refused eviction is retried: first after {@code
 * firstRetry}, doubling up to {@code maxRetry}; after {@code timeout} the controller gives up.
 */
public record DrainSettings(Duration timeout, Duration firstRetry, Duration maxRetry) {
  public static final DrainSettings DEFAULT =
      new DrainSettings(Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMinutes(1));

  public DrainSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(firstRetry, "firstRetry");
    Objects.requireNonNull(maxRetry, "maxRetry");
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
  }

  /** The wait after the {@code failures}-th failed attempt (1 = the first failure). */
  public Duration retryDelay(int failures) {
    Duration d = firstRetry;
    for (int i = 1; i < failures && d.compareTo(maxRetry) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxRetry) > 0 ? maxRetry : d;
  }
}
