package dev.ccd.controller;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which nodes of a pool get the pool's rendered config now. Pure.
 *
 * <p>Unavailable follows issue 9: desired ≠ current, state not Done, cordoned, or not ready. The
 * machine-config-operator instead keeps Degraded/Unreconcilable nodes out of "unavailable" and
 * subtracts them from the budget separately; the budget comes out the same. Where we differ on
 * purpose: one failing node halts the start of any further node (the operator only lets it eat
 * budget), because a config that broke one node will most likely break the next.
 *
 * <p>A node that is already unavailable because its own update has not settled (Working, Degraded,
 * Unreconcilable, or desired ≠ current) and is asked for an older config is re-targeted at no cost:
 * it is unavailable either way, and this is how a pool rolls forward out of a bad config (a halt
 * that also froze the broken nodes could only be lifted by hand).
 *
 * <p>Otherwise candidates are available nodes asked for another config (a node that joined the pool
 * and was asked for nothing is one), in a stable order: zone (nodes without a zone last), then
 * creation time, then name; as many as the budget {@code maxUnavailable − unavailable} allows. So
 * the decision never raises the number of unavailable nodes above {@code maxUnavailable} (nor above
 * what it already was), and deciding again after applying it targets nothing new.
 */
public final class RolloutPlanner {
  static final Comparator<PoolNode> ORDER =
      Comparator.comparing((PoolNode n) -> n.zone().isEmpty())
          .thenComparing(n -> n.zone().orElse(""))
          .thenComparing(PoolNode::created)
          .thenComparing(PoolNode::name);

  private RolloutPlanner() {}

  public static Rollout plan(Pool pool, List<PoolNode> nodes) {
    String target = pool.target();
    if (pool.paused()) {
      return new Rollout(target, List.of(), new Rollout.Hold.Paused());
    }
    if (target.isEmpty()) {
      return new Rollout(target, List.of(), new Rollout.Hold.NoTarget());
    }
    List<PoolNode> sorted = new ArrayList<>(nodes);
    sorted.sort(ORDER);
    List<String> toTarget = new ArrayList<>();
    List<String> failing = new ArrayList<>();
    List<PoolNode> candidates = new ArrayList<>();
    int unavailable = 0;
    for (PoolNode n : sorted) {
      boolean asksTarget = target.equals(n.config().desiredConfig());
      if (n.failing()) {
        failing.add(n.name());
      }
      if (n.unavailable()) {
        unavailable++;
        if (!asksTarget && !n.settled()) {
          toTarget.add(n.name());
        }
      } else if (!asksTarget) {
        candidates.add(n);
      }
    }
    if (!failing.isEmpty()) {
      return new Rollout(target, toTarget, new Rollout.Hold.Failing(failing));
    }
    int max = pool.maxUnavailable().of(nodes.size());
    int budget = Math.max(0, max - unavailable);
    candidates.stream().limit(budget).forEach(n -> toTarget.add(n.name()));
    int waiting = Math.max(0, candidates.size() - budget);
    Rollout.Hold hold =
        waiting == 0
            ? new Rollout.Hold.None()
            : new Rollout.Hold.BudgetSpent(unavailable, max, waiting);
    return new Rollout(target, toTarget, hold);
  }
}
