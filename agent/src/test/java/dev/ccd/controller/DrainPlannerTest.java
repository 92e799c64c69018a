package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainRequest;
import dev.ccd.kube.DrainState;
import dev.ccd.kube.NodePod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The controller's side: node drain annotations, cordon, pods, attempt → next step. */
class DrainPlannerTest {
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final DrainSettings SETTINGS = DrainSettings.DEFAULT;
  static final DrainRequest DRAIN_B = DrainRequest.drain("rendered-worker-b");
  static final DrainState ASKED = new DrainState(DRAIN_B.wire(), "", "");

  static NodePod pod(String name, String owner) {
    return new NodePod(
        "apps", name, owner.isEmpty() ? List.of() : List.of(owner), false, "Running", false);
  }

  static DrainAction decide(
      DrainState state,
      boolean cordoned,
      List<NodePod> pods,
      Optional<DrainAttempt> attempt,
      Instant now) {
    return DrainPlanner.decide("n1", state, cordoned, pods, attempt, now, SETTINGS);
  }

  @Test
  void nothingAskedOrAlreadyDoneIsIdle() {
    assertThat(decide(new DrainState("", "", ""), false, List.of(), Optional.empty(), T0))
        .isEqualTo(new DrainAction.Idle());
    assertThat(
            decide(
                new DrainState(DRAIN_B.wire(), DRAIN_B.wire(), ""),
                true,
                List.of(pod("web", "ReplicaSet")),
                Optional.empty(),
                T0))
        .isEqualTo(new DrainAction.Idle());
  }

  @Test
  void anUnreadableRequestIsReportedAndNothingDone() {
    DrainAction a =
        decide(new DrainState("reboot-now", "", ""), false, List.of(), Optional.empty(), T0);

    assertThat(a).isInstanceOf(DrainAction.Invalid.class);
    assertThat(((DrainAction.Invalid) a).reason())
        .isEqualTo(
            "desiredDrain \"reboot-now\" on node n1 is neither drain-<config> nor"
                + " uncordon-<config>; nothing was done");
  }

  @Test
  void aDrainCordonsFirst() {
    assertThat(decide(ASKED, false, List.of(pod("web", "ReplicaSet")), Optional.empty(), T0))
        .isEqualTo(new DrainAction.Cordon(DRAIN_B));
  }

  @Test
  void daemonSetMirrorAndFinishedPodsAreNotEvicted() {
    List<NodePod> pods =
        List.of(
            pod("web", "ReplicaSet"),
            pod("bare", ""),
            pod("agent", "DaemonSet"),
            new NodePod("kube-system", "etcd-n1", List.of("Node"), true, "Running", false),
            new NodePod("jobs", "done", List.of("Job"), false, "Succeeded", false),
            new NodePod("jobs", "broke", List.of("Job"), false, "Failed", false));

    assertThat(decide(ASKED, true, pods, Optional.empty(), T0))
        .isEqualTo(new DrainAction.Evict(DRAIN_B, List.of("apps/web", "apps/bare")));
  }

  @Test
  void onlyExceptedPodsLeftCompletesTheDrain() {
    List<NodePod> pods =
        List.of(
            pod("agent", "DaemonSet"),
            new NodePod("kube-system", "etcd-n1", List.of(), true, "Running", false));

    assertThat(decide(ASKED, true, pods, Optional.empty(), T0))
        .isEqualTo(new DrainAction.Complete(DRAIN_B));
  }

  @Test
  void evictedPodsStillTerminatingAreAwaited() {
    NodePod going = new NodePod("apps", "web", List.of("ReplicaSet"), false, "Running", true);

    assertThat(decide(ASKED, true, List.of(going), Optional.empty(), T0))
        .isEqualTo(new DrainAction.AwaitTermination(DRAIN_B, List.of("apps/web")));
  }

  @Test
  void someoneUncordoningDuringTheDrainIsCordonedAgain() {
    DrainAttempt running = DrainAttempt.start(DRAIN_B, T0);

    assertThat(
            decide(
                ASKED,
                false,
                List.of(pod("web", "ReplicaSet")),
                Optional.of(running),
                T0.plusSeconds(30)))
        .isEqualTo(new DrainAction.Cordon(DRAIN_B));
  }

  @Test
  void aRefusedEvictionIsRetriedLaterAndTheReasonNamesPodAndBudget() {
    BlockedEviction blocked =
        new BlockedEviction("apps/web", List.of("apps/web-pdb"), "Cannot evict pod");
    DrainAttempt attempt = DrainAttempt.start(DRAIN_B, T0).afterTry(List.of(blocked), T0, SETTINGS);
    List<NodePod> pods = List.of(pod("web", "ReplicaSet"));

    DrainAction early = decide(ASKED, true, pods, Optional.of(attempt), T0.plusSeconds(4));
    DrainAction due = decide(ASKED, true, pods, Optional.of(attempt), T0.plusSeconds(5));

    assertThat(early)
        .isEqualTo(
            new DrainAction.RetryAt(
                DRAIN_B,
                T0.plusSeconds(5),
                "draining node n1 for rendered-worker-b: pod apps/web blocked by"
                    + " PodDisruptionBudget apps/web-pdb (try 2 at 2026-12-04T10:00:05Z)"));
    assertThat(due).isEqualTo(new DrainAction.Evict(DRAIN_B, List.of("apps/web")));
  }

