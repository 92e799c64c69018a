package dev.ccd.agent;

import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.kube.DrainRequest;
import dev.ccd.kube.DrainState;
import dev.ccd.kube.EventSink;
import dev.ccd.kube.EventType;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodeApi;
import dev.ccd.kube.NodeView;
import dev.ccd.observe.AgentMetrics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the Node's state: annotations (JSON merge patch), Events and the state metrics
 * move together. A report that would not change the annotations is not sent again, so a repeated
 * drift check does not flood the API or the event stream.
 */
public final class NodeState {
  private static final Logger LOG = LoggerFactory.getLogger(NodeState.class);

  private final String node;
  private final NodeApi nodes;
  private final EventSink events;
  private final NodeAnnotations keys;
  private final AgentMetrics metrics;
  private final Clock clock;
  private volatile Map<String, String> known = Map.of();
  private volatile String knownVersion = "";

  public NodeState(
      String node,
      NodeApi nodes,
      EventSink events,
      NodeAnnotations keys,
      AgentMetrics metrics,
      Clock clock) {
    this.node = Objects.requireNonNull(node);
    this.nodes = nodes;
    this.events = events;
    this.keys = keys;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * What the Node's annotations said when last seen. A watch event older than the Node our own last
   * patch returned is ignored, so a stale event does not make us report the same state twice.
   */
  public void observed(NodeView view) {
    if (olderThanKnown(view.resourceVersion())) {
      return;
    }
    known = view.annotations();
    knownVersion = view.resourceVersion();
    metrics.state(keys.read(known).state());
  }

  private boolean olderThanKnown(String version) {
    // resourceVersions are opaque; compare only when both are plain numbers (etcd, the mock).
    try {
      return !knownVersion.isEmpty() && Long.parseLong(version) < Long.parseLong(knownVersion);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The annotations as last known (after our own patch, or from the newest watch event). */
  public Map<String, String> knownAnnotations() {
    return known;
  }

  /** What {@code view}'s annotations say, whatever the Node last known. */
  public ConfigStatus statusOf(NodeView view) {
    return keys.read(view.annotations());
  }

  public ConfigStatus status() {
    return keys.read(known);
  }

  public void working(String from, String to) throws KubeApiException {
    patch(keys.working());
    events.emit(
        node,
        EventType.NORMAL,
        "UpdateStarted",
        "Updating from " + (from.isEmpty() ? "no config" : from) + " to " + to);
  }

  /** The Node's drain annotations as last known. */
  public DrainState drainState() {
    return DrainState.read(known, keys);
  }

  /**
   * The plan calls for a drain: {@code state=Working}, a reason saying the update waits for it, and
   * {@code desiredDrain=drain-<config>} in one patch, then Event {@code DrainRequested}. The files
   * are written once the controller answers with {@code lastAppliedDrain}.
   */
  public void drainRequested(DrainRequest request, String from, String why)
      throws KubeApiException {
    String reason =
        "waiting for the controller to drain the node before applying "
            + request.config()
            + " (the change calls for a drain: "
            + why
            + ")";
    Map<String, String> patch = new LinkedHashMap<>(keys.working());
    patch.put(keys.reasonKey(), NodeAnnotations.truncateReason(reason));
    patch.put(keys.desiredDrainKey(), request.wire());
    if (patch(patch)) {
      events.emit(
          node,
          EventType.NORMAL,
          "DrainRequested",
          NodeAnnotations.truncateReason(
              "Updating from "
                  + (from.isEmpty() ? "no config" : from)
                  + " to "
                  + request.config()
                  + " needs a drain; asked the controller for "
                  + request.wire()
                  + ": "
                  + why));
    }
  }

  /**
   * Done on {@code config}; {@code forceServed} is the force-reapply request now served. When a
   * drain was asked for (and not yet undone), the same patch asks {@code uncordon-<config>}.
   */
  public void done(String config, String forceServed, boolean applied) throws KubeApiException {
    Map<String, String> wanted = new LinkedHashMap<>(keys.done(config, forceServed));
    if (DrainGate.afterDone(config, drainState()) instanceof DrainGate.Gate.Ask ask) {
      wanted.put(keys.desiredDrainKey(), ask.request().wire());
      LOG.info("node {} done on {}: asking the controller for {}", node, config, ask.request());
    }
    boolean changed = patch(wanted);
    if (applied) {
      events.emit(node, EventType.NORMAL, "Applied", "Applied MachineConfig " + config);
      metrics.lastApplied(clock.instant());
    } else if (changed) {
      events.emit(node, EventType.NORMAL, "Done", "Node matches MachineConfig " + config);
    }
    metrics.driftCleared();
  }

  public void degraded(String reason) throws KubeApiException {
    if (patch(keys.degraded(reason))) {
      events.emit(node, EventType.WARNING, "Degraded", NodeAnnotations.truncateReason(reason));
    }
  }

  /** Returns whether this was news (the Node said something else before). */
  public boolean unreconcilable(String reason) throws KubeApiException {
    if (patch(keys.unreconcilable(reason))) {
      events.emit(
          node, EventType.WARNING, "Unreconcilable", NodeAnnotations.truncateReason(reason));
      return true;
    }
    return false;
  }

  public void drift(String reason) throws KubeApiException {
    boolean changed = patch(keys.degraded(reason));
    if (changed) {
      events.emit(
          node, EventType.WARNING, "ConfigDriftDetected", NodeAnnotations.truncateReason(reason));
      metrics.configDrift(clock.instant());
    }
  }

  /** Patches only what differs from the known annotations; returns whether anything did. */
  private boolean patch(Map<String, String> wanted) throws KubeApiException {
    Map<String, String> current = known;
    boolean differs =
        wanted.entrySet().stream()
            .anyMatch(
                e -> !Objects.equals(current.getOrDefault(e.getKey(), ""), orEmpty(e.getValue())));
    if (!differs) {
      return false;
    }
    NodeView after = nodes.patchAnnotations(node, wanted);
    known = after.annotations();
    knownVersion = after.resourceVersion();
    ConfigState state = keys.read(known).state();
    metrics.state(state);
    LOG.info("node {} state {} {}", node, state.wire(), keys.read(known).reason());
    return true;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
