package dev.ccd.agent;

import dev.ccd.host.HostFiles;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.machineconfig.IgnitionDecoder;
import dev.ccd.machineconfig.InvalidConfigException;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.machineconfig.Owner;
import dev.ccd.observe.UpdatePhase;
import dev.ccd.plan.CurrentFiles;
import dev.ccd.plan.Plan;
import dev.ccd.plan.Planner;
import dev.ccd.plan.ResolvedOwners;
import dev.ccd.registries.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything before the first write, shared by {@code ccd apply} and the agent: read the
 * MachineConfig, decode its Ignition files, validate their contents, resolve owners, read the
 * host's current files and plan. Bad input comes back as {@link Prepared.Invalid} naming file and
 * field; nothing here writes.
 */
public final class UpdatePreparation {
  private final HostFiles files;
  private final ManagedPaths managed;
  private final StatePaths paths;
  private final Planner planner;
  private final ContentCheck contents;

  public UpdatePreparation(
      HostFiles files,
      ManagedPaths managed,
      StatePaths paths,
      Planner planner,
      ContentCheck contents) {
    this.files = files;
    this.managed = managed;
    this.paths = paths;
    this.planner = planner;
    this.contents = contents;
  }

  /** Checks decoded file contents (registries.conf TOML and rules, policy.json schema …). */
  @FunctionalInterface
  public interface ContentCheck {
    List<Problem> check(DesiredFiles files);
  }

  /** The outcome of a preparation. */
  public sealed interface Prepared {
    /** Input that no retry can fix; every problem names file and field. */
    record Invalid(String config, List<Problem> problems) implements Prepared {
      public Invalid {
        problems = List.copyOf(problems);
      }

      /** One line per error, for the Unreconcilable reason. */
      public String reason() {
        StringBuilder b = new StringBuilder();
        for (Problem p : problems) {
          if (p.isError()) {
            b.append(b.length() == 0 ? "" : "; ").append(p);
          }
        }
        return b.toString();
      }
    }

    /** The desired files (owners numeric), the host's files, the plan and any warnings. */
    record Ready(DesiredFiles desired, CurrentFiles current, Plan plan, List<Problem> warnings)
        implements Prepared {
      public Ready {
        warnings = List.copyOf(warnings);
      }
    }
  }

  /**
   * Prepares the update to the MachineConfig in {@code text} ({@code source} names it in messages)
   * from {@code previous}. Reading the host may fail (a symbolic link where a managed file should
   * be): that is an {@link IOException}, not invalid input.
   */
  public Prepared prepare(String text, String source, AppliedConfig previous) throws IOException {
    return prepare(text, source, previous, UpdateTimer.discarding());
  }

  /** As {@link #prepare(String, String, AppliedConfig)}, timing its decode and plan phases. */
  public Prepared prepare(String text, String source, AppliedConfig previous, UpdateTimer timer)
      throws IOException {
    DesiredFiles decoded;
    List<Problem> warnings = new ArrayList<>();
    try {
      MachineConfigDocument doc = MachineConfigReader.parse(text, source);
      IgnitionDecoder.Decoded d = IgnitionDecoder.check(doc, managed);
      decoded = d.files();
      warnings.addAll(d.warnings());
    } catch (InvalidConfigException e) {
      return new Prepared.Invalid(source, e.problems());
    }
    String name = decoded.configName();
    List<Problem> found = contents.check(decoded);
    if (found.stream().anyMatch(Problem::isError)) {
      return new Prepared.Invalid(name, found);
    }
    warnings.addAll(found);

    ResolvedOwners owners = owners(decoded);
    DesiredFiles desired;
    try {
      desired = owners.resolve(decoded);
    } catch (InvalidConfigException e) {
      return new Prepared.Invalid(name, e.problems());
    }
    timer.lap(UpdatePhase.DECODE);
    CurrentFiles current = current(previous, desired);
    Plan plan = planner.plan(previous.files(), desired, current, owners);
    timer.lap(UpdatePhase.PLAN);
    return new Prepared.Ready(desired, current, plan, warnings);
  }

  /**
   * Compares the host with the config applied last (the drift check): no MachineConfig is read, so
   * checking costs no API call. A plan with steps means the host drifted.
   */
  public Prepared.Ready verify(AppliedConfig applied) throws IOException {
    DesiredFiles files = applied.files();
    CurrentFiles current = current(applied, files);
    Plan plan = planner.plan(files, files, current, ResolvedOwners.NONE);
    return new Prepared.Ready(files, current, plan, List.of());
  }

  /** The host's files at every path of either config, and which have a saved original. */
  private CurrentFiles current(AppliedConfig previous, DesiredFiles desired) throws IOException {
    Set<String> all = new TreeSet<>();
    previous.files().files().forEach(f -> all.add(f.path()));
    desired.files().forEach(f -> all.add(f.path()));
    Map<String, FileState> now = new HashMap<>();
    Set<String> originals = new HashSet<>();
    for (String p : all) {
      Optional<FileState> f = files.read(p);
      f.ifPresent(s -> now.put(p, s));
      if (files.read(paths.original(p)).isPresent()) {
        originals.add(p);
      }
    }
    return new CurrentFiles(now, originals);
  }

  private ResolvedOwners owners(DesiredFiles decoded) throws IOException {
    Map<String, Integer> users = new HashMap<>();
    Map<String, Integer> groups = new HashMap<>();
    for (DesiredFile f : decoded.files()) {
      Owner o = f.owner();
      if (o.uid().isEmpty() && o.user().isPresent()) {
        OptionalInt id = files.uidOf(o.user().get());
        if (id.isPresent()) {
          users.put(o.user().get(), id.getAsInt());
        }
      }
      if (o.gid().isEmpty() && o.group().isPresent()) {
        OptionalInt id = files.gidOf(o.group().get());
        if (id.isPresent()) {
          groups.put(o.group().get(), id.getAsInt());
        }
      }
    }
    return new ResolvedOwners(users, groups);
  }
}
