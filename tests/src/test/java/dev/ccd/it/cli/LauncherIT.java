package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./ccd} launcher on first use, and what git keeps of a test run. */
class LauncherIT {
  static final Path REPO = Path.of(System.getProperty("ccd.repo", ".."));
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));

  record Run(int exit, String out, String err) {}

  static Run run(Path dir, String path, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("PATH", path);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /**
   * A Maven that prints the ESC[0m resets Maven 3.8 prints even with -q (and then makes the jar):
   * the launcher must not pass them to the terminal.
   */
  @Test
  void theFirstUseBuildLeaksNoEscapeSequences(@TempDir Path clone) throws Exception {
    Files.copy(REPO.resolve("ccd"), clone.resolve("ccd"));
    Files.createDirectories(clone.resolve("agent/src/main/jvm"));
    Files.copy(
        REPO.resolve("agent/src/main/jvm/ccd.jvmopts"),
        clone.resolve("agent/src/main/jvm/ccd.jvmopts"));
    Path bin = Files.createDirectories(clone.resolve("bin"));
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\n"
            + "printf '\\033[0m\\033[0m'\n"
            + "printf '\\033[0m' >&2\n"
            + "mkdir -p agent/target && cp '"
            + JAR.toAbsolutePath()
            + "' agent/target/ccd.jar\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

    Run first =
        run(
            clone,
            bin + ":" + System.getenv("PATH"),
            "sh",
            clone.resolve("ccd").toString(),
            "--version");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(clone.resolve("agent/target/ccd.jar")).exists();
    assertThat(first.out()).startsWith("ccd ").doesNotContain("\u001b");
    assertThat(first.err()).contains("building").doesNotContain("\u001b");
  }

  @Test
  void theJqwikDatabaseIsIgnoredAndNotTracked() throws Exception {
    String path = System.getenv("PATH");
    Run ignored =
        run(REPO, path, "git", "check-ignore", "-q", "--no-index", "agent/.jqwik-database");
    assertThat(ignored.exit()).as("git check-ignore: %s", ignored.err()).isZero();
    Run tracked = run(REPO, path, "git", "ls-files", "--", "agent/.jqwik-database");
    assertThat(tracked.exit()).as(tracked.err()).isZero();
    assertThat(tracked.out()).isEmpty();
  }
}
