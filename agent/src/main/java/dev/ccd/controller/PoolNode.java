package dev.ccd.controller;

import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Node of a pool as the controller's decisions see it.
 *
 * @param zone the {@code topology.kubernetes.io/zone} label, if any
 * @param conditions {@code status.conditions} as type → status ({@code True}, {@code False}, {@code
 *     Unknown})
 * @param config what its machine-config annotations say ({@code NodeAnnotations.read})
 */
public record PoolNode(
    String name,
    Instant created,
    Optional<String> zone,
    Map<String, String> conditions,
    boolean unschedulable,
    ConfigStatus config) {

  public PoolNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(zone, "zone");
    conditions = Map.copyOf(conditions);
    Objects.requireNonNull(config, "config");
  }

  /**
   * Ready as the machine-config-operator reads it: {@code Ready=True}, and {@code DiskPressure} and
   * {@code NetworkUnavailable}, when reported, {@code False}. A node that reports no Ready
   * condition at all is not ready (the operator would call it ready; we do not guess).
   */
  public boolean ready() {
    return "True".equals(conditions.get("Ready"))
        && notTrue("DiskPressure")
        && notTrue("NetworkUnavailable");
  }

  private boolean notTrue(String type) {
    String status = conditions.get(type);
    return status == null || "False".equals(status);
  }

  /** Done on the config it was asked for (a fresh node, asked for nothing, is settled too). */
  public boolean settled() {
    return config.desiredConfig().equals(config.currentConfig())
        && config.state() == ConfigState.DONE;
  }

  /**
   * Unavailable by issue 9's definition: not settled (desired ≠ current, or state not Done),
   * cordoned, or not ready.
   */
  public boolean unavailable() {
    return !settled() || unschedulable || !ready();
  }

  /** Its agent reported a failure: state Degraded or Unreconcilable. */
  public boolean failing() {
    return config.state() == ConfigState.DEGRADED || config.state() == ConfigState.UNRECONCILABLE;
  }

  /** Done on {@code target}, and asked for nothing else. */
  public boolean updatedTo(String target) {
    return !target.isEmpty()
        && target.equals(config.desiredConfig())
        && target.equals(config.currentConfig())
        && config.state() == ConfigState.DONE;
  }
}
