package dev.ccd.it.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.RootGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The product's image, built with podman from the repository as CI builds it ({@code
 * containerfiles/Containerfile}, build context the repository root, the jar Maven built), and
 * podman runs of it. Needs the test bed's {@code container-base} (podman + the local Debian base).
 */
public final class CcdImage {
  public static final String TAG = "localhost/ccd:it";
  static final Path REPO =
      Path.of(System.getProperty("ccd.repo", "..")).toAbsolutePath().normalize();

  /** The project's version, as Maven passes it (the image's version label). */
  public static String version() {
    String v = System.getProperty("ccd.version");
    assertThat(v).as("system property ccd.version (set by Failsafe from the pom)").isNotBlank();
    return v;
  }

  /** A finished podman (or other) command: exit code and output (stdout and stderr). */
  public record Run(int rc, String out) {}

  private CcdImage() {}

  /** Builds {@link #TAG} from the repository; fails with podman's output when it cannot. */
  public static void build() throws Exception {
    RootGuard.requireRootOrSkip("podman");
    Path testbed = Path.of(System.getProperty("ccd.testbed", "../../shared/testbed"));
    Run base = run(List.of(testbed.resolve("container-base").toString(), "--check"), 120);
    assertThat(base.rc())
        .as(
            "container-base --check (run .ci/run or ../shared/testbed/container-base): %s",
            base.out())
        .isZero();
    assertThat(REPO.resolve("agent/target/ccd.jar")).as("the jar Maven built").exists();
    Run build =
        run(
            List.of(
                "podman",
                "build",
                "--pull=never",
                "-f",
                REPO.resolve("containerfiles/Containerfile").toString(),
                "--build-arg",
                "VERSION=" + version(),
                "-t",
                TAG,
                REPO.toString()),
            1800);
    assertThat(build.rc()).as("podman build:\n%s", build.out()).isZero();
  }

  /** {@code podman run --rm ARGS…}, stdout and stderr together, podman's cgroup warning removed. */
  public static Run podman(List<String> args, int timeoutSeconds) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(args);
    Run r = run(cmd, timeoutSeconds);
    // Every run on these hosts prints "Failed to add conmon to cgroupfs sandbox cgroup" (harmless).
    String out =
        r.out()
            .lines()
            .filter(l -> !l.contains("Failed to add conmon to cgroupfs"))
            .reduce("", (a, b) -> a + b + "\n");
    return new Run(r.rc(), out);
  }

  static Run run(List<String> cmd, int timeoutSeconds) throws Exception {
    Path log = Files.createTempFile("ccd-image", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s:\n" + read(log));
      }
      return new Run(p.exitValue(), read(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
