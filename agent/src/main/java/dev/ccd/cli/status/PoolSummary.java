package dev.ccd.cli.status;

import dev.ccd.controller.LabelSelector;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code ccd status} shows of a MachineConfigPool: its status as the controller wrote it.
 *
 * @param updated the {@code Updated} condition's status ({@code True}, {@code False}, {@code
 *     Unknown}) or empty when the condition is missing; likewise {@code updating}, {@code degraded}
 * @param nodeSelector empty when the pool has none or an invalid one (it selects no node)
 * @param nodeSelectorError why the pool's selector is invalid, empty when it is not
 * @param maxUnavailable as written ({@code 1}, {@code 10%}), empty when unset
 */
public record PoolSummary(
    String name,
    String config,
    String updated,
    String updating,
    String degraded,
    int machineCount,
    int readyMachineCount,
    int updatedMachineCount,
    int degradedMachineCount,
    int unavailableMachineCount,
    boolean paused,
    String maxUnavailable,
    Optional<LabelSelector> nodeSelector,
    String nodeSelectorError,
    Instant created) {

  public PoolSummary {
    Objects.requireNonNull(name, "name");
    config = orEmpty(config);
    updated = orEmpty(updated);
    updating = orEmpty(updating);
    degraded = orEmpty(degraded);
    maxUnavailable = orEmpty(maxUnavailable);
    Objects.requireNonNull(nodeSelector, "nodeSelector");
    nodeSelectorError = orEmpty(nodeSelectorError);
  }

  /** The selector as kubectl prints it, {@code <none>}, or {@code <invalid: why>}. */
  public String selectorText() {
    if (!nodeSelectorError.isEmpty()) {
      return "<invalid: " + nodeSelectorError + ">";
    }
    return nodeSelector.map(Object::toString).orElse("<none>");
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
