package dev.ccd.controller;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The controller's memory of one drain request on one node: when it started, how often evictions
 * were refused, when to try again, what blocked the last try, and whether it gave up. Kept in
 * memory, as the machine-config-operator does: a restarted controller starts the clock again.
 */
public record DrainAttempt(
    DrainRequest request,
    Instant started,
    int failures,
    Instant nextTry,
    List<BlockedEviction> blocked,
    boolean gaveUp) {

  public DrainAttempt {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(nextTry, "nextTry");
    blocked = List.copyOf(blocked);
  }

  public static DrainAttempt start(DrainRequest request, Instant now) {
    return new DrainAttempt(request, now, 0, now, List.of(), false);
  }

  /** After a try in which {@code refused} evictions were refused (none: the try went through). */
  public DrainAttempt afterTry(List<BlockedEviction> refused, Instant now, DrainSettings settings) {
    if (refused.isEmpty()) {
      return new DrainAttempt(request, started, failures, now, List.of(), gaveUp);
    }
    int n = failures + 1;
    return new DrainAttempt(request, started, n, now.plus(settings.retryDelay(n)), refused, gaveUp);
  }

  public DrainAttempt givenUp() {
    return new DrainAttempt(request, started, failures, nextTry, blocked, true);
  }
}
