package dev.ccd.controller;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainRequest;
import dev.ccd.kube.DrainState;
import dev.ccd.kube.NodePod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The controller's half of the drain protocol: from a node's drain annotations, whether it is
 * cordoned, its pods and the attempt so far, the next step. Pure.
 *
 * <p>{@code drain-<config>}: cordon, evict every pod except DaemonSet, mirror and finished pods,
 * wait for evicted pods to go, then {@code lastAppliedDrain}. Refused evictions are retried after
 * the {@link DrainSettings} delays; after the timeout the controller gives the round up with a
 * reason naming what blocked it and uncordons. After a pause that grows with every given-up round
 * it starts the next round (cordon, evict), a probe given up after a few refused tries. {@code
 * uncordon-<config>}: uncordon, then {@code lastAppliedDrain}.
 */
public final class DrainPlanner {
  private DrainPlanner() {}

  public static DrainAction decide(
      String node,
      DrainState state,
      boolean cordoned,
      List<NodePod> pods,
      Optional<DrainAttempt> attempt,
      Instant now,
      DrainSettings settings) {
    if (!state.pending()) {
      return new DrainAction.Idle();
    }
    Optional<DrainRequest> parsed = DrainRequest.parse(state.desiredDrain());
    if (parsed.isEmpty()) {
      return new DrainAction.Invalid(
          "desiredDrain \""
              + state.desiredDrain()
              + "\" on node "
              + node
              + " is neither drain-<config> nor uncordon-<config>; nothing was done");
    }
    DrainRequest request = parsed.get();
    if (request.verb() == DrainRequest.Verb.UNCORDON) {
      return cordoned ? new DrainAction.Uncordon(request) : new DrainAction.Complete(request);
    }
    Optional<DrainAttempt> current = attempt.filter(a -> a.request().equals(request));
    if (current.isPresent() && current.get().gaveUp()) {
      DrainAttempt a = current.get();
      if (cordoned) {
        return new DrainAction.Uncordon(request);
      }
      if (now.isBefore(a.nextTry())) {
        return new DrainAction.RetryAt(
            request,
            a.nextTry(),
            "drain of node "
                + node
                + " for "
                + request.config()
                + " given up; next round at "
                + a.nextTry());
      }
      return new DrainAction.NextRound(request, a.rounds() + 1);
    }
    if (current.isPresent() && current.get().overdue(now, settings)) {
      return new DrainAction.GiveUp(
          request, giveUpReason(node, request, current.get(), now, settings));
    }
    if (!cordoned) {
      return new DrainAction.Cordon(request);
    }
    List<NodePod> moving = pods.stream().filter(NodePod::evictable).toList();
    if (moving.isEmpty()) {
      return new DrainAction.Complete(request);
    }
    if (current.isPresent() && now.isBefore(current.get().nextTry())) {
      DrainAttempt a = current.get();
      return new DrainAction.RetryAt(request, a.nextTry(), blockedReason(node, request, a));
    }
    List<String> toEvict = moving.stream().filter(p -> !p.terminating()).map(NodePod::ref).toList();
    if (toEvict.isEmpty()) {
      return new DrainAction.AwaitTermination(request, moving.stream().map(NodePod::ref).toList());
    }
    return new DrainAction.Evict(request, toEvict);
  }

  /** The node's reason while evictions are refused: which pods, which budgets, when next. */
  static String blockedReason(String node, DrainRequest request, DrainAttempt attempt) {
    return "draining node "
        + node
        + " for "
        + request.config()
        + ": "
        + describe(attempt.blocked())
        + " (try "
        + (attempt.failures() + 1)
        + " at "
        + attempt.nextTry()
        + ")";
  }

  static String giveUpReason(
      String node,
      DrainRequest request,
      DrainAttempt attempt,
      Instant now,
      DrainSettings settings) {
    String blocked =
        attempt.blocked().isEmpty() ? "" : "; last refused: " + describe(attempt.blocked());
    boolean timedOut = !now.isBefore(attempt.started().plus(settings.timeout()));
    String after =
        timedOut ? "after " + human(settings.timeout()) : "after " + attempt.failures() + " tries";
    String round = attempt.rounds() == 0 ? "" : " again in round " + (attempt.rounds() + 1);
    return "gave up draining node "
        + node
        + " for "
        + request.config()
        + round
        + " "
        + after
        + blocked
        + "; the node is uncordoned and the drain is tried again at "
        + now.plus(settings.pauseAfter(attempt.rounds() + 1))
        + " (round "
        + (attempt.rounds() + 2)
        + "; let the pods be evicted, for example by relaxing the PodDisruptionBudget)";
  }

  private static String describe(List<BlockedEviction> blocked) {
    return blocked.stream().map(BlockedEviction::describe).collect(Collectors.joining("; "));
  }

  private static String human(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
