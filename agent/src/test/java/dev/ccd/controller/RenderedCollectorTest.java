package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.controller.RenderedCollector.Collection;
import dev.ccd.controller.RenderedCollector.Policy;
import dev.ccd.controller.RenderedCollector.RenderedConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Garbage collection of rendered configs: unreferenced, past the grace period, not the newest. */
class RenderedCollectorTest {
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final Policy POLICY = new Policy(Duration.ofMinutes(10), 2);

  static String name(String pool, int i) {
    return "rendered-" + pool + "-" + String.format("%032x", i);
  }

  /** {@code count} configs of {@code pool}, config i created at minute i (the last is newest). */
  static List<RenderedConfig> configs(String pool, int count) {
    List<RenderedConfig> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new RenderedConfig(name(pool, i), T0.plusSeconds(60L * i)));
    }
    return out;
  }

  @Test
  void theGraceClockStartsWhenAConfigIsFirstSeenUnreferenced() {
    List<RenderedConfig> all = configs("worker", 5);

    Collection first = RenderedCollector.collect(all, Set.of(), Map.of(), T0, POLICY);
    Collection early =
        RenderedCollector.collect(
            all, Set.of(), first.unreferencedSince(), T0.plusSeconds(599), POLICY);
    Collection due =
        RenderedCollector.collect(
            all, Set.of(), first.unreferencedSince(), T0.plusSeconds(600), POLICY);

    assertThat(first.delete()).isEmpty();
    assertThat(first.unreferencedSince()).hasSize(5).containsEntry(name("worker", 0), T0);
    assertThat(early.delete()).isEmpty();
    assertThat(due.delete())
        .containsExactly(name("worker", 0), name("worker", 1), name("worker", 2));
    assertThat(due.unreferencedSince()).containsOnlyKeys(name("worker", 3), name("worker", 4));
  }

  @Test
  void referencedConfigsAreNeverDeletedAndKeepIsPerPool() {
    List<RenderedConfig> all = new ArrayList<>(configs("worker", 4));
    all.addAll(configs("infra-gpu", 3));
    all.add(new RenderedConfig("99-worker-generated-registries", T0));
    Map<String, Instant> longAgo = new java.util.HashMap<>();
    all.forEach(c -> longAgo.put(c.name(), T0.minus(Duration.ofDays(1))));

    Collection c =
        RenderedCollector.collect(
            all, Set.of(name("worker", 0), name("infra-gpu", 2)), longAgo, T0, POLICY);

    assertThat(c.delete()).containsExactly(name("infra-gpu", 0), name("worker", 1));
    assertThat(c.unreferencedSince()).doesNotContainKeys(name("worker", 0));
  }

  @Test
  void aConfigReferencedAgainStartsItsClockAfresh() {
    List<RenderedConfig> all = configs("worker", 3);
    Map<String, Instant> since = Map.of(name("worker", 0), T0.minus(Duration.ofDays(1)));

    Collection referenced =
        RenderedCollector.collect(all, Set.of(name("worker", 0)), since, T0, POLICY);
    Collection again =
        RenderedCollector.collect(all, Set.of(), referenced.unreferencedSince(), T0, POLICY);

    assertThat(again.delete()).isEmpty();
    assertThat(again.unreferencedSince()).containsEntry(name("worker", 0), T0);
  }
}
