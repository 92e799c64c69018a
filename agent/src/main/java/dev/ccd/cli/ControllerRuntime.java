package dev.ccd.cli;

import dev.ccd.controller.ControllerLoop;
import dev.ccd.controller.DrainLoop;
import dev.ccd.controller.DrainSettings;
import dev.ccd.controller.RenderLoop;
import dev.ccd.controller.RenderedCollector;
import dev.ccd.controller.RolloutLoop;
import dev.ccd.kube.Fabric8Drain;
import dev.ccd.kube.Fabric8EventSink;
import dev.ccd.kube.Fabric8PoolApi;
import dev.ccd.kube.LeaderLease;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.observe.Check;
import dev.ccd.observe.ControllerMetrics;
import dev.ccd.observe.HealthServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller assembled from real adapters: the leader Lease, and while it is held the loops
 * over one {@link Fabric8PoolApi}; the health server with {@code /metrics}. Shared by {@code ccd
 * controller} and the integration tests (which run several in one JVM).
 */
public final class ControllerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControllerRuntime.class);

  /**
   * How the controller runs; read once from the command line.
   *
   * @param drainTimeout how long a drain may take before it is given up (the drain loop's)
   * @param settle how long a first event waits for the rest of its burst before a pass
   */
  public record Settings(
      LeaderLease.Settings lease,
      Optional<String> metricsAddress,
      NodeAnnotations keys,
      RenderedCollector.Policy rendered,
      Duration drainTimeout,
      Duration settle) {
    public Settings {
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(metricsAddress, "metricsAddress");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(rendered, "rendered");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      Objects.requireNonNull(settle, "settle");
    }
  }

  /** Builds one loop for a term of leadership. */
  interface LoopFactory {
    ControllerLoop create(Fabric8PoolApi api, KubernetesClient client, Settings settings);
  }

  /** Every loop the controller runs while leading; a new loop is one more entry. */
  static List<LoopFactory> loops(ControllerMetrics metrics, Clock clock) {
    Duration retry = Duration.ofSeconds(5);
    return List.of(
        (api, client, s) ->
            new RenderLoop(
                api,
                new RenderLoop.Settings(
                    s.keys(), s.rendered(), Duration.ofMinutes(1), s.settle(), retry),
                clock),
        (api, client, s) ->
            new RolloutLoop(
                api, new RolloutLoop.Settings(s.keys(), s.settle(), retry), clock, metrics),
        (api, client, s) -> drainLoop(client, s, clock, metrics));
  }

  /**
   * The drain loop with the adapters it owns: its own node watch and eviction client, and an event
   * writer; closing the loop closes them.
   */
  private static ControllerLoop drainLoop(
      KubernetesClient client, Settings s, Clock clock, ControllerMetrics metrics) {
    Fabric8Drain drain = new Fabric8Drain(client);
    Fabric8EventSink events =
        new Fabric8EventSink(client, Fabric8EventSink.Reporter.controller(s.lease().identity()));
    DrainSettings d = DrainSettings.DEFAULT;
    DrainLoop loop =
        new DrainLoop(
            drain,
            events,
            s.keys(),
            clock,
            new DrainSettings(s.drainTimeout(), d.firstRetry(), d.maxRetry()),
            metrics);
    return new ControllerLoop() {
      @Override
      public void start() {
        loop.start();
      }

      @Override
      public void close() {
        loop.close();
        events.close();
        drain.close();
      }
    };
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final List<LoopFactory> factories;
  private final ControllerMetrics metrics;
  private HealthServer health;
  private LeaderLease lease;
  private Fabric8PoolApi api;
  private final List<ControllerLoop> running = new ArrayList<>();

  private ControllerRuntime(
      KubernetesClient client,
      Settings settings,
      List<LoopFactory> factories,
      ControllerMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.factories = factories;
    this.metrics = metrics;
  }

  /** Starts the health server (when an address is given) and competes for the Lease. */
  public static ControllerRuntime start(KubernetesClient client, Settings settings)
      throws IOException {
    ControllerMetrics metrics = new ControllerMetrics();
    ControllerRuntime runtime =
        new ControllerRuntime(client, settings, loops(metrics, Clock.systemUTC()), metrics);
    try {
      if (settings.metricsAddress().isPresent()) {
        runtime.health =
            HealthServer.start(
                HealthServer.parseAddress(settings.metricsAddress().get()),
                metrics::scrape,
                Check::passing,
                Check::passing);
      }
      runtime.lease =
          LeaderLease.start(client, settings.lease(), runtime::lead, runtime::stopLeading);
      return runtime;
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private synchronized void lead() {
    stopLoops();
    api = new Fabric8PoolApi(client);
    for (LoopFactory f : factories) {
      ControllerLoop loop = f.create(api, client, settings);
      running.add(loop);
      loop.start();
    }
    metrics.leading(true);
  }

  private synchronized void stopLeading() {
    stopLoops();
    metrics.leading(false);
  }

  private void stopLoops() {
    for (ControllerLoop loop : running) {
      try {
        loop.close();
      } catch (RuntimeException e) {
        log.warn("stopping a loop failed: {}", e.toString());
      }
    }
    running.clear();
    if (api != null) {
      api.close();
      api = null;
    }
  }

  /** True while this replica holds the Lease and runs the loops. */
  public boolean leading() {
    return metrics.leading();
  }

  public Optional<HealthServer> health() {
    return Optional.ofNullable(health);
  }

  /** Releases the Lease, stops the loops and the health server. */
  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    stopLeading();
    if (health != null) {
      health.stop();
    }
    metrics.close();
  }
}
