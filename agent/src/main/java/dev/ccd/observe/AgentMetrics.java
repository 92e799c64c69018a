package dev.ccd.observe;

import dev.ccd.kube.ConfigState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's Prometheus metrics. Exported names (checked by a scrape in the tests):
 *
 * <ul>
 *   <li>{@code ccd_state{state}}: 1 for the current state, 0 for the other three
 *   <li>{@code ccd_updates_total{result}}: finished updates by {@link UpdateResult}
 *   <li>{@code ccd_update_duration_seconds}: histogram of update durations
 *   <li>{@code ccd_update_phase_seconds{phase}}: histogram of the time each {@link UpdatePhase} of
 *       an update took
 *   <li>{@code ccd_crio_actions_total{action,result}}: crio reloads/restarts, success or failure
 *   <li>{@code ccd_config_drift}: unix time of the last drift seen, 0 when none
 *   <li>{@code ccd_last_applied_timestamp_seconds}: unix time of the last completed update
 *   <li>{@code ccd_events_dropped_total}: Events not written because the writer's queue was full
 * </ul>
 *
 * plus the JVM and process metrics of micrometer's standard binders.
 */
public final class AgentMetrics implements AutoCloseable {

  /**
   * Bucket bounds of the duration histogram: an update takes from a second to a drain's half hour.
   */
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10),
    Duration.ofMinutes(30)
  };

  /**
   * Bucket bounds of the phase histogram: a phase takes from well under a millisecond (a plan) to
   * the seconds of a crio restart.
   */
  private static final Duration[] PHASE_BUCKETS = {
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry;
  private final java.util.Map<UpdatePhase, Timer> phases =
      new java.util.EnumMap<>(UpdatePhase.class);
  private final AtomicReference<ConfigState> state = new AtomicReference<>(ConfigState.DONE);
  private final AtomicLong driftEpochSeconds = new AtomicLong();
  private final AtomicLong lastAppliedEpochSeconds = new AtomicLong();
  private final Timer updateDuration;
  private final JvmGcMetrics gcMetrics;

  /** A fresh registry with the JVM and process binders. */
  public AgentMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
  }

  /**
   * @param registry where the meters live
   * @param bindJvm whether to add micrometer's JVM, GC, thread, class loader, CPU and uptime meters
   */
  public AgentMetrics(PrometheusMeterRegistry registry, boolean bindJvm) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (ConfigState s : ConfigState.values()) {
      Gauge.builder("ccd.state", state, current -> current.get() == s ? 1 : 0)
          .description("1 for the node's current update state, 0 for the others")
          .tag("state", s.wire())
          .register(registry);
    }
    for (UpdateResult r : UpdateResult.values()) {
      updates(r); // every series exported from the start, so rate() sees the first increment
    }
    for (String action : List.of("reload", "restart")) {
      crioActions(action, true);
      crioActions(action, false);
    }
    updateDuration =
        Timer.builder("ccd.update.duration")
            .description("Time from the start of an update to its end, whatever the result")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .register(registry);
    for (UpdatePhase p : UpdatePhase.values()) {
      phases.put(
          p,
          Timer.builder("ccd.update.phase")
              .description("Time each phase of an update took (fetch, decode, plan, patch, …)")
              .tag("phase", p.label())
              .serviceLevelObjectives(PHASE_BUCKETS)
              .register(registry));
    }
    Gauge.builder("ccd.config.drift", driftEpochSeconds, AtomicLong::doubleValue)
        .description(
            "Unix time of the last drift of managed files from the current config, 0 = none")
        .register(registry);
    Gauge.builder(
            "ccd.last.applied.timestamp.seconds", lastAppliedEpochSeconds, AtomicLong::doubleValue)
        .description("Unix time at which the last update completed")
        .register(registry);
    if (bindJvm) {
      new JvmMemoryMetrics().bindTo(registry);
      gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
    } else {
      gcMetrics = null;
    }
  }

  private Counter updates(UpdateResult result) {
    return Counter.builder("ccd.updates")
        .description("Finished updates by result")
        .tag("result", result.label())
        .register(registry);
  }

  /** The node's update state changed (or was read at start). */
  public void state(ConfigState current) {
    state.set(Objects.requireNonNull(current, "current"));
  }

  /** An update ended with {@code result} after {@code took}. */
  public void updateFinished(UpdateResult result, Duration took) {
    updates(result).increment();
    updateDuration.record(took);
  }

  /** The phases of one update took {@code spent}; phases it did not meet are left out. */
  public void updatePhases(java.util.Map<UpdatePhase, Duration> spent) {
    spent.forEach((p, took) -> phases.get(p).record(took));
  }

  /**
   * A crio action ran; {@code action} is e.g. {@code reload} or {@code restart} (lower-cased for
   * the label).
   */
  public void crioAction(String action, boolean succeeded) {
    crioActions(action, succeeded).increment();
  }

  private Counter crioActions(String action, boolean succeeded) {
    return Counter.builder("ccd.crio.actions")
        .description("crio reloads and restarts by result")
        .tag("action", action.toLowerCase(Locale.ROOT))
        .tag("result", succeeded ? "success" : "failure")
        .register(registry);
  }

  /** Drift of the managed files was seen at {@code when}. */
  public void configDrift(Instant when) {
    driftEpochSeconds.set(when.getEpochSecond());
  }

  /** The files are back in line (after a re-apply): {@code ccd_config_drift} reads 0 again. */
  public void driftCleared() {
    driftEpochSeconds.set(0);
  }

  /** An update completed at {@code when}. */
  public void lastApplied(Instant when) {
    lastAppliedEpochSeconds.set(when.getEpochSecond());
  }

  /** Counts Events dropped by a full event writer, as {@code source} tells. */
  public void eventsDropped(java.util.function.LongSupplier source) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "ccd.events.dropped", source, s -> s.getAsLong())
        .description("Events not written because the event writer's queue was full")
        .register(registry);
  }

  /** The Prometheus text exposition (format 0.0.4) of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry, for other components' meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
    registry.close();
  }
}
