package dev.ccd.agent;

import dev.ccd.kube.ApiOutage;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.NodeApi;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.observe.Check;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: a watch on its own Node feeds a {@link ReconcileLoop} whose passes are {@link
 * Reconciler#pass}; a {@link DriftMonitor} asks for extra passes when managed files change.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /**
   * Tunables, read once. {@code jobTimeout} is how long one crio job may take: a failing pass runs
   * two (the attempt and the rollback's), and liveness allows for both.
   */
  public record Settings(
      String node,
      Backoff retry,
      Duration heartbeat,
      Duration driftPeriod,
      Duration shutdownGrace,
      Duration jobTimeout,
      Optional<Path> driftRoot) {}

  private final Settings settings;
  private final NodeApi nodes;
  private final Reconciler reconciler;
  private final ReconcileLoop<NodeView> loop;
  private final Clock clock;
  private final java.util.concurrent.atomic.AtomicBoolean kicked =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean connected;
  private volatile boolean synced;
  private volatile String notReady = "no Node seen yet";
  private Watch watch;
  private DriftMonitor drift;

  /**
   * @param reconcilerFor builds the reconciler given the loop's "check again" action
   */
  public NodeAgent(
      Settings settings,
      NodeApi nodes,
      java.util.function.Function<Runnable, Reconciler> reconcilerFor,
      Clock clock) {
    this.settings = settings;
    this.nodes = nodes;
    this.clock = clock;
    Runnable kick = this::kick;
    this.reconciler = reconcilerFor.apply(kick);
    this.loop =
        new ReconcileLoop<>(
            "ccd-reconcile",
            this::pass,
            reconciler::intentOf,
            settings.retry(),
            Ticker.of(clock),
            settings.heartbeat());
  }

  private ReconcileLoop.Next pass(NodeView view) {
    ReconcileLoop.Next next = reconciler.pass(view, kicked.getAndSet(false) || !synced);
    synced = true;
    return next;
  }

  private void kick() {
    kicked.set(true);
    loop.kick();
  }

  public NodeAgent start() throws IOException {
    loop.start();
    watch =
        nodes.watch(
            settings.node(),
            new NodeListener() {
              @Override
              public void onNode(NodeView node) {
                connected = true;
                loop.offer(node);
              }

              @Override
              public void onClose(Exception cause) {
                boolean was = connected;
                connected = false;
                notReady = "Node " + settings.node() + " not watched: " + cause.getMessage();
                // Once per break: while the API stays down, each failed re-list says it again.
                // A dead API server is already warned about, once per outage (ApiOutage).
                if (was && !ApiOutage.isOutage(cause)) {
                  LOG.warn("{}; re-watching", notReady);
                } else if (was) {
                  LOG.info("{}; re-watching", notReady);
                } else {
                  LOG.debug("{}; re-watching", notReady);
                }
              }
            });
    if (settings.driftRoot().isPresent()) {
      drift =
          new DriftMonitor(
                  settings.driftRoot().get(),
                  java.util.List.of(
                      "/etc/containers",
                      "/etc/containers/registries.conf.d",
                      "/etc/containers/registries.d",
                      // where an operator drops the force-reapply file
                      "/run/ccd"),
                  settings.driftPeriod(),
                  this::kick)
              .start();
    }
    return this;
  }

  /** Ready once the Node watch is connected and the first pass finished. */
  public Check readiness() {
    if (!connected) {
      return Check.failing(notReady);
    }
    return synced ? Check.passing() : Check.failing("first reconcile not finished");
  }

  /** Alive while the reconcile worker beats (it beats while idle too). */
  public Check liveness() {
    Instant last = loop.lastBeat();
    Duration silent = Duration.between(last, clock.instant());
    Duration limit = livenessLimit(settings);
    return silent.compareTo(limit) <= 0
        ? Check.passing()
        : Check.failing("reconcile loop silent for " + silent.toSeconds() + " s");
  }

  /**
   * How long the worker may be silent: six heartbeats while idle, and a pass that applies an update
   * may wait for two crio jobs (the attempt and the rollback's) plus a minute of file and API work.
   */
  static Duration livenessLimit(Settings settings) {
    return settings
        .heartbeat()
        .multipliedBy(6)
        .plus(settings.jobTimeout().multipliedBy(2))
        .plus(Duration.ofMinutes(1));
  }

  /** Stops watching, lets a pass in progress finish within the grace period, then returns. */
  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    if (drift != null) {
      drift.close();
    }
    boolean ended = loop.stop(settings.shutdownGrace());
    if (!ended) {
      LOG.warn("the update in progress did not end within {}", settings.shutdownGrace());
    }
    reconciler.close();
  }
}
