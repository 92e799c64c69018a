package dev.ccd.agent;

import dev.ccd.plan.CrioAction;

/**
 * What happened to crio for one action: whether it was performed (not with {@code apply
 * --no-reload} or in the demo; {@code detail} then says so in full), the job result and unit state.
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
    return performed ? verb + " " + detail : verb + " (" + detail + ")";
  }
}
