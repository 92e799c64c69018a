package dev.ccd.agent;

import dev.ccd.machineconfig.FileState;
import dev.ccd.plan.CrioAction;
import java.util.List;
import java.util.Objects;

/**
 * The record of an update in progress, persisted before the first file changes: which config it
 * moves from and to, how far it got, and what every touched path held before, so that a restart can
 * roll it back, or finish it once crio has taken it (hence the desired files too).
 */
public record Journal(
    String fromConfig,
    String toConfig,
    Phase phase,
    CrioAction crioAction,
    List<PathState> before,
    List<PathState> desired) {

  public Journal {
    Objects.requireNonNull(phase, "phase");
    before = List.copyOf(before);
    desired = List.copyOf(desired);
  }

  public Journal at(Phase next) {
    return new Journal(fromConfig, toConfig, next, crioAction, before, desired);
  }

  /** How far an update got. */
  public enum Phase {
    /** Journal written; files may be partly written; crio not yet asked. */
    WRITING,
    /** All files written; the crio action may or may not have run. */
    FILES_WRITTEN,
    /** crio took the new files; only the record of the applied config is missing. */
    CRIO_DONE
  }

  /** One path: absent ({@code file} null), or its bytes, mode and numeric owner. */
  public record PathState(String path, FileState file) {
    public static PathState absent(String path) {
      return new PathState(path, null);
    }

    public boolean existed() {
      return file != null;
    }
  }
}
