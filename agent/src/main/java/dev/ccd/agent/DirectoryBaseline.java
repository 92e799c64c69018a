package dev.ccd.agent;

import dev.ccd.host.HostFiles;
import dev.ccd.machineconfig.DesiredFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files in the managed directories that are not ccd's but were there when the last update
 * finished: a file that appears later is drift ({@code unexpected file ... appeared}).
 */
final class DirectoryBaseline {
  private final HostFiles files;
  private final List<String> directories;
  private Set<String> known;

  DirectoryBaseline(HostFiles files, List<String> directories) {
    this.files = files;
    this.directories = List.copyOf(directories);
  }

  /** Files that are neither in {@code desired} nor in the baseline (taken now if there is none). */
  List<String> appeared(DesiredFiles desired) throws IOException {
    if (known == null) {
      rebase(desired);
      return List.of();
    }
    List<String> found = new ArrayList<>();
    for (String p : list()) {
      if (!known.contains(p) && desired.file(p).isEmpty()) {
        found.add(p);
      }
    }
    return found;
  }

  /** What is there now, less {@code desired}'s own files, becomes the baseline. */
  void rebase(DesiredFiles desired) throws IOException {
    Set<String> now = new HashSet<>(list());
    desired.files().forEach(f -> now.remove(f.path()));
    known = now;
  }

  private List<String> list() throws IOException {
    List<String> all = new ArrayList<>();
    for (String dir : directories) {
      for (String name : files.list(dir)) {
        all.add(dir.endsWith("/") ? dir + name : dir + "/" + name);
      }
    }
    return all;
  }
}
