package dev.ccd.host;

import java.io.IOException;
import java.time.Duration;

/** The host's service manager, as far as the agent needs it: reload or restart one unit. */
public interface Systemd {

  /** {@code ReloadUnit(unit, "replace")}, then waits for the job's result and the unit's state. */
  JobOutcome reload(String unit, Duration timeout) throws IOException;

  /** {@code RestartUnit(unit, "replace")}, then waits for the job's result and the unit's state. */
  JobOutcome restart(String unit, Duration timeout) throws IOException;

  /** The unit's {@code ActiveState} ({@code active}, {@code failed}, …). */
  String activeState(String unit) throws IOException;

  /**
   * What became of one job: the job's {@code JobRemoved} result ({@code done}, {@code failed},
   * {@code canceled}, {@code timeout}, …, or {@code no-result-within-timeout}) and the unit's
   * {@code ActiveState} afterwards.
   */
  record JobOutcome(String unit, String job, String result, String activeState) {
    public boolean succeeded() {
      return "done".equals(result) && "active".equals(activeState);
    }
  }
}
