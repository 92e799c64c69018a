package dev.ccd.agent;

import dev.ccd.plan.CrioAction;

/**
 * What happened to crio for one action: whether it was performed (there is no system bus in a local
 * {@code --root} run, or {@code --no-reload} was given), the job result and unit state.
 */
public record CrioOutcome(CrioAction action, boolean performed, boolean succeeded, String detail) {
  public static CrioOutcome none() {
    return new CrioOutcome(CrioAction.NONE, false, true, "no crio action needed");
  }

  public static CrioOutcome notPerformed(CrioAction action, String why) {
    return new CrioOutcome(action, false, true, why);
  }

  /** One line for people: {@code reload crio.service: done (active)}. */
  public String describe() {
    if (action == CrioAction.NONE) {
      return "none";
    }
    String verb = action.name().toLowerCase(java.util.Locale.ROOT);
    return performed ? verb + " " + detail : verb + " (recorded, not performed: " + detail + ")";
  }
}
