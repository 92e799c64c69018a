package dev.ccd.agent;

import java.util.Objects;

/**
 * What the agent must do, as far as a retry's backoff is concerned: the desired config, a pending
 * force-reapply request (annotation value, or the force file), and the version of the desired
 * MachineConfig. Only a change of this cuts a backoff short; the echo of the agent's own Node
 * patch, drift the agent caused itself and re-lists leave it as it was.
 */
public record Intent(
    String desiredConfig, String forceToken, String configVersion, boolean forceFile) {
  public Intent {
    Objects.requireNonNull(desiredConfig, "desiredConfig");
    Objects.requireNonNull(forceToken, "forceToken");
    Objects.requireNonNull(configVersion, "configVersion");
  }
}
