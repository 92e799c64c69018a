package dev.ccd.it.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.FileState;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.Owner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The two configs the crash torture alternates between: many files, two of them large (so the
 * window between a temporary file's creation and its rename is wide), one whose mode changes, one
 * path only in A and one only in B (so updates also remove files), and policy.json, which the OS
 * shipped (so its original is saved and restored).
 */
final class TortureConfigs {
  static final String POOL = "worker";
  static final String A = "rendered-worker-torture-a";
  static final String B = "rendered-worker-torture-b";
  static final String POLICY = "/etc/containers/policy.json";
  static final String OS_REGISTRIES_CONF = "/etc/containers/registries.conf";
  static final String OS_REGISTRIES_TEXT = "unqualified-search-registries = [\"docker.io\"]\n";
  static final String OS_POLICY_TEXT = "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n";
  private static final String DIR = "/etc/containers/registries.conf.d/";
  private static final int LARGE_BYTES = 256 * 1024;

  private TortureConfigs() {}

  static List<DesiredFile> files(String config) {
    int v = config.equals(A) ? 1 : 2;
    List<DesiredFile> files = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      String text = dropIn(n, v) + (n <= 2 ? padding(n, v) : "");
      int mode = n == 3 && v == 2 ? 0600 : 0644;
      files.add(file(DIR + "5" + n + "-torture-" + n + ".conf", text, mode));
    }
    files.add(
        v == 1
            ? file(DIR + "60-only-a.conf", dropIn(6, 1), 0644)
            : file(DIR + "61-only-b.conf", dropIn(7, 2), 0644));
    files.add(file(POLICY, policy(v), 0644));
    return files;
  }

  /** Every path either config manages. */
  static List<String> paths() {
    TreeSet<String> all = new TreeSet<>();
    files(A).forEach(f -> all.add(f.path()));
    files(B).forEach(f -> all.add(f.path()));
    return List.copyOf(all);
  }

  /**
   * What each path holds once {@code config} is applied: its file, or absent (policy.json is never
   * absent: both configs manage it).
   */
  static Map<String, Optional<FileState>> expected(String config) {
    Map<String, Optional<FileState>> m = new TreeMap<>();
    for (String p : paths()) {
      m.put(p, Optional.empty());
    }
    for (DesiredFile f : files(config)) {
      m.put(f.path(), Optional.of(new FileState(f.content(), f.mode(), 0, 0)));
    }
    return m;
  }

  /** Writes both MachineConfigs as JSON files into {@code dir}; returns {@code [A, B]}. */
  static List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    for (String c : List.of(A, B)) {
      Path f = dir.resolve(c + ".json");
      Files.writeString(f, machineConfig(c));
      out.add(f);
    }
    return out;
  }

  static String machineConfig(String config) {
    return IgnitionEncoder.machineConfig(config, POOL, files(config)).toString();
  }

  /** A fresh root holding the OS's own registries.conf and policy.json. */
  static void seedRoot(Path root) throws IOException {
    Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    Files.writeString(root.resolve(OS_REGISTRIES_CONF.substring(1)), OS_REGISTRIES_TEXT);
    Files.writeString(root.resolve(POLICY.substring(1)), OS_POLICY_TEXT);
  }

  private static DesiredFile file(String path, String text, int mode) {
    return new DesiredFile(path, text.getBytes(UTF_8), mode, Owner.ROOT);
  }

  private static String dropIn(int n, int v) {
    return "[[registry]]\n"
        + "prefix = \"quay.io/torture"
        + n
        + "\"\n"
        + "location = \"quay.io/torture"
        + n
        + "\"\n\n"
        + "[[registry.mirror]]\n"
        + "location = \"mirror"
        + v
        + ".example.com/torture"
        + n
        + "\"\n";
  }

  /** Comment lines that differ between A and B on every line, so a mixed file is visible. */
  private static String padding(int n, int v) {
    StringBuilder b = new StringBuilder(LARGE_BYTES + 128);
    String line = "# config " + (v == 1 ? "A" : "B") + " file " + n + " padding line ";
    for (int i = 0; b.length() < LARGE_BYTES; i++) {
      b.append(line).append(i).append(" ").append("x".repeat(60)).append('\n');
    }
    return b.toString();
  }

  private static String policy(int v) {
    return "{\"default\":[{\"type\":\"insecureAcceptAnything\"}],"
        + "\"transports\":{\"docker\":{\"quay.io/torture"
        + v
        + "\":[{\"type\":\"insecureAcceptAnything\"}]}}}\n";
  }
}
