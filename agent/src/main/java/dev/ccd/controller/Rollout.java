package dev.ccd.controller;

import java.util.List;
import java.util.Objects;

/**
 * One rollout decision for a pool: the nodes whose {@code desiredConfig} becomes {@code target}
 * now, and what, if anything, holds the others back.
 */
public record Rollout(String target, List<String> toTarget, Hold hold) {
  public Rollout {
    Objects.requireNonNull(target, "target");
    toTarget = List.copyOf(toTarget);
    Objects.requireNonNull(hold, "hold");
  }

  /** Why nodes that still need the target are not given it now. */
  public sealed interface Hold {
    /** Nothing: every node needing the target got it (or none needs it). */
    record None() implements Hold {}

    /** {@code spec.paused}: the pool changes no node. */
    record Paused() implements Hold {}

    /** No rendered config yet: nothing to roll out. */
    record NoTarget() implements Hold {}

    /** These nodes are Degraded or Unreconcilable: no further node starts until they recover. */
    record Failing(List<String> nodes) implements Hold {
      public Failing {
        nodes = List.copyOf(nodes);
      }
    }

    /** {@code unavailable} nodes already use the whole budget {@code maxUnavailable}. */
    record BudgetSpent(int unavailable, int maxUnavailable, int waiting) implements Hold {}
  }
}
