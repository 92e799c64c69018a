package dev.ccd.plan;

import java.util.List;

/** Everything an update will do, decided before anything is done. */
public record Plan(String fromConfig, String toConfig, List<Step> steps, Disruption disruption) {
  public Plan {
    steps = List.copyOf(steps);
  }

  /** Nothing to write and nothing to tell crio. */
  public boolean isEmpty() {
    return steps.isEmpty() && disruption.crioAction() == CrioAction.NONE;
  }
}
