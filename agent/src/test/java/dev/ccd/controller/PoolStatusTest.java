package dev.ccd.controller;

import static dev.ccd.controller.TestNode.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.ConfigState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pool status as the machine-config-operator computes it (mcd-behaviour.md §7.2). */
class PoolStatusTest {
  static final String A = "rendered-worker-a";
  static final String B = "rendered-worker-b";
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);
  static final Pool POOL = new Pool("worker", B, MaxUnavailable.DEFAULT, false, 7);

  static PoolStatus status(Pool pool, List<TestNode> nodes, Optional<String> renderFailure) {
    return PoolStatus.of(
        pool, nodes.stream().map(TestNode::build).toList(), renderFailure, Optional.empty(), T0);
  }

  static String condition(PoolStatus s, String type) {
    PoolCondition c = s.condition(type).orElseThrow();
    return c.status() + "|" + c.reason() + "|" + c.message();
  }

  @Test
  void allNodesUpdated() {
    PoolStatus s = status(POOL, List.of(node("n1").on(B), node("n2").on(B)), Optional.empty());

    assertThat(List.of(s.machineCount(), s.updatedMachineCount(), s.readyMachineCount()))
        .containsExactly(2, 2, 2);
    assertThat(List.of(s.unavailableMachineCount(), s.degradedMachineCount()))
        .containsExactly(0, 0);
    assertThat(s.observedGeneration()).isEqualTo(7);
    assertThat(s.configuration()).isEqualTo(B);
    assertThat(condition(s, PoolCondition.UPDATED))
        .isEqualTo("True||All nodes are updated with MachineConfig " + B);
    assertThat(condition(s, PoolCondition.UPDATING)).isEqualTo("False||");
    assertThat(condition(s, PoolCondition.DEGRADED)).isEqualTo("False||");
    assertThat(condition(s, PoolCondition.NODE_DEGRADED)).isEqualTo("False||");
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED)).isEqualTo("False||");
  }

  @Test
  void midRolloutTheConfigurationStaysUntilAllAreUpdated() {
    PoolStatus previous = new PoolStatus(2, 2, 2, 0, 0, 6, A, List.of());
    PoolStatus s =
        PoolStatus.of(
            POOL,
            List.of(
                node("n1").moving(A, B).build(),
                node("n2").on(A).build(),
                node("n3").on(B).build()),
            Optional.empty(),
            Optional.of(previous),
            T0);

    assertThat(List.of(s.machineCount(), s.updatedMachineCount(), s.readyMachineCount()))
        .containsExactly(3, 1, 1);
    assertThat(s.unavailableMachineCount()).isEqualTo(1);
    assertThat(s.configuration()).isEqualTo(A);
    assertThat(condition(s, PoolCondition.UPDATED)).isEqualTo("False||");
    assertThat(condition(s, PoolCondition.UPDATING))
        .isEqualTo("True||All nodes are updating to MachineConfig " + B);
  }

  @Test
  void anUpdatedNodeThatIsNotReadyIsNotCountedReady() {
    PoolStatus s =
        status(POOL, List.of(node("n1").on(B).notReady(), node("n2").on(B)), Optional.empty());

    assertThat(List.of(s.updatedMachineCount(), s.readyMachineCount(), s.unavailableMachineCount()))
        .containsExactly(2, 1, 1);
    assertThat(condition(s, PoolCondition.UPDATED)).startsWith("False");
  }

  @Test
  void aPausedPoolSaysItWillNotUpdate() {
    Pool paused = new Pool("worker", B, MaxUnavailable.DEFAULT, true, 1);
    PoolStatus s = status(paused, List.of(node("n1").on(A)), Optional.empty());

    assertThat(condition(s, PoolCondition.UPDATING))
        .isEqualTo("False||Pool is paused; will not update to " + B);
    assertThat(condition(s, PoolCondition.UPDATED)).isEqualTo("False||");
  }

  @Test
  void degradedNodesAreNamedWithTheirReasons() {
    PoolStatus s =
        status(
            POOL,
            List.of(
                node("n1").on(A).desired(B).state(ConfigState.DEGRADED, "write \"x\" failed"),
                node("n2").on(A).desired(B).state(ConfigState.UNRECONCILABLE, "bad path"),
                node("n3").on(B)),
            Optional.empty());

    assertThat(s.degradedMachineCount()).isEqualTo(2);
    String expected =
        "True|2 nodes are reporting degraded status on sync|"
            + "Node n1 is reporting: \"write \\\"x\\\" failed\", "
            + "Node n2 is reporting: \"bad path\"";
    assertThat(condition(s, PoolCondition.NODE_DEGRADED)).isEqualTo(expected);
    assertThat(condition(s, PoolCondition.DEGRADED)).isEqualTo(expected);
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED)).isEqualTo("False||");
  }

  @Test
  void aRenderFailureDegradesThePool() {
    PoolStatus s =
        status(
            POOL,
            List.of(node("n1").on(B)),
            Optional.of("ImageDigestMirrorSet/x: spec.imageDigestMirrors[0].source: bad"));

    String message =
        "Failed to render configuration for pool worker:"
            + " ImageDigestMirrorSet/x: spec.imageDigestMirrors[0].source: bad";
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED)).isEqualTo("True||" + message);
    assertThat(condition(s, PoolCondition.DEGRADED)).isEqualTo("True|RenderDegraded|" + message);
    assertThat(condition(s, PoolCondition.NODE_DEGRADED)).isEqualTo("False||");
  }

  @Test
  void transitionTimesChangeOnlyWhenTheStatusFlips() {
    List<PoolNode> updating = List.of(node("n1").moving(A, B).build());
    List<PoolNode> done = List.of(node("n1").on(B).build());
    PoolStatus first = PoolStatus.of(POOL, updating, Optional.empty(), Optional.empty(), T0);

    PoolStatus same = PoolStatus.of(POOL, updating, Optional.empty(), Optional.of(first), T1);
    PoolStatus flipped = PoolStatus.of(POOL, done, Optional.empty(), Optional.of(first), T1);

    assertThat(same.conditions()).allMatch(c -> c.lastTransitionTime().equals(T0));
    assertThat(flipped.condition(PoolCondition.UPDATED).orElseThrow().lastTransitionTime())
        .isEqualTo(T1);
    assertThat(flipped.condition(PoolCondition.UPDATING).orElseThrow().lastTransitionTime())
        .isEqualTo(T1);
    assertThat(flipped.condition(PoolCondition.DEGRADED).orElseThrow().lastTransitionTime())
        .isEqualTo(T0);
  }

  @Test
  void aLongListOfDegradedNodesIsCut() {
    List<TestNode> nodes =
        java.util.stream.IntStream.range(0, 50)
            .mapToObj(i -> node("node-" + i).on(A).state(ConfigState.DEGRADED, "x".repeat(200)))
            .toList();

    PoolStatus s = status(POOL, nodes, Optional.empty());

    assertThat(s.condition(PoolCondition.NODE_DEGRADED).orElseThrow().message()).hasSize(2000);
  }
}
