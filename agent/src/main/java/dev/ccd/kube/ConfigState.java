package dev.ccd.kube;

import java.util.Optional;

/** The node's update state, the values of the {@code state} annotation (MCD's own). */
public enum ConfigState {
  DONE("Done"),
  WORKING("Working"),
  DEGRADED("Degraded"),
  UNRECONCILABLE("Unreconcilable");

  private final String wire;

  ConfigState(String wire) {
    this.wire = wire;
  }

  /** The annotation value, e.g. {@code Done}. */
  public String wire() {
    return wire;
  }

  /** The state for an annotation value (exact, case-sensitive), or empty if it is none of ours. */
  public static Optional<ConfigState> parse(String value) {
    for (ConfigState s : values()) {
      if (s.wire.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
