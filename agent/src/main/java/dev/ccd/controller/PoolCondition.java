package dev.ccd.controller;

import java.time.Instant;
import java.util.Objects;

/**
 * One MachineConfigPool status condition, as the machine-config-operator writes them.
 *
 * @param status {@code True} or {@code False}
 * @param lastTransitionTime when {@code status} last flipped
 */
public record PoolCondition(
    String type, String status, String reason, String message, Instant lastTransitionTime) {
  public static final String UPDATED = "Updated";
  public static final String UPDATING = "Updating";
  public static final String DEGRADED = "Degraded";
  public static final String NODE_DEGRADED = "NodeDegraded";
  public static final String RENDER_DEGRADED = "RenderDegraded";

  public PoolCondition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    reason = reason == null ? "" : reason;
    message = message == null ? "" : message;
    Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
  }

  public boolean isTrue() {
    return "True".equals(status);
  }
}
