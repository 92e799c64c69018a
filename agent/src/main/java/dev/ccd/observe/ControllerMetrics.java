package dev.ccd.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's Prometheus metrics:
 *
 * <ul>
 *   <li>{@code ccd_controller_leader}: 1 while this replica holds the Lease, else 0
 *   <li>{@code ccd_controller_desired_config_patches_total}: desiredConfig annotations written
 * </ul>
 *
 * plus the JVM memory metrics.
 */
public final class ControllerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger leader = new AtomicInteger();
  private final Counter patches;

  public ControllerMetrics() {
    Gauge.builder("ccd_controller_leader", leader, AtomicInteger::get)
        .description("1 while this replica holds the leader Lease")
        .register(registry);
    patches =
        Counter.builder("ccd_controller_desired_config_patches")
            .description("desiredConfig annotations written to Nodes")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
  }

  public void leading(boolean yes) {
    leader.set(yes ? 1 : 0);
  }

  public boolean leading() {
    return leader.get() == 1;
  }

  public void patched(long count) {
    patches.increment(count);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
