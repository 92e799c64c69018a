package dev.ccd.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.observe.ControllerMetrics.DrainResult;
import dev.ccd.observe.ControllerMetrics.PoolSample;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller's exported names and values, read from a real scrape. */
class ControllerMetricsTest {
  private final ControllerMetrics metrics = new ControllerMetrics();

  @AfterEach
  void close() {
    metrics.close();
  }

  private List<String> samples() {
    return Arrays.stream(metrics.scrape().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  @Test
  void aPoolsGaugesReadItsLatestSample() {
    metrics.pool("worker", new PoolSample(5, 2, 2, 1, 1, false, true));
    assertThat(samples())
        .contains(
            "ccd_pool_machines{pool=\"worker\"} 5.0",
            "ccd_pool_updated_machines{pool=\"worker\"} 2.0",
            "ccd_pool_ready_machines{pool=\"worker\"} 2.0",
            "ccd_pool_unavailable_machines{pool=\"worker\"} 1.0",
            "ccd_pool_degraded_machines{pool=\"worker\"} 1.0",
            "ccd_pool_paused{pool=\"worker\"} 0.0",
            "ccd_pool_render_degraded{pool=\"worker\"} 1.0");

    metrics.pool("worker", new PoolSample(5, 5, 5, 0, 0, true, false));
    assertThat(samples())
        .contains(
            "ccd_pool_updated_machines{pool=\"worker\"} 5.0",
            "ccd_pool_unavailable_machines{pool=\"worker\"} 0.0",
            "ccd_pool_paused{pool=\"worker\"} 1.0",
            "ccd_pool_render_degraded{pool=\"worker\"} 0.0");
  }

  @Test
  void aDeletedPoolLeavesNoSeriesAndLosingTheLeaseRemovesAll() {
    metrics.pool("worker", new PoolSample(3, 3, 3, 0, 0, false, false));
    metrics.pool("infra", new PoolSample(1, 1, 1, 0, 0, false, false));

    metrics.poolGone("worker");
    assertThat(samples()).noneMatch(l -> l.startsWith("ccd_pool_") && l.contains("\"worker\""));
    assertThat(samples()).contains("ccd_pool_machines{pool=\"infra\"} 1.0");

    metrics.leading(true);
    metrics.leading(false);
    assertThat(samples()).noneMatch(l -> l.startsWith("ccd_pool_"));
    assertThat(samples()).contains("ccd_controller_leader 0.0");
  }

  @Test
  void aPoolsDrainSeriesAreExportedAtZeroBeforeTheFirstDrain() {
    metrics.pool("worker", new PoolSample(3, 3, 3, 0, 0, false, false));
    assertThat(samples())
        .contains(
            "ccd_drains_started_total{pool=\"worker\"} 0.0",
            "ccd_drains_total{pool=\"worker\",result=\"succeeded\"} 0.0",
            "ccd_drains_total{pool=\"worker\",result=\"given_up\"} 0.0",
            "ccd_drain_duration_seconds_count{pool=\"worker\",result=\"given_up\"} 0",
            "ccd_drain_evictions_blocked_total{pool=\"worker\"} 0.0");
  }

  @Test
  void drainsAreCountedByPoolAndResultWithTheirDuration() {
    metrics.drainStarted("worker");
    metrics.drainStarted("worker");
    metrics.evictionsBlocked("worker", 2);
    metrics.drainFinished("worker", DrainResult.SUCCEEDED, Duration.ofSeconds(20));
    metrics.drainFinished("worker", DrainResult.GIVEN_UP, Duration.ofHours(1));

    assertThat(samples())
        .contains(
            "ccd_drains_started_total{pool=\"worker\"} 2.0",
            "ccd_drains_total{pool=\"worker\",result=\"succeeded\"} 1.0",
            "ccd_drains_total{pool=\"worker\",result=\"given_up\"} 1.0",
            "ccd_drain_evictions_blocked_total{pool=\"worker\"} 2.0",
            "ccd_drain_duration_seconds_bucket{pool=\"worker\",result=\"succeeded\",le=\"15.0\"} 0",
            "ccd_drain_duration_seconds_bucket{pool=\"worker\",result=\"succeeded\",le=\"30.0\"} 1",
            "ccd_drain_duration_seconds_sum{pool=\"worker\",result=\"given_up\"} 3600.0");
    assertThat(metrics.scrape()).contains("# TYPE ccd_drain_duration_seconds histogram");
  }
}
