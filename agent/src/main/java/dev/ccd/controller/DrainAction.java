package dev.ccd.controller;

import dev.ccd.kube.DrainRequest;
import java.time.Instant;
import java.util.List;

/**
 * The controller's next step on a node's drain request. Each step is at most one kind of API write;
 * the drain loop decides again after it.
 */
public sealed interface DrainAction {
  /** Nothing asked, or the request is carried out already. */
  record Idle() implements DrainAction {}

  /** The request cannot be read; nothing is done and the reason says why. */
  record Invalid(String reason) implements DrainAction {}

  /** Set {@code spec.unschedulable} (again, if someone uncordoned during the drain). */
  record Cordon(DrainRequest request) implements DrainAction {}

  /** Evict these pods through the Eviction API, honouring PodDisruptionBudgets. */
  record Evict(DrainRequest request, List<String> pods) implements DrainAction {
    public Evict {
      pods = List.copyOf(pods);
    }
  }

  /** Evicted pods are still terminating: wait for them to go. */
  record AwaitTermination(DrainRequest request, List<String> pods) implements DrainAction {
    public AwaitTermination {
      pods = List.copyOf(pods);
    }
  }

  /** Evictions were refused; try again at {@code at}. {@code reason} names pods and budgets. */
  record RetryAt(DrainRequest request, Instant at, String reason) implements DrainAction {}

  /** Clear {@code spec.unschedulable}. */
  record Uncordon(DrainRequest request) implements DrainAction {}

  /** Done: set {@code lastAppliedDrain} to the request. */
  record Complete(DrainRequest request) implements DrainAction {}

  /**
   * The round took longer than the timeout (a later round: its probe tries were refused): report
   * {@code reason}, uncordon, and pause before the next round ({@code lastAppliedDrain} is not
   * written, so the agent does not go on undrained).
   */
  record GiveUp(DrainRequest request, String reason) implements DrainAction {}

  /** The pause after a given-up round is over: start round {@code round} of the same request. */
  record NextRound(DrainRequest request, int round) implements DrainAction {}
}
