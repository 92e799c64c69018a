package dev.ccd.cli.status;

import dev.ccd.kube.NodeAnnotations;
import java.time.Instant;
import java.util.List;

/**
 * One node as {@code ccd status} shows it: its pool, its machine-config annotations and where its
 * drain stands.
 *
 * @param pool the pool whose {@code nodeSelector} selects the node (see {@link #poolOf}), empty
 *     when none does
 * @param drain {@code draining} or {@code uncordoning} while the controller has not yet carried out
 *     the agent's {@code desiredDrain}; {@code drained} when it has and the node is still cordoned;
 *     {@code cordoned} for a node cordoned otherwise; else empty
 */
public record NodeRow(
    String name,
    String pool,
    String state,
    String currentConfig,
    String desiredConfig,
    String drain,
    String reason,
    String desiredDrain,
    String lastAppliedDrain,
    boolean ready,
    boolean unschedulable,
    Instant created) {

  /** The row of {@code node} among {@code pools}, reading annotations under {@code keys}. */
  public static NodeRow of(NodeSummary node, List<PoolSummary> pools, NodeAnnotations keys) {
    var a = node.annotations();
    String desiredDrain = a.getOrDefault(keys.desiredDrainKey(), "");
    String lastAppliedDrain = a.getOrDefault(keys.lastAppliedDrainKey(), "");
    return new NodeRow(
        node.name(),
        poolOf(node, pools),
        a.getOrDefault(keys.stateKey(), ""),
        a.getOrDefault(keys.currentConfigKey(), ""),
        a.getOrDefault(keys.desiredConfigKey(), ""),
        drain(desiredDrain, lastAppliedDrain, node.unschedulable()),
        a.getOrDefault(keys.reasonKey(), ""),
        desiredDrain,
        lastAppliedDrain,
        node.ready(),
        node.unschedulable(),
        node.created());
  }

  /**
   * The pool a node belongs to, as the machine-config-operator decides it: of the pools whose
   * {@code nodeSelector} matches, {@code master} wins; a node in {@code worker} and one custom pool
   * belongs to the custom pool; any other overlap is shown as the names joined by commas (the
   * operator would refuse to update such a node).
   */
  static String poolOf(NodeSummary node, List<PoolSummary> pools) {
    List<String> matching =
        pools.stream()
            .filter(p -> p.nodeSelector().map(s -> s.matches(node.labels())).orElse(false))
            .map(PoolSummary::name)
            .sorted()
            .toList();
    if (matching.contains("master")) {
      return "master";
    }
    List<String> custom = matching.stream().filter(n -> !n.equals("worker")).toList();
    if (custom.size() == 1) {
      return custom.get(0);
    }
    return String.join(",", matching);
  }

  static String drain(String desiredDrain, String lastAppliedDrain, boolean unschedulable) {
    boolean asksDrain = desiredDrain.startsWith("drain-");
    if (!desiredDrain.isEmpty() && !desiredDrain.equals(lastAppliedDrain)) {
      return asksDrain ? "draining" : "uncordoning";
    }
    if (unschedulable) {
      return asksDrain ? "drained" : "cordoned";
    }
    return "";
  }
}
