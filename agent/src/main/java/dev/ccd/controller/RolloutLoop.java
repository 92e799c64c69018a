package dev.ccd.controller;

import dev.ccd.controller.PoolObjects.PoolSpec;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.PoolApi;
import dev.ccd.kube.Watch;
import dev.ccd.observe.ControllerMetrics;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout loop: per pool, {@link RolloutPlanner} picks the nodes whose {@code desiredConfig}
 * becomes the pool's target now, this loop patches that annotation, and writes the pool's status
 * ({@link PoolStatus}) through the status subresource when it changed.
 *
 * <p>The caches lag behind our own patches; a node asked for a config is remembered until the cache
 * shows it, so a pass that runs before the watch caught up neither patches it again nor counts it
 * as available (which would let it exceed {@code maxUnavailable}).
 */
public final class RolloutLoop implements ControllerLoop {
  private static final Logger log = LoggerFactory.getLogger(RolloutLoop.class);

  public record Settings(NodeAnnotations keys, Duration settle, Duration retry) {
    public Settings {
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(settle, "settle");
      Objects.requireNonNull(retry, "retry");
    }
  }

  private final PoolApi api;
  private final Settings settings;
  private final Clock clock;
  private final ControllerMetrics metrics;
  private final Map<String, String> asked = new ConcurrentHashMap<>();
  private PoolQueue queue;
  private Watch watch;

  /**
   * @param metrics told the desiredConfig patches of each pass and each pool's computed status
   */
  public RolloutLoop(PoolApi api, Settings settings, Clock clock, ControllerMetrics metrics) {
    this.api = Objects.requireNonNull(api, "api");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public synchronized void start() {
    queue = new PoolQueue("rollout", this::pass, settings.settle(), settings.retry());
    watch = api.watch(this::changed);
  }

  private void changed(PoolApi.Kind kind, String name) {
    switch (kind) {
      case POOL -> queue.add(name);
      case NODE -> api.pools().forEach(p -> queue.add(p.getMetadata().getName()));
      case MACHINE_CONFIG, MIRROR_SETS -> {
        // The render loop turns these into a new pool target, which is a POOL change.
      }
    }
  }

  private void pass(String name) {
    try {
      roll(name);
    } catch (KubeApiException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One pool: patch the nodes the planner picks, then write the status if it changed. */
  void roll(String name) throws KubeApiException {
    Optional<PoolSpec> named = PoolObjects.named(api.pools(), name);
    if (named.isEmpty()) {
      metrics.poolGone(name);
      return;
    }
    PoolSpec spec = named.get();
    List<PoolNode> nodes = withAsked(spec.select(api.nodes(), settings.keys()));
    Rollout rollout = RolloutPlanner.plan(spec.pool(), nodes);
    for (String node : rollout.toTarget()) {
      api.patchNodeAnnotations(node, Map.of(settings.keys().desiredConfigKey(), rollout.target()));
      asked.put(node, rollout.target());
      log.info("node {}: desiredConfig {}", node, rollout.target());
    }
    metrics.patched(rollout.toTarget().size());
    if (!rollout.toTarget().isEmpty()) {
      nodes = withAsked(nodes);
    }
    Optional<PoolStatus> status = spec.nextStatus(nodes, spec.renderFailure(), clock.instant());
    if (status.isPresent()) {
      api.setPoolStatus(name, PoolObjects.write(status.get()));
    }
    PoolStatus now = status.or(spec::status).orElseThrow();
    metrics.pool(
        name,
        new ControllerMetrics.PoolSample(
            now.machineCount(),
            now.updatedMachineCount(),
            now.readyMachineCount(),
            now.unavailableMachineCount(),
            now.degradedMachineCount(),
            spec.pool().paused(),
            now.condition(PoolCondition.RENDER_DEGRADED)
                .filter(PoolCondition::isTrue)
                .isPresent()));
  }

  /** {@code nodes} with the desiredConfig we set and the cache does not show yet. */
  private List<PoolNode> withAsked(List<PoolNode> nodes) {
    return nodes.stream()
        .map(
            n -> {
              String want = asked.get(n.name());
              if (want == null) {
                return n;
              }
              if (want.equals(n.config().desiredConfig())) {
                asked.remove(n.name(), want);
                return n;
              }
              ConfigStatus c = n.config();
              return new PoolNode(
                  n.name(),
                  n.created(),
                  n.zone(),
                  n.conditions(),
                  n.unschedulable(),
                  new ConfigStatus(
                      c.currentConfig(),
                      want,
                      c.state(),
                      c.reason(),
                      c.forceReapply(),
                      c.forceReapplyDone()));
            })
        .toList();
  }

  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
    }
    if (queue != null) {
      queue.close();
    }
  }
}
