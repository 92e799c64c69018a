package dev.ccd.agent;

import dev.ccd.agent.ApplyOutcome.Applied;
import dev.ccd.agent.ApplyOutcome.Failed;
import dev.ccd.agent.ApplyOutcome.Rollback;
import dev.ccd.agent.ApplyOutcome.Unchanged;
import dev.ccd.agent.Journal.PathState;
import dev.ccd.agent.Journal.Phase;
import dev.ccd.host.HostFiles;
import dev.ccd.host.Mounts;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.observe.UpdatePhase;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.Plan;
import dev.ccd.plan.Step;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Carries out a {@link Plan} on the host: journal first, then the file steps inside a writable
 * window, then the crio action, then the record of the applied config. Any failure puts the
 * previous files back and tells crio again, so that crio's view matches the disk.
 *
 * <p>Both {@code ccd apply} and the agent use this one class.
 */
public final class Applier {
  private final HostFiles files;
  private final Mounts mounts;
  private final CrioControl crio;
  private final StateStore state;
  private final Clock clock;
  private final StepHook hook;

  public Applier(HostFiles files, Mounts mounts, CrioControl crio, StateStore state, Clock clock) {
    this(files, mounts, crio, state, clock, StepHook.NONE);
  }

  /**
   * With a hook called after each durable step, so crash tests can stop the process exactly there.
   */
  public Applier(
      HostFiles files,
      Mounts mounts,
      CrioControl crio,
      StateStore state,
      Clock clock,
      StepHook hook) {
    this.files = files;
    this.mounts = mounts;
    this.crio = crio;
    this.state = state;
    this.clock = clock;
    this.hook = hook;
  }

  private record StepFailure(String step, String path, String error) {}

  /** Called after each durable step with its name ({@code journal}, {@code write:PATH}, …). */
  @FunctionalInterface
  public interface StepHook {
    StepHook NONE = step -> {};

    void reached(String step);
  }

  /**
   * Applies {@code plan}, which moves the host from {@code previous} to {@code desired}. Owners in
   * {@code desired} must already be numeric.
   */
  public ApplyOutcome apply(Plan plan, AppliedConfig previous, DesiredFiles desired) {
    return apply(plan, previous, desired, UpdateTimer.discarding());
  }

