package dev.ccd.controller;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainApi;
import dev.ccd.kube.DrainRequest;
import dev.ccd.kube.DrainState;
import dev.ccd.kube.EventSink;
import dev.ccd.kube.EventType;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodePod;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.RenderedName;
import dev.ccd.observe.ControllerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's drain loop: carries out the {@code desiredDrain} requests agents put on their
 * Nodes. For each Node with a request not yet in {@code lastAppliedDrain} it asks {@link
 * DrainPlanner} for the next step and performs it (one kind of API write), then decides again on
 * the Node's next change or when a retry falls due. One worker thread; attempts live in memory.
 */
public final class DrainLoop implements ControllerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(DrainLoop.class);

  private final DrainApi api;
  private final EventSink events;
  private final NodeAnnotations keys;
  private final Clock clock;
  private final DrainSettings settings;
  private final ControllerMetrics metrics;
  private final ScheduledExecutorService worker;
  private final Map<String, DrainAttempt> attempts = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Map<String, ScheduledFuture<?>> timers = new HashMap<>(); // worker thread only
  private volatile Watch watch;

  /** Keys under the machine-config-operator's prefix; metrics nobody scrapes. */
  public DrainLoop(DrainApi api, EventSink events, Clock clock, DrainSettings settings) {
    this(api, events, new NodeAnnotations(), clock, settings, new ControllerMetrics());
  }

  /**
   * @param metrics counts drains started, finished (and how long they took), evictions refused by a
   *     PodDisruptionBudget, per pool
   */
  public DrainLoop(
      DrainApi api,
      EventSink events,
      NodeAnnotations keys,
      Clock clock,
      DrainSettings settings,
      ControllerMetrics metrics) {
    this.api = Objects.requireNonNull(api, "api");
    this.events = Objects.requireNonNull(events, "events");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ccd-drain");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void start() {
    watch = api.watchNodes(this::seen);
  }

  private void seen(NodeView view) {
    if (DrainState.read(view.annotations(), keys).pending() || attempts.containsKey(view.name())) {
      enqueue(view.name());
    }
  }

  private void enqueue(String node) {
    if (queued.add(node) && !worker.isShutdown()) {
      worker.execute(
          () -> {
            queued.remove(node);
            sync(node);
          });
    }
  }

  /** Decides and performs the next step for {@code node}; runs on the worker thread. */
  private void sync(String node) {
    try {
      step(node);
    } catch (KubeApiException | RuntimeException e) {
      LOG.warn("drain of node {} failed, trying again: {}", node, e.getMessage());
      later(node, clock.instant().plus(settings.firstRetry()));
    }
  }

  private void step(String node) throws KubeApiException {
    NodeView view;
    try {
      view = api.node(node);
    } catch (KubeApiException e) {
      if (e.notFound()) {
        attempts.remove(node);
        return;
      }
      throw e;
    }
    DrainState state = DrainState.read(view.annotations(), keys);
    Instant now = clock.instant();
    if (!state.pending()) {
      attempts.remove(node);
      return;
    }
    Optional<DrainRequest> request = DrainRequest.parse(state.desiredDrain());
    Optional<DrainAttempt> attempt = Optional.empty();
    if (request.isPresent() && request.get().verb() == DrainRequest.Verb.DRAIN) {
      DrainAttempt a = attempts.get(node);
      if (a == null || !a.request().equals(request.get())) {
        a = DrainAttempt.start(request.get(), now);
        attempts.put(node, a);
        metrics.drainStarted(pool(request.get()));
      }
      attempt = Optional.of(a);
    } else {
      attempts.remove(node);
    }
    boolean draining = attempt.isPresent() && view.unschedulable();
    List<NodePod> pods = draining ? api.podsOn(node) : List.of();
    DrainAction action =
        DrainPlanner.decide(node, state, view.unschedulable(), pods, attempt, now, settings);
    perform(node, action, attempt, now);
  }

  private void perform(String node, DrainAction action, Optional<DrainAttempt> attempt, Instant now)
      throws KubeApiException {
    if (action instanceof DrainAction.Invalid invalid) {
      LOG.warn("{}", invalid.reason());
    } else if (action instanceof DrainAction.Cordon c) {
      api.cordon(node, true);
      events.emit(node, EventType.NORMAL, "Cordon", "Cordoned node for " + c.request());
      enqueue(node);
    } else if (action instanceof DrainAction.Evict e) {
      evict(node, e, attempt.orElseThrow(), now);
    } else if (action instanceof DrainAction.AwaitTermination) {
      later(node, now.plus(settings.firstRetry()));
    } else if (action instanceof DrainAction.RetryAt r) {
      later(node, r.at());
    } else if (action instanceof DrainAction.Uncordon u) {
      api.cordon(node, false);
      events.emit(node, EventType.NORMAL, "Uncordon", "Uncordoned node for " + u.request());
      enqueue(node);
    } else if (action instanceof DrainAction.Complete c) {
      api.patchAnnotations(node, Map.of(keys.lastAppliedDrainKey(), c.request().wire()));
      if (c.request().verb() == DrainRequest.Verb.DRAIN) {
        finished(c.request(), ControllerMetrics.DrainResult.SUCCEEDED, attempt, now);
        events.emit(node, EventType.NORMAL, "Drained", "Drained node for " + c.request());
      }
      LOG.info("node {}: {} carried out", node, c.request());
    } else if (action instanceof DrainAction.GiveUp g) {
      attempts.put(node, attempt.orElseThrow().givenUp(now, settings));
      finished(g.request(), ControllerMetrics.DrainResult.GIVEN_UP, attempt, now);
      api.patchAnnotations(node, keys.degraded(g.reason()));
      events.emit(
          node, EventType.WARNING, "DrainFailed", NodeAnnotations.truncateReason(g.reason()));
      LOG.warn("{}", g.reason());
      enqueue(node);
    } else if (action instanceof DrainAction.NextRound r) {
      attempts.put(node, attempt.orElseThrow().nextRound(now));
      events.emit(
          node,
          EventType.NORMAL,
          "DrainRetry",
          "Draining node again for " + r.request() + " (round " + r.round() + ")");
      LOG.info("node {}: round {} of {}", node, r.round(), r.request());
      enqueue(node);
    }
    // Idle: nothing asked, or carried out already.
  }

  private void evict(String node, DrainAction.Evict e, DrainAttempt attempt, Instant now)
      throws KubeApiException {
    List<BlockedEviction> refused = new ArrayList<>();
    for (String ref : e.pods()) {
      int slash = ref.indexOf('/');
      api.evict(ref.substring(0, slash), ref.substring(slash + 1)).ifPresent(refused::add);
    }
    DrainAttempt after = attempt.afterTry(refused, now, settings);
    attempts.put(node, after);
    if (refused.isEmpty()) {
      LOG.info("node {}: evicted {}", node, e.pods());
      enqueue(node);
      return;
    }
    metrics.evictionsBlocked(
        pool(e.request()),
        (int) refused.stream().filter(r -> !r.disruptionBudgets().isEmpty()).count());
    String reason = DrainPlanner.blockedReason(node, e.request(), after);
    api.patchAnnotations(node, Map.of(keys.reasonKey(), NodeAnnotations.truncateReason(reason)));
    events.emit(
        node,
        EventType.WARNING,
        "DrainBlocked",
        NodeAnnotations.truncateReason(
            "Draining for "
                + e.request()
                + ": "
                + refused.stream()
                    .map(BlockedEviction::describe)
                    .collect(Collectors.joining("; "))));
    later(node, after.nextTry());
  }

  private void finished(
      DrainRequest request,
      ControllerMetrics.DrainResult result,
      Optional<DrainAttempt> attempt,
      Instant now) {
    attempt.ifPresent(
        a -> metrics.drainFinished(pool(request), result, Duration.between(a.started(), now)));
  }

  /** The metrics' pool label: the pool of the rendered config the request is for. */
  private static String pool(DrainRequest request) {
    return RenderedName.pool(request.config()).orElse(ControllerMetrics.UNKNOWN_POOL);
  }

  /** Decides again for {@code node} at {@code at} (one timer per node: the newest wins). */
  private void later(String node, Instant at) {
    ScheduledFuture<?> old = timers.remove(node);
    if (old != null) {
      old.cancel(false);
    }
    if (worker.isShutdown()) {
      return;
    }
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    timers.put(node, worker.schedule(() -> enqueue(node), delay, TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    Watch w = watch;
    if (w != null) {
      w.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
