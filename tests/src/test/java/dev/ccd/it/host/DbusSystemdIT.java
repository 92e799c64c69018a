package dev.ccd.it.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.host.DbusSystemd;
import dev.ccd.host.Systemd.JobOutcome;
import dev.ccd.it.support.SystemdSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DbusSystemd against a real systemd and D-Bus system bus (systemd-sandbox) with a fake crio. */
class DbusSystemdIT {

  private static final String CRIO = "crio.service";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  private DbusSystemd systemd;

  @BeforeEach
  void reset() throws IOException {
    systemd = new DbusSystemd(SANDBOX.address());
    for (String flag :
        List.of("crio.fail", "crio.reload-fail", "crio.start-delay", "crio.reload-delay")) {
      Files.deleteIfExists(SANDBOX.dir().resolve(flag));
    }
    if (!"active".equals(systemd.activeState(CRIO))) {
      assertThat(systemd.restart(CRIO, TIMEOUT).succeeded()).as("reset restart").isTrue();
    }
    Files.writeString(log(), "");
  }

  @Test
  void reloadIsDoneAndRunsExecReload() throws IOException {
    long start = System.nanoTime();
    JobOutcome outcome = systemd.reload(CRIO, TIMEOUT);
    long micros = (System.nanoTime() - start) / 1000;
    System.out.printf("DbusSystemdIT: one reload job (connect..ActiveState) took %d us%n", micros);

    assertThat(outcome.result()).as("job result of %s", outcome).isEqualTo("done");
    assertThat(outcome.activeState()).isEqualTo("active");
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.job()).startsWith("/org/freedesktop/systemd1/job/");
    assertThat(actions()).containsExactly("reload");
  }

  @Test
  void restartStopsAndStarts() throws IOException {
    JobOutcome outcome = systemd.restart(CRIO, TIMEOUT);

    assertThat(outcome).isEqualTo(new JobOutcome(CRIO, outcome.job(), "done", "active"));
    assertThat(actions()).containsExactly("stop", "start");
  }

  @Test
  void aFailedReloadLeavesTheUnitActiveButDoesNotSucceed() throws IOException {
    Files.createFile(SANDBOX.dir().resolve("crio.reload-fail"));

    JobOutcome outcome = systemd.reload(CRIO, TIMEOUT);

    assertThat(outcome.result()).isEqualTo("failed");
    assertThat(outcome.activeState()).isEqualTo("active");
    assertThat(outcome.succeeded()).as("failed reload of an active unit").isFalse();
    assertThat(actions()).containsExactly("reload-failed");
  }

  @Test
  void aFailedRestartLeavesTheUnitFailedUntilARestartSucceeds() throws IOException {
    Path fail = Files.createFile(SANDBOX.dir().resolve("crio.fail"));

    JobOutcome failed = systemd.restart(CRIO, TIMEOUT);

    assertThat(failed.result()).isEqualTo("failed");
    assertThat(failed.activeState()).isEqualTo("failed");
    assertThat(systemd.activeState(CRIO)).isEqualTo("failed");
    assertThat(failed.succeeded()).isFalse();

    Files.delete(fail);
    JobOutcome recovered = systemd.restart(CRIO, TIMEOUT);

    assertThat(recovered.result()).isEqualTo("done");
    assertThat(recovered.activeState()).isEqualTo("active");
    assertThat(recovered.job()).isNotEqualTo(failed.job());
  }

  @Test
  void aJobSlowerThanTheTimeoutHasNoResult() throws IOException {
    Files.writeString(SANDBOX.dir().resolve("crio.reload-delay"), "3\n");
    Instant before = Instant.now();

    JobOutcome outcome = systemd.reload(CRIO, Duration.ofSeconds(1));

    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofMillis(2900));
    assertThat(outcome.result()).isEqualTo(DbusSystemd.NO_RESULT);
    assertThat(outcome.activeState()).isIn("reloading", "active");
    assertThat(outcome.succeeded()).isFalse();
    // let the job finish so the next test starts from a quiet unit
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(actions()).containsExactly("reload"));
    await().atMost(Duration.ofSeconds(15)).until(() -> "active".equals(systemd.activeState(CRIO)));
  }

  private Path log() {
    return SANDBOX.dir().resolve("crio.log");
  }

  /** The action word of each crio.log line ("start", "reload", ...), timestamps checked. */
  private List<String> actions() throws IOException {
    return Files.readAllLines(log()).stream()
        .filter(l -> !l.isBlank())
        .map(
            l -> {
              String[] f = l.split(" ");
              Instant.parse(f[1]);
              return f[0];
            })
        .toList();
  }
}