  /**
   * As {@link #apply(Plan, AppliedConfig, DesiredFiles)}, timing its journal, write, crio and
   * record phases.
   */
  public ApplyOutcome apply(
      Plan plan, AppliedConfig previous, DesiredFiles desired, UpdateTimer timer) {
    if (plan.steps().isEmpty()) {
      // An earlier record write failed after crio took these very files: only the record is left.
      try {
        Optional<Journal> left = state.journal();
        if (left.isPresent()
            && left.get().phase() == Phase.CRIO_DONE
            && left.get().toConfig().equals(desired.configName())) {
          finish(left.get(), desired);
          return new Unchanged(desired.configName());
        }
      } catch (IOException e) {
        return failedBeforeChange(plan, "record", state.paths().appliedConfig(), e);
      }
    }
    if (plan.steps().isEmpty() && plan.disruption().crioAction() == CrioAction.NONE) {
      try {
        if (!previous.name().equals(desired.configName()) || previous.isNone()) {
          state.writeApplied(desired, clock.instant());
        }
      } catch (IOException e) {
        return failedBeforeChange(plan, "record", state.paths().appliedConfig(), e);
      }
      return new Unchanged(desired.configName());
    }

    List<PathState> before = new ArrayList<>();
    try {
      for (Step step : plan.steps()) {
        before.add(snapshot(step.path()));
      }
    } catch (IOException e) {
      return failedBeforeChange(plan, "read", "", e);
    }
    Set<String> ours =
        previous.files().files().stream().map(DesiredFile::path).collect(Collectors.toSet());
    for (PathState b : before) {
      if (b.existed() && !ours.contains(b.path())) {
        try {
          saveOriginalOnce(b);
        } catch (IOException e) {
          return failedBeforeChange(plan, "backup", b.path(), e);
        }
      }
    }

    Journal journal =
        new Journal(
            previous.name(),
            desired.configName(),
            Phase.WRITING,
            plan.disruption().crioAction(),
            before,
            desired.files().stream().map(Applier::stateOf).toList());
    try {
      timer.lap(UpdatePhase.WRITE); // snapshots and backups
      state.writeJournal(journal);
    } catch (IOException e) {
      return failedBeforeChange(plan, "journal", state.paths().journal(), e);
    }
    timer.lap(UpdatePhase.JOURNAL);
    hook.reached("journal");

    List<String> written = new ArrayList<>();
    Mounts.WritableWindow window;
    try {
      // No steps but a crio action: the files already match, crio may not have seen them yet.
      window =
          plan.steps().isEmpty() ? () -> {} : mounts.openWritable(commonDirectory(plan.steps()));
    } catch (IOException e) {
      // Nothing was written; the rollback only tells crio if it must.
      return rolledBack(
          plan, journal, "remount", commonDirectory(plan.steps()), e.getMessage(), false);
    }
    StepFailure failure = null;
    List<String> restoreErrors = new ArrayList<>();
    IOException closing = null;
    try {
      for (Step step : plan.steps()) {
        try {
          execute(step);
        } catch (IOException | RuntimeException e) {
          failure = new StepFailure(stepName(step), step.path(), String.valueOf(e.getMessage()));
          break;
        }
        written.add(step.path());
        hook.reached(stepName(step) + ":" + step.path());
      }
      if (failure != null) {
        // Restored inside the window that is already open: the mount is writable only once.
        restoreErrors.addAll(restoreFiles(journal));
      }
    } finally {
      try {
        window.close();
      } catch (IOException e) {
        closing = e;
      }
    }
    if (failure != null) {
      if (closing != null) {
        restoreErrors.add(
            commonDirectory(plan.steps()) + ": not read-only again: " + closing.getMessage());
      }
      // crio is told only now, with the window closed: a job may take minutes.
      Rollback r = tellCrio(journal, restoreErrors, !journal.before().isEmpty());
      return failedAfterRollback(plan, journal, failure.step(), failure.path(), failure.error(), r);
    }
    if (closing != null) {
      // Everything was written but the mount stays writable: undo, as for any failure.
      return rolledBack(
          plan, journal, "remount", commonDirectory(plan.steps()), closing.getMessage(), false);
    }

    timer.lap(UpdatePhase.WRITE);
    try {
      state.writeJournal(journal.at(Phase.FILES_WRITTEN));
    } catch (IOException e) {
      return rolledBack(plan, journal, "journal", state.paths().journal(), e.getMessage(), false);
    }
    timer.lap(UpdatePhase.JOURNAL);
    CrioOutcome outcome = crio.run(plan.disruption().crioAction());
    timer.lap(UpdatePhase.CRIO);
    hook.reached("crio");
    if (!outcome.succeeded()) {
      return rolledBack(plan, journal, "crio", crio.unit(), outcome.detail(), true);
    }
    try {
      state.writeJournal(journal.at(Phase.CRIO_DONE));
      timer.lap(UpdatePhase.JOURNAL);
      finish(journal, desired);
      timer.lap(UpdatePhase.RECORD);
    } catch (IOException e) {
      // crio runs the new files; a restart finishes the record from the journal.
      return new Failed(
          plan,
          "record",
          state.paths().appliedConfig(),
          e.getMessage(),
          new Rollback(
              false, List.of("journal kept; the next pass or start completes the record"), outcome),
          ApplyOutcome.Effect.APPLIED_UNRECORDED);
    }
    return new Applied(plan, List.copyOf(written), outcome);
  }

