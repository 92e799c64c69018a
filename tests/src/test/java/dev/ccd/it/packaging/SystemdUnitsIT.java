package dev.ccd.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.it.support.SystemdSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The host-mode units as systemd reads them: {@code systemd-analyze verify} (a static check that
 * starts no systemd) accepts them with no warning, and {@code ccd-agent.service}, hardening and
 * all, runs under a real systemd (the sandbox), applies a MachineConfig file and reloads crio.
 */
class SystemdUnitsIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path REPO = Path.of(System.getProperty("ccd.repo", "..")).toAbsolutePath();
  static final Path JAR =
      Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar")).toAbsolutePath();
  static final Path EXAMPLE = REPO.resolve("examples/99-worker-generated-registries.yaml");
  static final String UNIT = "ccd-agent.service";

  @Test
  void theHostModeUnitsVerifyCleanly() throws Exception {
    Run r =
        run(
            "systemd-analyze",
            "verify",
            "--man=no",
            REPO.resolve("systemd/ccd-apply.service").toString(),
            REPO.resolve("systemd/ccd-apply.path").toString(),
            REPO.resolve("systemd/" + UNIT).toString());

    assertThat(r.rc).as(r.out).isZero();
    assertThat(r.out).as("systemd-analyze output").doesNotContain("ccd-");
  }

  /**
   * The repository's unit, unchanged, plus a drop-in that changes only paths: the jar of this build
   * (a copy), a root and a desired-config directory in the sandbox's directory, the writable paths
   * under that root. Every hardening line (ProtectSystem, capabilities, no network, AF_UNIX only,
   * the system-call filter) applies.
   */
  @Test
  void theAgentUnitAppliesADroppedInFileAndReloadsCrioUnderItsHardening() throws Exception {
    // Everything the unit reads lives in the sandbox's directory: the only part of a checkout
    // under /tmp that systemd in the sandbox sees (its /tmp is a fresh tmpfs with that directory
    // bound back in), and under target/ like the rest of this build's files.
    Path work = SANDBOX.dir().resolve("host-mode-unit");
    run("rm", "-rf", work.toString());
    Files.createDirectories(work);
    Path jar = work.resolve("ccd.jar");
    Files.copy(JAR, jar);
    Path root = work.resolve("root");
    Path desired = work.resolve("machineconfig.d");
    for (String dir : List.of("etc/containers/registries.conf.d", "var/lib/ccd", "run/ccd")) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.createDirectories(desired);
    Files.copy(EXAMPLE, desired.resolve("99-registries.yaml"));

    String execStart = execStart(Files.readString(REPO.resolve("systemd/" + UNIT)));
    assertThat(execStart).contains("/usr/lib/ccd/ccd.jar", "/etc/ccd/machineconfig.d", "--root /");
    List<String> dropIn = new ArrayList<>();
    dropIn.add("[Unit]");
    dropIn.add("DefaultDependencies=no"); // the sandbox has no sysinit.target, as its own units
    dropIn.add("[Service]");
    dropIn.add("ExecStart=");
    dropIn.add(
        "ExecStart="
            + execStart
                .replace("/usr/lib/ccd/ccd.jar", jar.toString())
                .replace("/etc/ccd/machineconfig.d", desired.toString())
                .replace("--root /", "--root " + root));
    dropIn.add("ReadWritePaths=");
    dropIn.add(
        "ReadWritePaths="
            + root.resolve("etc/containers")
            + " "
            + root.resolve("var/lib/ccd")
            + " "
            + root.resolve("run/ccd"));
    // The bus is the sandbox's /run/dbus, not one under the test's root.
    dropIn.add("Environment=DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket");
    dropIn.add("StateDirectory=");
    dropIn.add("RuntimeDirectory=");
    dropIn.add("StandardOutput=file:" + work.resolve("agent.log"));
    dropIn.add("StandardError=inherit");
    if (work.startsWith("/root") || work.startsWith("/home")) {
      dropIn.add("ProtectHome=no"); // the checkout, not the agent, lives in a home directory
    }
    if (work.startsWith("/tmp") || work.startsWith("/var/tmp")) {
      // The unit's private /tmp (which jnr-ffi needs writable for its native stub) would hide a
      // checkout under /tmp: bind the test's directory back into it.
      dropIn.add("BindPaths=" + work);
    }
    Path units = SANDBOX.dir().resolve("units");
    Files.copy(
        REPO.resolve("systemd/" + UNIT),
        units.resolve(UNIT),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(units.resolve(UNIT + ".d"));
    Files.write(units.resolve(UNIT + ".d/paths.conf"), dropIn);

    assertThat(systemctl("daemon-reload").rc).isZero();
    Run start = systemctl("start", UNIT);
    assertThat(start.rc).as(start.out).isZero();
    try {
      Path status = root.resolve("var/lib/ccd/host-status.json");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> "Done".equals(state(status)), b -> b);
      assertThat(
              root.resolve("etc/containers/registries.conf.d/99-worker-generated-registries.conf"))
          .exists();
      assertThat(Files.readString(SANDBOX.dir().resolve("crio.log"))).contains("reload ");
      assertThat(systemctl("show", "-p", "ActiveState", "--value", UNIT).out.trim())
          .isEqualTo("active");
    } finally {
      Run stop = systemctl("stop", UNIT);
      System.err.println(
          "agent log:\n"
              + (Files.exists(work.resolve("agent.log"))
                  ? Files.readString(work.resolve("agent.log"))
                  : "-"));
      assertThat(stop.rc).as(stop.out).isZero();
    }
  }

  private static String state(Path status) throws IOException {
    if (!Files.exists(status)) {
      return "";
    }
    Map<?, ?> m = new ObjectMapper().readValue(status.toFile(), Map.class);
    return String.valueOf(m.get("machineconfiguration.openshift.io/state"));
  }

  /** The unit's ExecStart, continuation lines joined as systemd joins them. */
  static String execStart(String unit) {
    String joined = unit.replace("\\\n", " ");
    for (String line : joined.split("\n")) {
      if (line.startsWith("ExecStart=")) {
        return line.substring("ExecStart=".length()).trim().replaceAll("\\s+", " ");
      }
    }
    throw new AssertionError("no ExecStart in the unit");
  }

  /** systemctl inside the sandbox's namespaces (its /run holds systemd's private socket). */
  private static Run systemctl(String... args) throws Exception {
    String pid = Files.readString(SANDBOX.dir().resolve("pid")).trim();
    List<String> cmd =
        new ArrayList<>(List.of("nsenter", "-t", pid, "-m", "-p", "--", "systemctl"));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  record Run(int rc, String out) {}

  private static Run run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    return new Run(p.exitValue(), out);
  }
}
