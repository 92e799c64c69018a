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

    DrainAction justBefore = decide(ASKED, true, pods, Optional.of(attempt), T0.plusSeconds(3599));
    DrainAction at = decide(ASKED, true, pods, Optional.of(attempt), T0.plus(Duration.ofHours(1)));
    DrainAction afterGivingUp =
        decide(ASKED, true, pods, Optional.of(attempt.givenUp()), T0.plus(Duration.ofHours(1)));
    DrainAction uncordoned =
        decide(ASKED, false, pods, Optional.of(attempt.givenUp()), T0.plus(Duration.ofHours(2)));

    assertThat(justBefore).isInstanceOf(DrainAction.RetryAt.class);
    assertThat(at)
        .isEqualTo(
            new DrainAction.GiveUp(
                DRAIN_B,
                "gave up draining node n1 for rendered-worker-b after 1h; last refused: pod"
                    + " apps/web blocked by PodDisruptionBudget apps/web-pdb; the node is"
                    + " uncordoned and its update waits until its desiredDrain changes or the"
                    + " controller restarts (let the pods be evicted first, for example by"
                    + " relaxing the PodDisruptionBudget)"));
    assertThat(afterGivingUp).isEqualTo(new DrainAction.Uncordon(DRAIN_B));
    assertThat(uncordoned).isEqualTo(new DrainAction.Idle());
  }

  @Test
  void anAttemptForAnotherRequestDoesNotCount() {
    DrainAttempt old = DrainAttempt.start(DrainRequest.drain("rendered-worker-a"), T0).givenUp();

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