  /**
   * At start-up: finishes or rolls back an update that a crash interrupted. An update whose crio
   * action succeeded is finished; any other is rolled back, and crio told again if it may have seen
   * the new files.
   */
  public Optional<String> recover() throws IOException {
    Optional<Journal> found = state.journal();
    List<String> removed = removeTemporaryFiles(found);
    if (found.isEmpty()) {
      return removed.isEmpty()
          ? Optional.empty()
          : Optional.of(
              "removed "
                  + removed.size()
                  + " temporary file(s) an interrupted write left: "
                  + String.join(", ", removed));
    }
    Journal j = found.get();
    if (j.phase() == Phase.CRIO_DONE) {
      List<DesiredFile> desired =
          j.desired().stream()
              .map(
                  p ->
                      new DesiredFile(
                          p.path(),
                          p.file().content(),
                          p.file().mode(),
                          dev.ccd.machineconfig.Owner.ids(p.file().uid(), p.file().gid())))
              .toList();
      finish(j, new DesiredFiles(j.toConfig(), desired));
      return Optional.of(
          "finished the interrupted update " + j.fromConfig() + " → " + j.toConfig());
    }
    boolean crioMaySeeNew = j.phase() == Phase.FILES_WRITTEN;
    Rollback r = rollback(j, crioMaySeeNew);
    if (!r.complete()) {
      throw new IOException(
          "could not roll back the interrupted update "
              + j.fromConfig()
              + " → "
              + j.toConfig()
              + ": "
              + String.join("; ", r.errors()));
    }
    state.deleteJournal();
    return Optional.of(
        "rolled back the interrupted update "
            + j.fromConfig()
            + " → "
            + j.toConfig()
            + " (it stopped at "
            + j.phase()
            + "); crio "
            + r.crio().describe());
  }

  /**
   * Removes what a crash between a temporary file's create and rename left: in the state
   * directories (always writable) and in the managed directories and those the journal names (in a
   * writable window, opened only where there is something to remove). Runs after the journal was
   * read and checked, so a hostile journal removes nothing.
   */
  private List<String> removeTemporaryFiles(Optional<Journal> journal) throws IOException {
    Set<String> hostDirs = new java.util.TreeSet<>();
    state.managed().files().forEach(f -> hostDirs.add(parent(f)));
    state.managed().directories().forEach(d -> hostDirs.add(d.path()));
    journal.ifPresent(j -> j.before().forEach(b -> hostDirs.add(parent(b.path()))));
    Set<String> stateDirs = new java.util.TreeSet<>();
    stateDirs.add(state.paths().stateDir());
    hostDirs.forEach(d -> stateDirs.add(state.paths().originalsDir(d)));
    List<String> removed = new ArrayList<>();
    for (String d : stateDirs) {
      removed.addAll(files.removeTemporaryFiles(d));
    }
    for (String d : hostDirs) {
      if (!files.temporaryFiles(d).isEmpty()) {
        try (Mounts.WritableWindow w = mounts.openWritable(d)) {
          removed.addAll(files.removeTemporaryFiles(d));
        }
      }
    }
    return removed;
  }

  private void finish(Journal journal, DesiredFiles desired) throws IOException {
    state.writeApplied(desired, clock.instant());
    hook.reached("record");
    for (PathState b : journal.before()) {
      boolean stillDesired = desired.file(b.path()).isPresent();
      if (!stillDesired) {
        files.delete(state.paths().original(b.path()));
      }
    }
    state.deleteJournal();
  }

  private ApplyOutcome rolledBack(
      Plan plan, Journal journal, String step, String path, String error, boolean crioTried) {
    Rollback r = rollback(journal, crioTried || !journal.before().isEmpty());
    return failedAfterRollback(plan, journal, step, path, error, r);
  }

  private ApplyOutcome failedAfterRollback(
      Plan plan, Journal journal, String step, String path, String error, Rollback rollback) {
    Rollback r = rollback;
    if (r.complete()) {
      try {
        state.deleteJournal();
      } catch (IOException e) {
        r = new Rollback(false, List.of("journal not removed: " + e.getMessage()), r.crio());
      }
    }
    return new Failed(plan, step, path, error, r);
  }

  /**
   * Puts the files of {@code journal} back inside a writable window of their own, closes it, then
   * tells crio (never with the mount held writable while a job runs).
   */
  private Rollback rollback(Journal journal, boolean tellCrio) {
    List<String> errors = new ArrayList<>();
    String dir = commonDirectoryOf(journal.before().stream().map(PathState::path).toList());
    // Reading needs no window: a mount that cannot be made writable fails only a rollback that
    // has something to put back (after a failed remount, nothing changed and nothing is needed).
    if (!journal.before().isEmpty() && anyChanged(journal)) {
      try (Mounts.WritableWindow w = mounts.openWritable(dir)) {
        errors.addAll(restoreFiles(journal));
      } catch (IOException e) {
        errors.add(dir + ": " + e.getMessage());
      }
    }
    return tellCrio(journal, errors, tellCrio);
  }

