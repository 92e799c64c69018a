package dev.ccd.agent;

import dev.ccd.plan.Plan;
import java.util.List;

/** How an attempt to apply a {@link Plan} ended. */
public sealed interface ApplyOutcome {

  /** The host already matched; only the record of the applied config may have been renamed. */
  record Unchanged(String config) implements ApplyOutcome {}

  /** Files written and crio told (or the action recorded, when there is no systemd to tell). */
  record Applied(Plan plan, List<String> written, CrioOutcome crio) implements ApplyOutcome {}

  /** What a failed attempt left on the host. */
  enum Effect {
    /** It failed before any managed file changed. */
    UNCHANGED,
    /** Files changed and were all put back (crio told again). */
    ROLLED_BACK,
    /** Files changed and at least one could not be put back. */
    ROLLBACK_INCOMPLETE,
    /** The files are applied and crio took them, but the record of the applied config is not. */
    APPLIED_UNRECORDED
  }

  /**
   * A step failed; the files were put back as they were and crio told again, unless {@code effect}
   * says otherwise. {@code step} is {@code read}, {@code backup}, {@code journal}, {@code write},
   * {@code remove}, {@code remount}, {@code crio} or {@code record}.
   */
  record Failed(Plan plan, String step, String path, String error, Rollback rollback, Effect effect)
      implements ApplyOutcome {
    /** A failure after files changed: rolled back, completely or not. */
    public Failed(Plan plan, String step, String path, String error, Rollback rollback) {
      this(
          plan,
          step,
          path,
          error,
          rollback,
          rollback.complete() ? Effect.ROLLED_BACK : Effect.ROLLBACK_INCOMPLETE);
    }

    /** One line naming step, file and error, then the rollback: the Degraded reason. */
    public String reason() {
      return "step " + step + " " + path + " failed: " + error + "; " + rollback.describe();
    }
  }

  /**
   * What the rollback did: every path restored ({@code complete}) or the errors, and what crio said
   * when it was told again.
   */
  record Rollback(boolean complete, List<String> errors, CrioOutcome crio) {
    public Rollback {
      errors = List.copyOf(errors);
    }

    public String describe() {
      String files =
          complete
              ? "previous files restored"
              : "rollback incomplete: " + String.join("; ", errors);
      return files + ", crio " + crio.describe();
    }
  }
}
