package dev.ccd.plan;

import java.util.List;

/**
 * What a set of file changes costs the node: the crio action and whether workloads must be drained
 * first, with the reasons that led there (one line each, naming file and rule).
 */
public record Disruption(CrioAction crioAction, boolean drain, List<String> reasons) {
  public Disruption {
    reasons = List.copyOf(reasons);
  }

  public static final Disruption NONE = new Disruption(CrioAction.NONE, false, List.of());

  /** {@code none}, {@code reload}, {@code restart}, {@code drain+reload}, {@code drain+restart}. */
  public String label() {
    String action = crioAction.name().toLowerCase(java.util.Locale.ROOT);
    return drain ? "drain+" + action : action;
  }
}
