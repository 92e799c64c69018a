package dev.ccd.controller;

import dev.ccd.kube.NodeAnnotations;
import dev.ccd.registries.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A MachineConfigPool's {@code status}, computed from the pool and its nodes as the
 * machine-config-operator does ({@code calculateStatus}).
 *
 * @param configuration {@code status.configuration.name}: the target once every node is updated,
 *     until then the previous value
 */
public record PoolStatus(
    int machineCount,
    int updatedMachineCount,
    int readyMachineCount,
    int unavailableMachineCount,
    int degradedMachineCount,
    long observedGeneration,
    String configuration,
    List<PoolCondition> conditions) {

  public PoolStatus {
    configuration = configuration == null ? "" : configuration;
    conditions = List.copyOf(conditions);
  }

  /** The condition of {@code type}, if present. */
  public Optional<PoolCondition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /**
   * The status for {@code pool} and its {@code nodes}.
   *
   * @param renderFailure why the pool's config could not be rendered (RenderDegraded), if it could
   *     not
   * @param previous the status written before: its conditions keep their {@code lastTransitionTime}
   *     unless their status flips, and its configuration stays until all nodes are updated
   * @param now the time of a flip
   */
  public static PoolStatus of(
      Pool pool,
      List<PoolNode> nodes,
      Optional<String> renderFailure,
      Optional<PoolStatus> previous,
      Instant now) {
    String target = pool.target();
    int machines = nodes.size();
    List<PoolNode> updated = nodes.stream().filter(n -> n.updatedTo(target)).toList();
    int ready = (int) updated.stream().filter(n -> n.ready() && !n.unschedulable()).count();
    int unavailable = (int) nodes.stream().filter(PoolNode::unavailable).count();
    List<PoolNode> degraded = nodes.stream().filter(PoolNode::failing).toList();
    boolean allUpdated =
        !target.isEmpty() && updated.size() == machines && ready == machines && unavailable == 0;

    List<PoolCondition> before =
        previous.map(PoolStatus::conditions).orElse(List.<PoolCondition>of());
    Conditions out = new Conditions(before, now);
    if (allUpdated) {
      out.set(
          PoolCondition.UPDATED, true, "", "All nodes are updated with MachineConfig " + target);
      out.set(PoolCondition.UPDATING, false, "", "");
    } else if (pool.paused()) {
      out.set(PoolCondition.UPDATED, false, "", "");
      out.set(PoolCondition.UPDATING, false, "", "Pool is paused; will not update to " + target);
    } else {
      out.set(PoolCondition.UPDATED, false, "", "");
      out.set(
          PoolCondition.UPDATING,
          !target.isEmpty(),
          "",
          target.isEmpty() ? "" : "All nodes are updating to MachineConfig " + target);
    }
    String nodeReason = "";
    String nodeMessage = "";
    if (!degraded.isEmpty()) {
      nodeReason = degraded.size() + " nodes are reporting degraded status on sync";
      nodeMessage =
          degraded.stream()
              .map(
                  n ->
                      "Node "
                          + n.name()
                          + " is reporting: "
                          + Validator.goQuote(n.config().reason()))
              .collect(Collectors.joining(", "));
      nodeMessage = NodeAnnotations.truncateReason(nodeMessage);
    }
    out.set(PoolCondition.NODE_DEGRADED, !degraded.isEmpty(), nodeReason, nodeMessage);
    String renderMessage =
        renderFailure
            .map(f -> "Failed to render configuration for pool " + pool.name() + ": " + f)
            .orElse("");
    out.set(PoolCondition.RENDER_DEGRADED, renderFailure.isPresent(), "", renderMessage);
    boolean poolDegraded = !degraded.isEmpty() || renderFailure.isPresent();
    String degradedReason =
        !degraded.isEmpty() ? nodeReason : renderFailure.isPresent() ? "RenderDegraded" : "";
    String degradedMessage = !degraded.isEmpty() ? nodeMessage : renderMessage;
    out.set(PoolCondition.DEGRADED, poolDegraded, degradedReason, degradedMessage);

    String configuration = allUpdated ? target : previous.map(PoolStatus::configuration).orElse("");
    return new PoolStatus(
        machines,
        updated.size(),
        ready,
        unavailable,
        degraded.size(),
        pool.generation(),
        configuration,
        out.list);
  }

  /** Builds the condition list, keeping a transition time while the status stays. */
  private static final class Conditions {
    private final List<PoolCondition> before;
    private final Instant now;
    private final List<PoolCondition> list = new ArrayList<>();

    Conditions(List<PoolCondition> before, Instant now) {
      this.before = before;
      this.now = now;
    }

    void set(String type, boolean status, String reason, String message) {
      String value = status ? "True" : "False";
      Instant since =
          before.stream()
              .filter(c -> c.type().equals(type) && c.status().equals(value))
              .map(PoolCondition::lastTransitionTime)
              .findFirst()
              .orElse(now);
      list.add(new PoolCondition(type, value, reason, message, since));
    }
  }
}
