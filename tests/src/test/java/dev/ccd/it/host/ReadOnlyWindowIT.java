package dev.ccd.it.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.RootGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LinuxMounts and PosixHostFiles on a real read-only bind mount, inside a private mount namespace
 * ({@code unshare -m}) so this machine's mounts are never changed.
 */
class ReadOnlyWindowIT {

  @BeforeAll
  static void root() {
    RootGuard.requireRootOrSkip("mount namespaces (unshare -m)");
  }

  @ParameterizedTest(name = "scenario {0}")
  @ValueSource(strings = {"window", "crash"})
  void scenarioInsideAPrivateMountNamespace(String mode) throws Exception {
    Path dir =
        Files.createDirectories(Path.of("target", "readonly-window-" + mode).toAbsolutePath());
    deleteTree(dir.resolve("root"));
    List<String> before = hostMounts();

    Process p =
        new ProcessBuilder(
                "unshare",
                "-m",
                "--propagation",
                "private",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ReadOnlyWindowScenario.class.getName(),
                mode,
                dir.toString(),
                Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("scenario finished").isTrue();
    System.out.print(out);

    assertThat(p.exitValue()).as("scenario %s exit code; output:%n%s", mode, out).isZero();
    assertThat(out).contains("SCENARIO OK " + mode);
    List<String> after = hostMounts();
    assertThat(after).as("host mounts after the scenario").containsAll(before);
    assertThat(after)
        .as("no mount of the scenario leaked into the host")
        .noneMatch(l -> l.contains(dir.toString()));
  }

  private static List<String> hostMounts() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo"));
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
