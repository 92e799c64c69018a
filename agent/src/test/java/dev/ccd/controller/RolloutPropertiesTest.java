package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The rollout's invariants over random pools. */
class RolloutPropertiesTest {
  static final String TARGET = "rendered-worker-b";

  @Provide
  Arbitrary<PoolNode> anyNode() {
    Arbitrary<String> config = Arbitraries.of("", "rendered-worker-a", TARGET);
    Arbitrary<ConfigStatus> status =
        Combinators.combine(config, config, Arbitraries.of(ConfigState.class))
            .as((current, desired, state) -> new ConfigStatus(current, desired, state, "", "", ""));
    return Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').ofLength(6),
            Arbitraries.integers().between(0, 5),
            Arbitraries.of("zone-a", "zone-b").optional(0.7),
            Arbitraries.of(true, true, true, false),
            Arbitraries.of(false, false, false, true),
            status)
        .as(
            (name, minute, zone, ready, cordoned, s) ->
                new PoolNode(
                    name,
                    Instant.EPOCH.plusSeconds(60L * minute),
                    zone,
                    Map.of("Ready", ready ? "True" : "False"),
                    cordoned,
                    s));
  }

  @Provide
  Arbitrary<Pool> anyPool() {
    Arbitrary<MaxUnavailable> max =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 6).map(n -> new MaxUnavailable(n, false)),
            Arbitraries.integers().between(0, 100).map(n -> new MaxUnavailable(n, true)));
    return Combinators.combine(max, Arbitraries.of(false, false, false, true))
        .as((m, paused) -> new Pool("worker", TARGET, m, paused, 1));
  }

  @Property(tries = 1000)
  void neverExceedsTheBudgetAndIsIdempotent(
      @ForAll("anyPool") Pool pool, @ForAll("nodes") List<PoolNode> nodes) {
    int max = pool.maxUnavailable().of(nodes.size());
    Set<String> before = unavailable(nodes);

    Rollout rollout = RolloutPlanner.plan(pool, nodes);
    List<PoolNode> after = apply(nodes, rollout);
    Set<String> unavailableAfter = unavailable(after);

    assertThat(unavailableAfter.size())
        .as("unavailable after (max %d, before %d)", max, before.size())
        .isLessThanOrEqualTo(Math.max(max, before.size()));
    if (before.size() >= max) {
      assertThat(before).as("no node made unavailable over budget").containsAll(unavailableAfter);
    }
    if (pool.paused()) {
      assertThat(rollout.toTarget()).isEmpty();
    }
    assertThat(new HashSet<>(rollout.toTarget())).hasSameSizeAs(rollout.toTarget());
    Set<String> freed = new HashSet<>(before);
    freed.removeAll(unavailableAfter);
    Rollout again = RolloutPlanner.plan(pool, after);
    if (freed.isEmpty()) {
      assertThat(again.toTarget()).as("deciding again after applying the decision").isEmpty();
    } else {
      // Re-targeting a node at the config it already runs makes it available at once, so the
      // next decision may spend the budget it freed, and only that.
      assertThat(unavailable(apply(after, again)).size())
          .as("deciding again after the decision freed %s", freed)
          .isLessThanOrEqualTo(Math.max(max, unavailableAfter.size()));
    }
    assertThat(RolloutPlanner.plan(pool, nodes)).isEqualTo(rollout);
  }

  @Provide
  Arbitrary<List<PoolNode>> nodes() {
    return anyNode().list().ofMinSize(1).ofMaxSize(25).uniqueElements(PoolNode::name);
  }

  private static Set<String> unavailable(List<PoolNode> nodes) {
    Set<String> out = new HashSet<>();
    nodes.stream().filter(PoolNode::unavailable).forEach(n -> out.add(n.name()));
    return out;
  }

  private static List<PoolNode> apply(List<PoolNode> nodes, Rollout rollout) {
    List<PoolNode> out = new ArrayList<>();
    for (PoolNode n : nodes) {
      if (rollout.toTarget().contains(n.name())) {
        ConfigStatus c = n.config();
        n =
            new PoolNode(
                n.name(),
                n.created(),
                n.zone(),
                n.conditions(),
                n.unschedulable(),
                new ConfigStatus(
                    c.currentConfig(), rollout.target(), c.state(), c.reason(), "", ""));
      }
      out.add(n);
    }
    return out;
  }
}
