package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.NodeAnnotations;
import dev.ccd.observe.ControllerMetrics;
import dev.ccd.testing.FakePoolApi;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolCondition;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutLoopTest {
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final String OLD = "rendered-worker-00000000000000000000000000000000";
  static final String NEW = "rendered-worker-11111111111111111111111111111111";

  final FakePoolApi api = new FakePoolApi();
  final ControllerMetrics metrics = new ControllerMetrics();
  final RolloutLoop loop =
      new RolloutLoop(
          api,
          new RolloutLoop.Settings(KEYS, Duration.ZERO, Duration.ofSeconds(1)),
          Clock.fixed(Instant.parse("2026-02-01T10:00:00.123Z"), ZoneOffset.UTC),
          metrics);

  void nodesOn(String config, int count) {
    for (int i = 0; i < count; i++) {
      api.node(
          Cluster.node(
              "node-" + i,
              Map.of(
                  KEYS.currentConfigKey(), config,
                  KEYS.desiredConfigKey(), config,
                  KEYS.stateKey(), "Done")));
    }
  }

  List<String> desiredPatches() {
    return api.writes().stream().filter(w -> w.startsWith("patch node")).toList();
  }

  @Test
  void patchesAtMostMaxUnavailableNodesInTheStableOrder() throws Exception {
    api.pool(Cluster.pool("2", false, NEW));
    nodesOn(OLD, 5);

    loop.roll("worker");

    assertThat(desiredPatches())
        .containsExactly(
            "patch node node-0 {" + KEYS.desiredConfigKey() + "=" + NEW + "}",
            "patch node node-1 {" + KEYS.desiredConfigKey() + "=" + NEW + "}");
    assertThat(metrics.scrape()).contains("ccd_controller_desired_config_patches_total 2.0");
  }

  @Test
  void aPassBeforeTheCacheShowsItsPatchesPatchesNothingMore() throws Exception {
    api.lagNodes().pool(Cluster.pool("2", false, NEW));
    nodesOn(OLD, 5);

    loop.roll("worker");
    loop.roll("worker");

    assertThat(desiredPatches()).hasSize(2);
    assertThat(api.poolNamed("worker").getStatus().getUnavailableMachineCount()).isEqualTo(2);

    api.catchUp();
    loop.roll("worker");
    assertThat(desiredPatches()).hasSize(2);
  }

  @Test
  void aPausedPoolPatchesNoNodeAndSaysSo() throws Exception {
    api.pool(Cluster.pool("2", true, NEW));
    nodesOn(OLD, 3);

    loop.roll("worker");

    assertThat(desiredPatches()).isEmpty();
    MachineConfigPoolStatus s = api.poolNamed("worker").getStatus();
    assertThat(condition(s, PoolCondition.UPDATING).getMessage())
        .isEqualTo("Pool is paused; will not update to " + NEW);
  }

  @Test
  void theStatusIsWrittenOnlyWhenItChanges() throws Exception {
    api.pool(Cluster.pool("1", false, NEW));
    nodesOn(NEW, 3);

    loop.roll("worker");
    loop.roll("worker");

    assertThat(api.writes()).containsExactly("set status of worker");
    MachineConfigPoolStatus s = api.poolNamed("worker").getStatus();
    assertThat(s.getMachineCount()).isEqualTo(3);
    assertThat(s.getUpdatedMachineCount()).isEqualTo(3);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getConfiguration().getName()).isEqualTo(NEW);
    assertThat(condition(s, PoolCondition.UPDATED).getStatus()).isEqualTo("True");
    assertThat(condition(s, PoolCondition.UPDATED).getLastTransitionTime())
        .isEqualTo("2026-02-01T10:00:00Z");
  }

  @Test
  void eachPassExportsThePoolsStatusAndADeletedPoolsSeriesGo() throws Exception {
    api.pool(Cluster.pool("2", false, NEW));
    nodesOn(OLD, 5);

    loop.roll("worker");

    assertThat(metrics.scrape())
        .contains(
            "ccd_pool_machines{pool=\"worker\"} 5.0",
            "ccd_pool_updated_machines{pool=\"worker\"} 0.0",
            "ccd_pool_unavailable_machines{pool=\"worker\"} 2.0",
            "ccd_pool_paused{pool=\"worker\"} 0.0",
            "ccd_pool_render_degraded{pool=\"worker\"} 0.0");

    api.removePool("worker");
    loop.roll("worker");

    assertThat(metrics.scrape()).doesNotContain("ccd_pool_machines{");
  }

  @Test
  void aPausedPoolAndARenderFailureShowInTheGaugesOnAnUnchangedStatus() throws Exception {
    api.pool(Cluster.pool("1", true, NEW));
    nodesOn(NEW, 1);
    MachineConfigPoolCondition failed = new MachineConfigPoolCondition();
    failed.setType(PoolCondition.RENDER_DEGRADED);
    failed.setStatus("True");
    failed.setMessage("Failed to render configuration for pool worker: bad mirror");
    failed.setLastTransitionTime("2026-02-01T09:00:00Z");
    MachineConfigPoolStatus before = new MachineConfigPoolStatus();
    before.setConditions(List.of(failed));
    api.poolNamed("worker").setStatus(before);

    loop.roll("worker");
    loop.roll("worker"); // status unchanged: no write, the gauges still read it

    assertThat(api.writes()).containsExactly("set status of worker");
    assertThat(metrics.scrape())
        .contains(
            "ccd_pool_paused{pool=\"worker\"} 1.0",
            "ccd_pool_render_degraded{pool=\"worker\"} 1.0");
  }

  @Test
  void aRenderFailureWrittenByTheRenderLoopStays() throws Exception {
    api.pool(Cluster.pool("1", false, NEW));
    nodesOn(NEW, 1);
    MachineConfigPoolCondition failed = new MachineConfigPoolCondition();
    failed.setType(PoolCondition.RENDER_DEGRADED);
    failed.setStatus("True");
    failed.setMessage("Failed to render configuration for pool worker: bad mirror");
    failed.setLastTransitionTime("2026-02-01T09:00:00Z");
    MachineConfigPoolStatus before = new MachineConfigPoolStatus();
    before.setConditions(List.of(failed));
    api.poolNamed("worker").setStatus(before);

    loop.roll("worker");

    MachineConfigPoolStatus s = api.poolNamed("worker").getStatus();
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED).getStatus()).isEqualTo("True");
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED).getMessage())
        .isEqualTo("Failed to render configuration for pool worker: bad mirror");
    assertThat(condition(s, PoolCondition.RENDER_DEGRADED).getLastTransitionTime())
        .isEqualTo("2026-02-01T09:00:00Z");
  }

  @Test
  void startWatchesAndCloseStopsWatching() {
    api.pool(Cluster.pool("1", false, NEW));
    loop.start();
    try {
      assertThat(api.listeners()).hasSize(1);
    } finally {
      loop.close();
    }
    assertThat(api.listeners()).isEmpty();
  }

  static MachineConfigPoolCondition condition(MachineConfigPoolStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
