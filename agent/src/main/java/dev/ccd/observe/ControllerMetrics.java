package dev.ccd.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The controller's Prometheus metrics:
 *
 * <ul>
 *   <li>{@code ccd_controller_leader}: 1 while this replica holds the Lease, else 0
 *   <li>{@code ccd_controller_desired_config_patches_total}: desiredConfig annotations written
 *   <li>{@code ccd_pool_machines{pool}}, {@code ccd_pool_updated_machines}, {@code
 *       ccd_pool_ready_machines}, {@code ccd_pool_unavailable_machines}, {@code
 *       ccd_pool_degraded_machines}: the counts of the pool status the rollout loop computes (the
 *       operator's {@code mcp_*_machine_count}); {@code ccd_pool_paused}, {@code
 *       ccd_pool_render_degraded}: 1 or 0. Exported by the leader only, per existing pool: a
 *       deleted pool's series go, and all go when the Lease is lost.
 *   <li>{@code ccd_drains_started_total{pool}}, {@code ccd_drains_total{pool,result}} ({@code
 *       succeeded} or {@code given_up}), {@code ccd_drain_duration_seconds{pool,result}}, {@code
 *       ccd_drain_evictions_blocked_total{pool}} (refused because of a PodDisruptionBudget). The
 *       pool is read from the rendered config the drain is for ({@code rendered-<pool>-<hash>}),
 *       never a pod name.
 * </ul>
 *
 * plus the JVM memory, thread and CPU metrics.
 */
public final class ControllerMetrics implements AutoCloseable {
  /** The drain label for a request whose config is not a rendered name. */
  public static final String UNKNOWN_POOL = "unknown";

  /** A drain lasts from seconds (nothing to move) to its timeout (default one hour). */
  private static final Duration[] DRAIN_BUCKETS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(15),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10),
    Duration.ofMinutes(30),
    Duration.ofHours(1)
  };

  /**
   * One pool's numbers as its status was last computed.
   *
   * @param renderDegraded the pool's RenderDegraded condition is True
   */
  public record PoolSample(
      int machines,
      int updated,
      int ready,
      int unavailable,
      int degraded,
      boolean paused,
      boolean renderDegraded) {}

  /** Whether a drain ended with {@code lastAppliedDrain} written or was given up. */
  public enum DrainResult {
    SUCCEEDED("succeeded"),
    GIVEN_UP("given_up");

    private final String label;

    DrainResult(String label) {
      this.label = label;
    }
  }

  private static final Map<String, ToDoubleFunction<PoolSample>> POOL_GAUGES =
      Map.of(
          "ccd.pool.machines", s -> s.machines(),
          "ccd.pool.updated.machines", s -> s.updated(),
          "ccd.pool.ready.machines", s -> s.ready(),
          "ccd.pool.unavailable.machines", s -> s.unavailable(),
          "ccd.pool.degraded.machines", s -> s.degraded(),
          "ccd.pool.paused", s -> s.paused() ? 1 : 0,
          "ccd.pool.render.degraded", s -> s.renderDegraded() ? 1 : 0);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger leader = new AtomicInteger();
  private final Counter patches;
  private final Map<String, PoolGauges> pools = new ConcurrentHashMap<>();

  /** The gauges of one pool, reading the sample last set. */
  private record PoolGauges(AtomicReference<PoolSample> sample, List<Meter> meters) {}

  public ControllerMetrics() {
    Gauge.builder("ccd_controller_leader", leader, AtomicInteger::get)
        .description("1 while this replica holds the leader Lease")
        .register(registry);
    patches =
        Counter.builder("ccd_controller_desired_config_patches")
            .description("desiredConfig annotations written to Nodes")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public void leading(boolean yes) {
    leader.set(yes ? 1 : 0);
    if (!yes) {
      for (String pool : new ArrayList<>(pools.keySet())) {
        poolGone(pool);
      }
    }
  }

  public boolean leading() {
    return leader.get() == 1;
  }

  public void patched(long count) {
    patches.increment(count);
  }

  /** The status of {@code pool} was computed: its gauges read {@code sample} from now on. */
  public synchronized void pool(String pool, PoolSample sample) {
    Objects.requireNonNull(sample, "sample");
    PoolGauges gauges = pools.get(pool);
    if (gauges != null) {
      gauges.sample().set(sample);
      return;
    }
    AtomicReference<PoolSample> ref = new AtomicReference<>(sample);
    List<Meter> meters = new ArrayList<>();
    POOL_GAUGES.forEach(
        (name, read) ->
            meters.add(
                Gauge.builder(name, ref, r -> read.applyAsDouble(r.get()))
                    .description("MachineConfigPool status as the controller computes it")
                    .tag("pool", pool)
                    .register(registry)));
    pools.put(pool, new PoolGauges(ref, List.copyOf(meters)));
    drainSeries(pool);
  }

  /**
   * {@code pool} is deleted (or not ours to report): its gauges go (its drain counters stay, as
   * counters do).
   */
  public synchronized void poolGone(String pool) {
    PoolGauges gauges = pools.remove(pool);
    if (gauges != null) {
      gauges.meters().forEach(registry::remove);
    }
  }

  /** A drain of a node of {@code pool} started (the controller first saw its request). */
  public void drainStarted(String pool) {
    started(pool).increment();
  }

  /** A drain of a node of {@code pool} ended with {@code result} after {@code took}. */
  public void drainFinished(String pool, DrainResult result, Duration took) {
    finished(pool, result).increment();
    duration(pool, result).record(took);
  }

  /** {@code count} evictions on a node of {@code pool} were refused by a PodDisruptionBudget. */
  public void evictionsBlocked(String pool, int count) {
    blocked(pool).increment(count);
  }

  /** Exports every drain series of {@code pool} at zero, so {@code increase()} sees the first. */
  private void drainSeries(String pool) {
    started(pool);
    for (DrainResult r : DrainResult.values()) {
      finished(pool, r);
      duration(pool, r);
    }
    blocked(pool);
  }

  private Counter started(String pool) {
    return Counter.builder("ccd.drains.started")
        .description("Drains started (a node's drain request first seen)")
        .tag("pool", pool)
        .register(registry);
  }

  private Counter finished(String pool, DrainResult result) {
    return Counter.builder("ccd.drains")
        .description("Drains finished, by result")
        .tag("pool", pool)
        .tag("result", result.label)
        .register(registry);
  }

  private Timer duration(String pool, DrainResult result) {
    return Timer.builder("ccd.drain.duration")
        .description("Time from a drain's start to its end, by result")
        .tag("pool", pool)
        .tag("result", result.label)
        .serviceLevelObjectives(DRAIN_BUCKETS)
        .register(registry);
  }

  private Counter blocked(String pool) {
    return Counter.builder("ccd.drain.evictions.blocked")
        .description("Evictions refused because of a PodDisruptionBudget")
        .tag("pool", pool)
        .register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
