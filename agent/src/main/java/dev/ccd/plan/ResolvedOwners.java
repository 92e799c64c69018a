package dev.ccd.plan;

import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.InvalidConfigException;
import dev.ccd.machineconfig.Owner;
import dev.ccd.registries.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's user and group names → numeric ids (read by the caller from the host's passwd and
 * group files), so that planning stays pure. Only the names a config uses need to be present.
 */
public record ResolvedOwners(Map<String, Integer> users, Map<String, Integer> groups) {
  public static final ResolvedOwners NONE = new ResolvedOwners(Map.of(), Map.of());

  public ResolvedOwners {
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
  }

  /**
   * {@code files} with every owner numeric: an id wins over a name, absent means root (0); names
   * are kept alongside for messages.
   *
   * @throws InvalidConfigException naming each file whose user or group name is unknown
   */
  public DesiredFiles resolve(DesiredFiles files) {
    List<Problem> problems = new ArrayList<>();
    List<DesiredFile> out = new ArrayList<>();
    for (DesiredFile f : files.files()) {
      Owner o = f.owner();
      Optional<Integer> uid = o.uid().or(() -> o.user().map(users::get));
      Optional<Integer> gid = o.gid().or(() -> o.group().map(groups::get));
      if (uid.isEmpty() && o.user().isPresent()) {
        problems.add(
            Problem.error(
                files.configName(),
                f.path() + ": user.name",
                "failed to retrieve UserID for username: " + o.user().get()));
      }
      if (gid.isEmpty() && o.group().isPresent()) {
        problems.add(
            Problem.error(
                files.configName(),
                f.path() + ": group.name",
                "failed to retrieve GroupID for group name: " + o.group().get()));
      }
      Owner resolved =
          new Owner(Optional.of(uid.orElse(0)), o.user(), Optional.of(gid.orElse(0)), o.group());
      out.add(new DesiredFile(f.path(), f.content(), f.mode(), resolved));
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new DesiredFiles(files.configName(), out);
  }
}
