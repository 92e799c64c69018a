package dev.ccd.it.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.RootGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege on disk: the packaged {@code ccd apply} runs with the whole file system read-only
 * (a bind remount of / inside a private mount namespace, so this machine is untouched) except
 * ROOT/etc, ROOT/var/lib/ccd, ROOT/run/ccd and a tmpfs for {@code java.io.tmpdir}: jffi (under
 * jnr-posix) writes its native stub there while loading and removes it at once.
 */
class ReadOnlyRootIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  static final Path REPO = Path.of(System.getProperty("ccd.repo", ".."));

  @BeforeAll
  static void root() {
    RootGuard.requireRootOrSkip("mount namespaces (unshare -m)");
  }

  @Test
  void applyNeedsOnlyItsStatePathsAndATmpdir() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "read-only-root").toAbsolutePath());
    Path root = dir.resolve("root");
    for (String d : List.of("var/lib/ccd", "run/ccd", "etc/containers")) {
      Files.createDirectories(root.resolve(d));
    }
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Files.deleteIfExists(
        root.resolve("etc/containers/registries.conf.d/99-worker-generated-registries.conf"));
    Files.deleteIfExists(root.resolve("var/lib/ccd/current-config.json"));
    String config =
        REPO.resolve("examples/99-worker-generated-registries.yaml").toAbsolutePath().toString();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String script =
        String.join(
            "\n",
            "set -e",
            "mount --bind " + root.resolve("var/lib/ccd") + " " + root.resolve("var/lib/ccd"),
            "mount --bind " + root.resolve("run/ccd") + " " + root.resolve("run/ccd"),
            "mount --bind " + root.resolve("etc") + " " + root.resolve("etc"),
            "mount -t tmpfs -o size=16m ccd-tmpdir " + tmp,
            "mount -o remount,bind,ro /",
            "if touch "
                + dir.resolve("probe")
                + " 2>/dev/null; then echo 'ROOT STILL WRITABLE'; exit 9; fi",
            "set +e",
            java
                + " -XX:-UsePerfData -Djava.io.tmpdir="
                + tmp
                + " -jar "
                + JAR.toAbsolutePath()
                + " apply --root "
                + root
                + " --config "
                + config
                + " --no-reload",
            "echo EXIT=$?",
            "echo TMPDIR-LEFT=$(ls -A " + tmp + " | wc -l)");
    Process p =
        new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(out)
        .as(out)
        .contains("EXIT=0", "TMPDIR-LEFT=0")
        .doesNotContain("ROOT STILL WRITABLE");
    assertThat(root.resolve("etc/containers/registries.conf.d/99-worker-generated-registries.conf"))
        .exists();
    try (Stream<Path> s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()))
          .as("it wrote only its state paths and the managed file")
          .containsExactlyInAnyOrder(
              "etc/containers/registries.conf.d/99-worker-generated-registries.conf",
              "var/lib/ccd/current-config.json",
              "run/ccd/agent.lock");
    }
  }
}
