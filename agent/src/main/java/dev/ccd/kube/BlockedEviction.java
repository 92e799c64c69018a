package dev.ccd.kube;

import java.util.List;
import java.util.Objects;

/**
 * An eviction the API refused: the pod, the PodDisruptionBudgets that forbid it (empty when the
 * refusal was for another cause), and the API's message.
 */
public record BlockedEviction(String pod, List<String> disruptionBudgets, String message) {
  public BlockedEviction {
    Objects.requireNonNull(pod, "pod");
    disruptionBudgets = List.copyOf(disruptionBudgets);
    message = message == null ? "" : message;
  }

  /** {@code pod ns/a blocked by PodDisruptionBudget ns/pdb}, or the pod and the API's words. */
  public String describe() {
    if (!disruptionBudgets.isEmpty()) {
      return "pod "
          + pod
          + " blocked by PodDisruptionBudget "
          + String.join(", ", disruptionBudgets);
    }
    return "pod " + pod + " not evicted" + (message.isEmpty() ? "" : ": " + message);
  }
}
