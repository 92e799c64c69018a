package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first quick-start command, {@code ccd demo}, as a person runs it. */
class DemoProcessIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));

  @TempDir Path root;

  @Test
  void theDemoRunsTheWholeChainAndEndsWellEvenWithoutRootOrSystemd() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of("java", "-jar", JAR.toString(), "demo", "--root", root.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("ImageDigestMirrorSet/release-mirrors")
        .contains("crio action: drain+reload")
        .contains("changed: /etc/containers/registries.conf.d/99-worker-generated-registries.conf")
        .contains("recorded, not performed")
        .contains("mirror  mirror.corp.example:5000/ocp/release@sha256:")
        .contains("no changes")
        .containsPattern("Working\\s+current=-")
        .containsPattern("Done\\s+current=rendered-worker-")
        .containsPattern(
            "Unreconcilable\\s+current=rendered-worker-.*URI schemes are not supported")
        .contains("ccd_updates_total{result=\"success\"} 1.0");
    assertThat(
            Files.readString(
                root.resolve(
                    "etc/containers/registries.conf.d/99-worker-generated-registries.conf")))
        .contains("mirror.corp.example:5000/ocp/release");
  }
}