  /**
   * Whether some path of {@code journal} no longer holds what it held before (or is unreadable).
   */
  private boolean anyChanged(Journal journal) {
    for (PathState b : journal.before()) {
      try {
        Optional<FileState> now = files.read(b.path());
        if (b.existed() ? !now.map(b.file()::equals).orElse(false) : now.isPresent()) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        return true; // restoreFiles reports it
      }
    }
    return false;
  }

  /** Restores every path of {@code journal}, last first; the caller holds the window open. */
  private List<String> restoreFiles(Journal journal) {
    List<String> errors = new ArrayList<>();
    List<PathState> reversed = new ArrayList<>(journal.before());
    java.util.Collections.reverse(reversed);
    for (PathState b : reversed) {
      try {
        if (b.existed()) {
          if (!files.read(b.path()).map(b.file()::equals).orElse(false)) {
            write(b.path(), b.file());
          }
        } else {
          files.delete(b.path());
        }
      } catch (IOException | RuntimeException e) {
        errors.add(b.path() + ": " + e.getMessage());
      }
    }
    return errors;
  }

  private Rollback tellCrio(Journal journal, List<String> errors, boolean tellCrio) {
    CrioAction action = journal.crioAction();
    // crio is told even when a file could not be restored: its view should match the disk.
    CrioOutcome told =
        tellCrio && action != CrioAction.NONE ? crio.run(action) : CrioOutcome.none();
    return new Rollback(errors.isEmpty(), errors, told);
  }

  /** A failure before any managed file changed: nothing to roll back. */
  private static Failed failedBeforeChange(Plan plan, String step, String path, IOException e) {
    return new Failed(
        plan,
        step,
        path,
        String.valueOf(e.getMessage()),
        new Rollback(true, List.of(), CrioOutcome.none()),
        ApplyOutcome.Effect.UNCHANGED);
  }

  private void execute(Step step) throws IOException {
    // Java 17 has no pattern switch; Step is sealed to these two.
    if (step instanceof Step.WriteFile w) {
      DesiredFile f = w.file();
      files.writeAtomically(
          f.path(), f.content(), f.mode(), f.owner().uid().orElse(0), f.owner().gid().orElse(0));
    } else if (step instanceof Step.RemoveFile r) {
      Optional<FileState> original =
          r.restoreOriginal() ? files.read(state.paths().original(r.path())) : Optional.empty();
      if (original.isPresent()) {
        write(r.path(), original.get());
      } else {
        files.delete(r.path());
      }
    }
  }

  private void write(String path, FileState f) throws IOException {
    files.writeAtomically(path, f.content(), f.mode(), f.uid(), f.gid());
  }

  private void saveOriginalOnce(PathState b) throws IOException {
    String saved = state.paths().original(b.path());
    if (files.read(saved).isEmpty()) {
      write(saved, b.file());
    }
  }

  private PathState snapshot(String path) throws IOException {
    Optional<FileState> f = files.read(path);
    return new PathState(path, f.orElse(null));
  }

  private static PathState stateOf(DesiredFile f) {
    return new PathState(
        f.path(),
        new FileState(f.content(), f.mode(), f.owner().uid().orElse(0), f.owner().gid().orElse(0)));
  }

  private static String stepName(Step step) {
    return step instanceof Step.RemoveFile ? "remove" : "write";
  }

  private static String commonDirectory(List<Step> steps) {
    return commonDirectoryOf(steps.stream().map(Step::path).toList());
  }

  /** The deepest directory holding every path ({@code /etc/containers} for managed files). */
  static String commonDirectoryOf(List<String> paths) {
    if (paths.isEmpty()) {
      return "/";
    }
    String common = parent(paths.get(0));
    for (String p : paths) {
      while (!p.startsWith(common.endsWith("/") ? common : common + "/")) {
        common = parent(common);
      }
    }
    return common;
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}
