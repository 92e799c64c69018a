package dev.ccd.plan;

import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what an update does: compares the desired files with the host's (decoded bytes, mode,
 * numeric owner — never encodings) and asks the {@link DisruptionPolicy} what the change costs.
 * Pure.
 */
public final class Planner {
  private final DisruptionPolicy policy;

  public Planner(DisruptionPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * The plan from {@code previous} (the config last applied completely; {@link DesiredFiles#empty}
   * on a fresh node) to {@code desired}, given what is on disk.
   *
   * <p>Writes come first in path order, then removals in path order. A path that left the config is
   * removed only when something is there to undo: the file exists, or an original was saved.
   *
   * @throws dev.ccd.machineconfig.InvalidConfigException when an owner name cannot be resolved
   */
  public Plan plan(
      DesiredFiles previous, DesiredFiles desired, CurrentFiles current, ResolvedOwners owners) {
    DesiredFiles resolved = owners.resolve(desired);
    List<Step> steps = new ArrayList<>();
    resolved.files().stream()
        .sorted(Comparator.comparing(DesiredFile::path))
        .forEach(
            f ->
                change(f, current.file(f.path()))
                    .ifPresent(c -> steps.add(new Step.WriteFile(f, c))));
    previous.files().stream()
        .map(DesiredFile::path)
        .filter(p -> desired.file(p).isEmpty())
        .distinct()
        .sorted()
        .filter(p -> current.file(p).isPresent() || current.hasSavedOriginal(p))
        .forEach(p -> steps.add(new Step.RemoveFile(p, current.hasSavedOriginal(p))));
    Disruption disruption = policy.decide(previous, desired, steps);
    return new Plan(previous.configName(), desired.configName(), steps, disruption);
  }

  /** What writing {@code f} would change on disk; empty when the disk already matches. */
  static Optional<Step.Change> change(DesiredFile f, Optional<FileState> onDisk) {
    if (onDisk.isEmpty()) {
      return Optional.of(Step.Change.CREATE);
    }
    FileState s = onDisk.get();
    boolean content = !Arrays.equals(f.content(), s.content());
    boolean metadata =
        f.mode() != s.mode()
            || f.owner().uid().orElse(0) != s.uid()
            || f.owner().gid().orElse(0) != s.gid();
    if (content && metadata) {
      return Optional.of(Step.Change.CONTENT_AND_METADATA);
    }
    if (content) {
      return Optional.of(Step.Change.CONTENT);
    }
    return metadata ? Optional.of(Step.Change.METADATA) : Optional.empty();
  }
}
