package dev.ccd.agent;

import dev.ccd.plan.Plan;
import java.util.List;

/** How an attempt to apply a {@link Plan} ended. */
public sealed interface ApplyOutcome {

  /** The host already matched; only the record of the applied config may have been renamed. */
  record Unchanged(String config) implements ApplyOutcome {}

  /** Files written and crio told (or the action recorded, when there is no systemd to tell). */
  record Applied(Plan plan, List<String> written, CrioOutcome crio) implements ApplyOutcome {}

  /**
   * A step failed; the files were put back as they were and crio told again. {@code step} is {@code
   * write}, {@code remove}, {@code backup}, {@code journal} or {@code crio}.
   */
  record Failed(Plan plan, String step, String path, String error, Rollback rollback)
      implements ApplyOutcome {
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
