package dev.ccd.controller;

import static dev.ccd.controller.TestNode.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.ConfigState;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pool and node states → the nodes that get the target now, and what holds the rest. */
class RolloutPlannerTest {
  static final String A = "rendered-worker-a";
  static final String B = "rendered-worker-b";

  static Pool pool(String maxUnavailable) throws InvalidPoolException {
    return new Pool("worker", B, MaxUnavailable.parse(maxUnavailable), false, 1);
  }

  static Arguments row(
      String what, Pool pool, List<TestNode> nodes, List<String> expected, Class<?> hold) {
    return Arguments.of(what, pool, nodes, expected, hold);
  }

  static List<TestNode> nodes(TestNode... n) {
    return Arrays.asList(n);
  }

  static Stream<Arguments> table() throws InvalidPoolException {
    return Stream.of(
        row(
            "a paused pool changes no node",
            new Pool("worker", B, MaxUnavailable.DEFAULT, true, 1),
            nodes(node("n1").on(A), node("n2").on(A)),
            List.of(),
            Rollout.Hold.Paused.class),
        row(
            "no rendered config yet: nothing to roll out",
            new Pool("worker", "", MaxUnavailable.DEFAULT, false, 1),
            nodes(node("n1").on(A)),
            List.of(),
            Rollout.Hold.NoTarget.class),
        row(
            "default budget 1: the first node in order only",
            pool(""),
            nodes(node("n2").on(A), node("n1").on(A), node("n3").on(A)),
            List.of("n1"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "order: zone (zone-less last), then creation time, then name",
            pool("4"),
            nodes(
                node("none-old").on(A).createdAt(0),
                node("b-1").on(A).zone("zone-b").createdAt(1),
                node("a-late").on(A).zone("zone-a").createdAt(9),
                node("a-early-y").on(A).zone("zone-a").createdAt(2),
                node("a-early-x").on(A).zone("zone-a").createdAt(2)),
            List.of("a-early-x", "a-early-y", "a-late", "b-1"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "a node updating already uses the budget",
            pool("2"),
            nodes(node("n1").moving(A, B), node("n2").on(A), node("n3").on(A)),
            List.of("n2"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "a NotReady node uses the budget",
            pool("1"),
            nodes(node("n1").on(A).notReady(), node("n2").on(A)),
            List.of(),
            Rollout.Hold.BudgetSpent.class),
        row(
            "disk pressure makes a node unavailable",
            pool("1"),
            nodes(
                node("n1")
                    .on(A)
                    .conditions(java.util.Map.of("Ready", "True", "DiskPressure", "True")),
                node("n2").on(A)),
            List.of(),
            Rollout.Hold.BudgetSpent.class),
        row(
            "a cordoned node uses the budget and is not a candidate",
            pool("1"),
            nodes(node("n1").on(A).cordoned(), node("n2").on(A)),
            List.of(),
            Rollout.Hold.BudgetSpent.class),
        row(
            "a Degraded node on the target halts the rollout",
            pool("3"),
            nodes(
                node("n1").on(A).desired(B).state(ConfigState.DEGRADED, "boom"),
                node("n2").on(A),
                node("n3").on(A)),
            List.of(),
            Rollout.Hold.Failing.class),
        row(
            "an Unreconcilable node on the target counts against the budget and halts",
            pool("3"),
            nodes(
                node("n1").moving(A, B).state(ConfigState.UNRECONCILABLE, "bad path"),
                node("n2").on(A),
                node("n3").on(A)),
            List.of(),
            Rollout.Hold.Failing.class),
        row(
            "a node Degraded by drift on the old config rolls forward, no other node starts",
            pool("3"),
            nodes(node("n1").on(A).state(ConfigState.DEGRADED, "drift"), node("n2").on(A)),
            List.of("n1"),
            Rollout.Hold.Failing.class),
        row(
            "an Unreconcilable node on an older config rolls forward, no other node starts",
            pool("3"),
            nodes(
                node("n1").moving("", A).state(ConfigState.UNRECONCILABLE, "bad path"),
                node("n2").on(A)),
            List.of("n1"),
            Rollout.Hold.Failing.class),
        row(
            "a node still Working on an older config is re-targeted at no cost",
            pool("1"),
            nodes(node("n1").moving("", A), node("n2").on(A)),
            List.of("n1"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "a node that joins the pool (asked for nothing) gets the target",
            pool("1"),
            nodes(node("new"), node("n1").on(B)),
            List.of("new"),
            Rollout.Hold.None.class),
        row(
            "25% of 10 nodes is 2",
            pool("25%"),
            nodes(
                node("n0").on(A),
                node("n1").on(A),
                node("n2").on(A),
                node("n3").on(A),
                node("n4").on(A),
                node("n5").on(A),
                node("n6").on(A),
                node("n7").on(A),
                node("n8").on(A),
                node("n9").on(A)),
            List.of("n0", "n1"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "5% of 3 nodes rounds down to 0, bumped to 1",
            pool("5%"),
            nodes(node("n0").on(A), node("n1").on(A), node("n2").on(A)),
            List.of("n0"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "0 is bumped to 1",
            pool("0"),
            nodes(node("n0").on(A), node("n1").on(A)),
            List.of("n0"),
            Rollout.Hold.BudgetSpent.class),
        row(
            "every node on the target: nothing to do",
            pool("1"),
            nodes(node("n0").on(B), node("n1").on(B)),
            List.of(),
            Rollout.Hold.None.class),
        row(
            "a budget larger than the need: all remaining nodes",
            pool("5"),
            nodes(node("n0").on(B), node("n1").on(A), node("n2").on(A)),
            List.of("n1", "n2"),
            Rollout.Hold.None.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(String what, Pool pool, List<TestNode> nodes, List<String> expected, Class<?> hold) {
    Rollout rollout = RolloutPlanner.plan(pool, nodes.stream().map(TestNode::build).toList());

    assertThat(rollout.toTarget()).as(what).isEqualTo(expected);
    assertThat(rollout.hold()).as(what).isInstanceOf(hold);
    assertThat(rollout.target()).isEqualTo(pool.target());
  }
}
