package dev.ccd.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host-mode units as systemd reads them: {@code systemd-analyze verify} (a static check that
 * starts no systemd) accepts them with no warning.
 */
class SystemdUnitsIT {
  static final Path REPO = Path.of(System.getProperty("ccd.repo", ".."));

  @Test
  void theHostModeUnitsVerifyCleanly() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    "systemd-analyze",
                    "verify",
                    "--man=no",
                    REPO.resolve("systemd/ccd-apply.service").toString(),
                    REPO.resolve("systemd/ccd-apply.path").toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).as("systemd-analyze output").doesNotContain("ccd-apply");
  }
}
