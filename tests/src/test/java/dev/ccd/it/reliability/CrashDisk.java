package dev.ccd.it.reliability;

import dev.ccd.agent.Journal;
import dev.ccd.agent.StatePaths;
import dev.ccd.agent.StateStore;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.machineconfig.FileState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a crash left on one root, read from the disk only: the journal's phase, temporary files, and
 * whether every managed file is whole (equal to its state in A or in B, never torn or mixed).
 */
final class CrashDisk {
  private final Path root;
  private final PosixHostFiles files;
  private final StateStore store;

  CrashDisk(Path root) {
    this.root = root;
    this.files = new PosixHostFiles(root);
    this.store = new StateStore(files, StatePaths.DEFAULT);
  }

  /** The journal's phase, or empty when there is none. A journal that does not parse throws. */
  Optional<Journal.Phase> phase() throws IOException {
    return store.journal().map(Journal::phase);
  }

  /** The name of the config recorded as completely applied ("" when none). */
  String recorded() throws IOException {
    return store.applied().isNone() ? "" : store.applied().name();
  }

  /** Every {@code .ccd-tmp-} file under the root. */
  List<Path> tempFiles() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().contains(".ccd-tmp-")).toList();
    }
  }

  /** The paths (with what they hold) that equal neither A's nor B's state; empty when whole. */
  List<String> tornOrMixed() throws IOException {
    Map<String, Optional<FileState>> a = TortureConfigs.expected(TortureConfigs.A);
    Map<String, Optional<FileState>> b = TortureConfigs.expected(TortureConfigs.B);
    List<String> bad = new ArrayList<>();
    for (String p : TortureConfigs.paths()) {
      Optional<FileState> now = files.read(p);
      if (!now.equals(a.get(p)) && !now.equals(b.get(p))) {
        bad.add(p + " holds " + now.map(FileState::toString).orElse("nothing"));
      }
    }
    Optional<FileState> os = files.read(TortureConfigs.OS_REGISTRIES_CONF);
    if (os.isEmpty()
        || !new String(os.get().content(), StandardCharsets.UTF_8)
            .equals(TortureConfigs.OS_REGISTRIES_TEXT)) {
      bad.add(TortureConfigs.OS_REGISTRIES_CONF + " (the OS's, never managed) changed");
    }
    return bad;
  }

  /** The paths that differ from {@code config} exactly; empty when the set is that config. */
  List<String> differencesFrom(String config) throws IOException {
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, Optional<FileState>> e : TortureConfigs.expected(config).entrySet()) {
      Optional<FileState> now = files.read(e.getKey());
      if (!now.equals(e.getValue())) {
        bad.add(
            e.getKey()
                + " holds "
                + now.map(FileState::toString).orElse("nothing")
                + ", "
                + config
                + " wants "
                + e.getValue().map(FileState::toString).orElse("nothing"));
      }
    }
    try (Stream<Path> s = Files.list(root.resolve("etc/containers/registries.conf.d"))) {
      for (Path p : s.toList()) {
        String host = "/" + root.relativize(p);
        if (!TortureConfigs.paths().contains(host)) {
          bad.add(host + " is in no config");
        }
      }
    }
    return bad;
  }

  /**
   * The crio actions in {@code crio.log} (a reload, or a restart counted once by its start); lines
   * saying an action failed are returned as failures in {@code failed}.
   */
  static CrioLog crioLog(Path sandboxDir) throws IOException {
    long actions = 0;
    long failed = 0;
    for (String line : Files.readAllLines(sandboxDir.resolve("crio.log"))) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      Instant.parse(f[1]);
      switch (f[0]) {
        case "reload", "start" -> actions++;
        case "stop" -> {}
        default -> failed++;
      }
    }
    return new CrioLog(actions, failed);
  }

  record CrioLog(long actions, long failed) {}
}
