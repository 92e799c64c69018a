package dev.ccd.it.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.host.LinuxMounts;
import dev.ccd.host.Mounts.WritableWindow;
import dev.ccd.host.PosixHostFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs inside {@code unshare -m --propagation private} only (it checks): makes DIR/root/etc a
 * read-only bind mount, then exercises LinuxMounts + PosixHostFiles. Modes: {@code window}, {@code
 * crash}, and {@code open-and-hang} (the child that {@code crash} kills).
 */
public final class ReadOnlyWindowScenario {
  private static final String CONF = "/etc/containers/registries.conf";

  private ReadOnlyWindowScenario() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dir = Path.of(args[1]).toAbsolutePath();
    Path root = dir.resolve("root");
    Path etc = root.resolve("etc");
    Path state = root.resolve("run/ccd/writable-mounts");
    requirePrivateMountNamespace(args[2]);
    switch (mode) {
      case "window" -> window(root, etc, state);
      case "crash" -> crash(dir, root, etc, state, args[2]);
      case "open-and-hang" -> openAndHang(root, state);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    System.out.println("SCENARIO OK " + mode);
  }

  private static void window(Path root, Path etc, Path state) throws Exception {
    readOnlyEtc(etc);
    LinuxMounts mounts = new LinuxMounts(root, state);
    PosixHostFiles files = new PosixHostFiles(root);
    long nanos;
    try (WritableWindow w = mounts.openWritable("/etc/containers")) {
      assertThat(state).as("window recorded while open").exists();
      long start = System.nanoTime();
      files.writeAtomically(CONF, "new\n".getBytes(UTF_8), 0644, 0, 0);
      nanos = System.nanoTime() - start;
    }
    System.out.printf("atomic write inside the window took %d us%n", nanos / 1000);
    assertReadOnly(etc);
    assertThat(files.read(CONF).orElseThrow().content()).isEqualTo("new\n".getBytes(UTF_8));
    assertThat(state).as("record removed on close").doesNotExist();
  }

  private static void crash(Path dir, Path root, Path etc, Path state, String hostNamespace)
      throws Exception {
    readOnlyEtc(etc);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ReadOnlyWindowScenario.class.getName(),
                "open-and-hang",
                dir.toString(),
                hostNamespace)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
    assertThat(out.readLine()).as("child reports its open window").isEqualTo("OPEN");
    child.destroyForcibly().waitFor(); // SIGKILL: no finally, no close
    Files.writeString(etc.resolve("containers/probe"), "rw");
    Files.delete(etc.resolve("containers/probe"));
    assertThat(state).as("the killed run's record").exists();

    List<String> restored = new LinuxMounts(root, state).restoreAfterCrash();

    assertThat(restored).containsExactly(etc.toRealPath().toString());
    assertReadOnly(etc);
    assertThat(state).doesNotExist();
  }

  private static void openAndHang(Path root, Path state) throws IOException {
    new LinuxMounts(root, state).openWritable("/etc/containers");
    System.out.println("OPEN");
    System.out.flush();
    System.in.read(); // the parent kills us here
  }

  private static void readOnlyEtc(Path etc) throws Exception {
    Files.createDirectories(etc.resolve("containers"));
    Files.writeString(etc.resolve("containers/registries.conf"), "old\n");
    run("mount", "--bind", etc.toString(), etc.toString());
    run("mount", "-o", "remount,bind,ro", etc.toString());
    assertReadOnly(etc);
  }

  private static void assertReadOnly(Path etc) {
    assertThatThrownBy(() -> Files.writeString(etc.resolve("containers/probe"), "x"))
        .as("writing under %s must fail with EROFS", etc)
        .hasMessageContaining("Read-only file system");
  }

  /** {@code hostNamespace}: the launching JVM's /proc/self/ns/mnt link, e.g. mnt:[4026531841]. */
  private static void requirePrivateMountNamespace(String hostNamespace) throws IOException {
    String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
    if (mine.equals(hostNamespace) || !hostNamespace.startsWith("mnt:")) {
      throw new IllegalStateException(
          "refusing to touch mounts: not in a private mount namespace (run under unshare -m)");
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue());
    }
  }
}
