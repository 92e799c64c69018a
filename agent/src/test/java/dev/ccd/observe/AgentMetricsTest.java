package dev.ccd.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.ConfigState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads the exported names and values from a real scrape, as Prometheus would see them. */
class AgentMetricsTest {
  private final AgentMetrics metrics =
      new AgentMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);

  @AfterEach
  void close() {
    metrics.close();
  }

  private List<String> samples() {
    return Arrays.stream(metrics.scrape().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  @Test
  void stateIsOneForTheCurrentStateOnly() {
    metrics.state(ConfigState.DEGRADED);
    assertThat(samples())
        .contains(
            "ccd_state{state=\"Degraded\"} 1.0",
            "ccd_state{state=\"Done\"} 0.0",
            "ccd_state{state=\"Working\"} 0.0",
            "ccd_state{state=\"Unreconcilable\"} 0.0");
    metrics.state(ConfigState.DONE);
    assertThat(samples())
        .contains("ccd_state{state=\"Done\"} 1.0", "ccd_state{state=\"Degraded\"} 0.0");
  }

  @Test
  void updatesAreCountedByResultAndTimed() {
    assertThat(samples())
        .as("every result is exported before the first update")
        .contains(
            "ccd_updates_total{result=\"success\"} 0.0",
            "ccd_updates_total{result=\"failure\"} 0.0",
            "ccd_updates_total{result=\"unreconcilable\"} 0.0",
            "ccd_updates_total{result=\"rolled_back\"} 0.0");
    metrics.updateFinished(UpdateResult.SUCCESS, Duration.ofMillis(1500));
    metrics.updateFinished(UpdateResult.ROLLED_BACK, Duration.ofSeconds(40));
    assertThat(samples())
        .contains(
            "ccd_updates_total{result=\"success\"} 1.0",
            "ccd_updates_total{result=\"rolled_back\"} 1.0",
            "ccd_update_duration_seconds_count 2",
            "ccd_update_duration_seconds_sum 41.5",
            "ccd_update_duration_seconds_bucket{le=\"1.0\"} 0",
            "ccd_update_duration_seconds_bucket{le=\"2.0\"} 1",
            "ccd_update_duration_seconds_bucket{le=\"60.0\"} 2",
            "ccd_update_duration_seconds_bucket{le=\"+Inf\"} 2");
    assertThat(metrics.scrape()).contains("# TYPE ccd_update_duration_seconds histogram");
  }

  @Test
  void phasesAreHistogramsByPhaseExportedFromTheStart() {
    assertThat(samples())
        .as("every phase is exported before the first update")
        .contains(
            "ccd_update_phase_seconds_count{phase=\"fetch\"} 0",
            "ccd_update_phase_seconds_count{phase=\"record\"} 0");
    metrics.updatePhases(
        java.util.Map.of(
            UpdatePhase.CRIO, Duration.ofMillis(8), UpdatePhase.PLAN, Duration.ofNanos(300_000)));
    assertThat(samples())
        .contains(
            "ccd_update_phase_seconds_count{phase=\"crio\"} 1",
            "ccd_update_phase_seconds_sum{phase=\"crio\"} 0.008",
            "ccd_update_phase_seconds_bucket{phase=\"crio\",le=\"0.005\"} 0",
            "ccd_update_phase_seconds_bucket{phase=\"crio\",le=\"0.01\"} 1",
            "ccd_update_phase_seconds_bucket{phase=\"plan\",le=\"5.0E-4\"} 1",
            "ccd_update_phase_seconds_count{phase=\"fetch\"} 0");
    assertThat(metrics.scrape()).contains("# TYPE ccd_update_phase_seconds histogram");
  }

  @Test
  void crioActionsByActionAndResult() {
    metrics.crioAction("RELOAD", true);
    metrics.crioAction("reload", true);
    metrics.crioAction("restart", false);
    assertThat(samples())
        .contains(
            "ccd_crio_actions_total{action=\"reload\",result=\"success\"} 2.0",
            "ccd_crio_actions_total{action=\"restart\",result=\"failure\"} 1.0");
  }

  @Test
  void driftAndLastAppliedAreUnixSeconds() {
    assertThat(samples())
        .contains("ccd_config_drift 0.0", "ccd_last_applied_timestamp_seconds 0.0");
    metrics.configDrift(Instant.ofEpochSecond(1_700_000_000L));
    metrics.lastApplied(Instant.ofEpochSecond(1_700_000_100L));
    assertThat(samples())
        .contains("ccd_config_drift 1.7E9", "ccd_last_applied_timestamp_seconds 1.7000001E9");
    metrics.driftCleared();
    assertThat(samples()).contains("ccd_config_drift 0.0");
  }

  @Test
  void typesAreDeclared() {
    assertThat(metrics.scrape())
        .contains(
            "# TYPE ccd_state gauge",
            "# TYPE ccd_updates_total counter",
            "# TYPE ccd_crio_actions_total counter",
            "# TYPE ccd_config_drift gauge",
            "# TYPE ccd_last_applied_timestamp_seconds gauge");
  }

  @Test
  void jvmAndProcessMetricsWhenBound() {
    try (AgentMetrics full = new AgentMetrics()) {
      assertThat(full.scrape())
          .contains(
              "jvm_memory_used_bytes",
              "jvm_gc_",
              "jvm_threads_live_threads",
              "jvm_classes_loaded_classes",
              "process_cpu_usage",
              "process_uptime_seconds");
    }
  }

  @Test
  void everyUpdateResultIsExportedFromTheStartAndDroppedEventsAreCounted() {
    metrics.eventsDropped(() -> 7);

    String scrape = metrics.scrape();

    for (UpdateResult r : UpdateResult.values()) {
      assertThat(scrape).contains("ccd_updates_total{result=\"" + r.label() + "\"} 0.0");
    }
    assertThat(scrape).contains("ccd_events_dropped_total 7.0");
  }
}
