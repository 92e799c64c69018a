package dev.ccd.controller;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The controller's memory of one drain request on one node: when the current round started, how
 * often evictions were refused in it, when to try again, what blocked the last try, whether the
 * round was given up, and how many rounds were given up so far. While given up, {@code nextTry} is
 * when the next round starts. Kept in memory, as the machine-config-operator does: a restarted
 * controller starts the clock again.
 */
public record DrainAttempt(
    DrainRequest request,
    Instant started,
    int failures,
    Instant nextTry,
    List<BlockedEviction> blocked,
    boolean gaveUp,
    int rounds) {

  public DrainAttempt {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(nextTry, "nextTry");
    blocked = List.copyOf(blocked);
  }

  public static DrainAttempt start(DrainRequest request, Instant now) {
    return new DrainAttempt(request, now, 0, now, List.of(), false, 0);
  }

  /** After a try in which {@code refused} evictions were refused (none: the try went through). */
  public DrainAttempt afterTry(List<BlockedEviction> refused, Instant now, DrainSettings settings) {
    if (refused.isEmpty()) {
      return new DrainAttempt(request, started, failures, now, List.of(), gaveUp, rounds);
    }
    int n = failures + 1;
    return new DrainAttempt(
        request, started, n, now.plus(settings.retryDelay(n)), refused, gaveUp, rounds);
  }

  /** The round is given up at {@code now}; the next starts after the pause for this many. */
  public DrainAttempt givenUp(Instant now, DrainSettings settings) {
    int n = rounds + 1;
    return new DrainAttempt(
        request, started, failures, now.plus(settings.pauseAfter(n)), blocked, true, n);
  }

  /** A new round starting at {@code now}: its own clock and tries, the count of rounds kept. */
  public DrainAttempt nextRound(Instant now) {
    return new DrainAttempt(request, now, 0, now, List.of(), false, rounds);
  }

  /** When this round is given up: after the timeout, or (a later round) after its probe tries. */
  boolean overdue(Instant now, DrainSettings settings) {
    return !now.isBefore(started.plus(settings.timeout()))
        || (rounds > 0 && failures >= settings.probeTries());
  }
}
