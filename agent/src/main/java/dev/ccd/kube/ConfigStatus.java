package dev.ccd.kube;

import java.util.Optional;

/**
 * What a Node's annotations say about its configuration. Missing configs are empty strings, as on a
 * fresh node; {@code forceReapply} is the value of ccd's force annotation (empty: none).
 */
public record ConfigStatus(
    String currentConfig,
    String desiredConfig,
    ConfigState state,
    String reason,
    String forceReapply,
    String forceReapplyDone) {

  public ConfigStatus {
    currentConfig = orEmpty(currentConfig);
    desiredConfig = orEmpty(desiredConfig);
    state = state == null ? ConfigState.DONE : state;
    reason = orEmpty(reason);
    forceReapply = orEmpty(forceReapply);
    forceReapplyDone = orEmpty(forceReapplyDone);
  }

  /** The desired config, or empty when no one has asked for any. */
  public Optional<String> desired() {
    return desiredConfig.isEmpty() ? Optional.empty() : Optional.of(desiredConfig);
  }

  /** True when the node should move to (or re-apply) its desired config. */
  public boolean updateRequested() {
    return !desiredConfig.isEmpty()
        && (!desiredConfig.equals(currentConfig) || forceReapplyPending());
  }

  /** True when someone set the force annotation to a value the agent has not acted on yet. */
  public boolean forceReapplyPending() {
    return !forceReapply.isEmpty() && !forceReapply.equals(forceReapplyDone);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