  @Test
  void afterTheTimeoutTheControllerGivesUpSayingWhyThenUncordons() {
    BlockedEviction blocked =
        new BlockedEviction("apps/web", List.of("apps/web-pdb"), "Cannot evict pod");
    DrainAttempt attempt =
        DrainAttempt.start(DRAIN_B, T0).afterTry(List.of(blocked), T0.plusSeconds(3598), SETTINGS);
    List<NodePod> pods = List.of(pod("web", "ReplicaSet"));
    Instant hour = T0.plus(Duration.ofHours(1));
    DrainAttempt givenUp = attempt.givenUp(hour, SETTINGS);

    DrainAction justBefore = decide(ASKED, true, pods, Optional.of(attempt), T0.plusSeconds(3599));
    DrainAction at = decide(ASKED, true, pods, Optional.of(attempt), hour);
    DrainAction afterGivingUp = decide(ASKED, true, pods, Optional.of(givenUp), hour);
    DrainAction uncordoned = decide(ASKED, false, pods, Optional.of(givenUp), hour.plusSeconds(1));

    assertThat(justBefore).isInstanceOf(DrainAction.RetryAt.class);
    assertThat(at)
        .isEqualTo(
            new DrainAction.GiveUp(
                DRAIN_B,
                "gave up draining node n1 for rendered-worker-b after 1h; last refused: pod"
                    + " apps/web blocked by PodDisruptionBudget apps/web-pdb; the node is"
                    + " uncordoned and the drain is tried again at 2026-12-04T11:10:00Z (round 2;"
                    + " let the pods be evicted, for example by relaxing the"
                    + " PodDisruptionBudget)"));
    assertThat(afterGivingUp).isEqualTo(new DrainAction.Uncordon(DRAIN_B));
    assertThat(uncordoned)
        .isEqualTo(
            new DrainAction.RetryAt(
                DRAIN_B,
                hour.plus(Duration.ofMinutes(10)),
                "drain of node n1 for rendered-worker-b given up; next round at"
                    + " 2026-12-04T11:10:00Z"));
  }

  /**
   * After a give-up the same request is tried again in rounds: the pause doubles from 10 min to at
   * most 1 h; a later round is a probe given up after 3 refused tries (or the timeout).
   *
   * <p>Columns: rounds given up so far, minutes since the last give-up, whether the node is
   * cordoned → the step.
   */
  @ParameterizedTest(name = "[{index}] {0} round(s) given up, {1} min later, cordoned {2} → {3}")
  @CsvSource({
    "1, 0, true, Uncordon",
    "1, 9, false, RetryAt",
    "1, 10, false, NextRound 2",
    "2, 19, false, RetryAt",
    "2, 20, false, NextRound 3",
    "3, 39, false, RetryAt",
    "3, 40, false, NextRound 4",
    "4, 59, false, RetryAt",
    "4, 60, false, NextRound 5",
    "9, 59, false, RetryAt",
    "9, 60, false, NextRound 10",
  })
  void aGivenUpDrainIsTriedAgainOnAGrowingBoundedCadence(
      int rounds, int minutes, boolean cordoned, String step) {
    DrainAttempt attempt = DrainAttempt.start(DRAIN_B, T0);
    Instant gaveUpAt = T0;
    for (int i = 0; i < rounds; i++) {
      gaveUpAt = T0.plus(Duration.ofHours(i + 1));
      attempt = attempt.nextRound(gaveUpAt.minusSeconds(60)).givenUp(gaveUpAt, SETTINGS);
    }
    Instant now = gaveUpAt.plus(Duration.ofMinutes(minutes));

    DrainAction a =
        decide(ASKED, cordoned, List.of(pod("web", "ReplicaSet")), Optional.of(attempt), now);

    String got =
        a instanceof DrainAction.NextRound r
            ? "NextRound " + r.round()
            : a.getClass().getSimpleName();
    assertThat(got).isEqualTo(step);
    if (a instanceof DrainAction.RetryAt r) {
      assertThat(r.at()).isEqualTo(attempt.nextTry()).isAfter(now);
    }
  }

