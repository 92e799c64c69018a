package dev.ccd.agent;

import dev.ccd.host.Systemd;
import dev.ccd.plan.CrioAction;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the crio action of a plan through systemd, or records it where ccd is told not to act
 * ({@code apply --no-reload}, the demo). The agent and a plain {@code apply} are always wired with
 * systemd: a recorded action there would be a Done without crio knowing.
 */
public final class CrioControl {
  private final Optional<Systemd> systemd;
  private final String unit;
  private final Duration timeout;
  private final String whyAbsent;

  private CrioControl(Optional<Systemd> systemd, String unit, Duration timeout, String whyAbsent) {
    this.systemd = systemd;
    this.unit = Objects.requireNonNull(unit);
    this.timeout = Objects.requireNonNull(timeout);
    this.whyAbsent = whyAbsent;
  }

  public static CrioControl using(Systemd systemd, String unit, Duration timeout) {
    return new CrioControl(Optional.of(systemd), unit, timeout, "");
  }

  /**
   * A control that performs nothing and says so in every outcome, in the words of {@code why} (e.g.
   * "recorded, not performed: --no-reload given").
   */
  public static CrioControl recordingOnly(String why) {
    return new CrioControl(Optional.empty(), "crio.service", Duration.ZERO, why);
  }

  public String unit() {
    return unit;
  }

  /** How long one systemd job may take (the agent's liveness allows for two in a pass). */
  public Duration timeout() {
    return timeout;
  }

  public CrioOutcome run(CrioAction action) {
    if (action == CrioAction.NONE) {
      return CrioOutcome.none();
    }
    if (systemd.isEmpty()) {
      return CrioOutcome.notPerformed(action, whyAbsent);
    }
    try {
      Systemd.JobOutcome job =
          action == CrioAction.RESTART
              ? systemd.get().restart(unit, timeout)
              : systemd.get().reload(unit, timeout);
      String detail = unit + ": job " + job.result() + ", unit " + job.activeState();
      return new CrioOutcome(action, true, job.succeeded(), detail);
    } catch (IOException | RuntimeException e) {
      return new CrioOutcome(action, true, false, unit + ": " + e.getMessage());
    }
  }
}