  @Test
  void aLaterRoundIsAProbeGivenUpAfterItsTries() {
    BlockedEviction blocked =
        new BlockedEviction("apps/web", List.of("apps/web-pdb"), "Cannot evict pod");
    Instant start = T0.plus(Duration.ofMinutes(70));
    DrainAttempt round2 =
        DrainAttempt.start(DRAIN_B, T0).givenUp(T0.plus(Duration.ofHours(1)), SETTINGS);
    round2 = round2.nextRound(start);
    List<NodePod> pods = List.of(pod("web", "ReplicaSet"));
    Instant t = start;
    for (int i = 1; i < SETTINGS.probeTries(); i++) {
      round2 = round2.afterTry(List.of(blocked), t, SETTINGS);
      t = round2.nextTry();
      assertThat(decide(ASKED, true, pods, Optional.of(round2), t))
          .as("try %d was refused: the next goes on", i)
          .isEqualTo(new DrainAction.Evict(DRAIN_B, List.of("apps/web")));
    }
    round2 = round2.afterTry(List.of(blocked), t, SETTINGS);

    DrainAction a = decide(ASKED, true, pods, Optional.of(round2), t);

    assertThat(a).isInstanceOf(DrainAction.GiveUp.class);
    assertThat(((DrainAction.GiveUp) a).reason())
        .startsWith("gave up draining node n1 for rendered-worker-b again in round 2 after 3 tries")
        .contains("tried again at " + t.plus(Duration.ofMinutes(20)) + " (round 3;");
    assertThat(round2.givenUp(t, SETTINGS).nextTry()).isEqualTo(t.plus(Duration.ofMinutes(20)));
  }

  @Test
  void aFirstRoundIsNotCutShortByRefusedTries() {
    BlockedEviction blocked =
        new BlockedEviction("apps/web", List.of("apps/web-pdb"), "Cannot evict pod");
    DrainAttempt a = DrainAttempt.start(DRAIN_B, T0);
    for (int i = 0; i < 10; i++) {
      a = a.afterTry(List.of(blocked), a.nextTry(), SETTINGS);
    }

    assertThat(decide(ASKED, true, List.of(pod("web", "ReplicaSet")), Optional.of(a), a.nextTry()))
        .isEqualTo(new DrainAction.Evict(DRAIN_B, List.of("apps/web")));
  }

  @ParameterizedTest(name = "give-up {0} → pause {1} min")
  @CsvSource({"1, 10", "2, 20", "3, 40", "4, 60", "5, 60", "30, 60"})
  void pausesBetweenRoundsDoubleFrom10minTo1h(int rounds, long minutes) {
    assertThat(SETTINGS.pauseAfter(rounds)).isEqualTo(Duration.ofMinutes(minutes));
  }

  @Test
  void anAttemptForAnotherRequestDoesNotCount() {
    DrainAttempt old =
        DrainAttempt.start(DrainRequest.drain("rendered-worker-a"), T0).givenUp(T0, SETTINGS);

    assertThat(
            decide(
                ASKED,
                true,
                List.of(pod("web", "ReplicaSet")),
                Optional.of(old),
                T0.plus(Duration.ofHours(3))))
        .isEqualTo(new DrainAction.Evict(DRAIN_B, List.of("apps/web")));
  }

  @Test
  void anUncordonRequestUncordonsThenCompletes() {
    DrainRequest uncordon = DrainRequest.uncordon("rendered-worker-b");
    DrainState state = new DrainState(uncordon.wire(), DRAIN_B.wire(), "");

    assertThat(decide(state, true, List.of(), Optional.empty(), T0))
        .isEqualTo(new DrainAction.Uncordon(uncordon));
    assertThat(decide(state, false, List.of(), Optional.empty(), T0))
        .isEqualTo(new DrainAction.Complete(uncordon));
  }

  @ParameterizedTest(name = "failure {0} → wait {1} s")
  @CsvSource({"1, 5", "2, 10", "3, 20", "4, 40", "5, 60", "6, 60", "40, 60"})
  void retriesBackOffFrom5sDoublingTo1min(int failures, long seconds) {
    assertThat(SETTINGS.retryDelay(failures)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void anEvictionThatWentThroughResetsTheWaitButNotTheCount() {
    DrainAttempt failed =
        DrainAttempt.start(DRAIN_B, T0)
            .afterTry(
                List.of(new BlockedEviction("apps/web", List.of(), "conflict")), T0, SETTINGS);
    DrainAttempt next = failed.afterTry(List.of(), T0.plusSeconds(6), SETTINGS);

    assertThat(failed.failures()).isEqualTo(1);
    assertThat(failed.blocked().get(0).describe()).isEqualTo("pod apps/web not evicted: conflict");
    assertThat(next.nextTry()).isEqualTo(T0.plusSeconds(6));
    assertThat(next.blocked()).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @CsvSource(
      nullValues = "-",
      value = {
        "drain-rendered-worker-b, DRAIN, rendered-worker-b",
        "uncordon-x, UNCORDON, x",
        "drain-, -, -",
        "-x, -, -",
        "cordon-x, -, -",
        "'', -, -"
      })
  void requestsSplitOnTheFirstDash(String wire, String verb, String config) {
    Optional<DrainRequest> r = DrainRequest.parse(wire);
    if (verb == null) {
      assertThat(r).isEmpty();
    } else {
      assertThat(r).contains(new DrainRequest(DrainRequest.Verb.valueOf(verb), config));
      assertThat(r.get().wire()).isEqualTo(wire);
    }
  }
}
