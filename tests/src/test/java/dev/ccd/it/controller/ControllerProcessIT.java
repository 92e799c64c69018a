package dev.ccd.it.controller;

import static dev.ccd.it.controller.ControllerBed.POOL;
import static dev.ccd.it.controller.ControllerBed.ccdRender;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.machineconfig.GeneratedRegistries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ccd controller} and three {@code ccd agent} processes (the packaged jar) against the
 * fabric8 mock API (CRUD): a pool with maxUnavailable 1, three Nodes, an ImageDigestMirrorSet. Each
 * agent has its own root and its own fake crio unit in one systemd sandbox ({@code --crio-unit}),
 * so each one's reloads are counted apart.
 */
class ControllerProcessIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path JAR =
      Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar")).toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String DROP_IN = GeneratedRegistries.dropInPath(POOL);
  static final String MIRROR_SET =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      """;

  private ControllerBed bed;
  private final List<Process> processes = new ArrayList<>();
  private Path work;

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void controllerAndThreeAgentProcessesRollOutOneNodeAtATime() throws Exception {
    bed = new ControllerBed("process", 3, "1", false);
    work = Files.createDirectories(Path.of("target", "controller-process-it").toAbsolutePath());
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), bed.url());
    Path sets = bed.createMirrorSets("mirror-sets.yaml", MIRROR_SET);

    Map<String, Path> roots = new LinkedHashMap<>();
    for (String node : bed.nodes()) {
      Path root = work.resolve("root-" + node);
      deleteTree(root);
      Files.createDirectories(root.resolve("etc/containers"));
      Files.writeString(
          root.resolve("etc/containers/registries.conf"), FleetAgent.OS_REGISTRIES_CONF);
      Files.writeString(root.resolve("etc/containers/policy.json"), FleetAgent.OS_POLICY);
      roots.put(node, root);
      startCrioUnit(node);
    }
    for (String node : bed.nodes()) {
      processes.add(
          ccd(
              "agent-" + node,
              "agent",
              "--node",
              node,
              "--root",
              roots.get(node).toString(),
              "--crio-unit",
              unit(node),
              "--kubeconfig",
              kubeconfig.toString(),
              "--metrics-address",
              "127.0.0.1:0",
              "--shutdown-grace",
              "PT10S"));
    }
    processes.add(
        ccd(
            "controller",
            "controller",
            "--kubeconfig",
            kubeconfig.toString(),
            "--metrics-address",
            "127.0.0.1:0",
            "--namespace",
            "ccd-system"));

    String target = bed.awaitRolledOut();

    assertThat(target).startsWith("rendered-" + POOL + "-");
    assertThat(bed.recorder().maxUnavailable())
        .as("nodes unavailable at any recorded moment (every Node change, in the API's order)")
        .isEqualTo(1);
    assertThat(bed.recorder().desired())
        .hasSize(3)
        .allSatisfy((n, d) -> assertThat(d).as(n).containsExactly(target));
    String toml = ccdRender("render", "--mirror-sets", sets.toString(), "--pool", POOL);
    for (String node : bed.nodes()) {
      assertThat(roots.get(node).resolve(DROP_IN.substring(1)))
          .as(node + " drop-in")
          .hasContent(toml);
      assertThat(crioLog(node))
          .as(node + "'s crio unit: one reload, no restart")
          .hasSize(1)
          .containsExactly("reload");
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var st = bed.pool().getStatus();
              return st != null
                  && Integer.valueOf(3).equals(st.getUpdatedMachineCount())
                  && target.equals(
                      st.getConfiguration() == null ? null : st.getConfiguration().getName());
            });
    Process status = ccd("status", "status", "--kubeconfig", kubeconfig.toString());
    assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String printed = log("status");
    assertThat(status.exitValue()).as(printed).isZero();
    assertThat(printed.lines().toList().get(1))
        .as("the pool's row")
        .matches(POOL + " +" + target + " +True +False +False +3 +3 +3 +0 +.*");
  }

  private static String unit(String node) {
    return "crio-" + node + ".service";
  }

  /**
   * Adds a fake crio unit for {@code node} to the sandbox (its reloads appended to {@code
   * crio-NODE.log}), has systemd load it and starts it.
   */
  private static void startCrioUnit(String node) throws Exception {
    Path log = SANDBOX.dir().resolve("crio-" + node + ".log");
    Files.deleteIfExists(log);
    Files.writeString(
        SANDBOX.dir().resolve("units").resolve(unit(node)),
        String.join(
            "\n",
            "[Unit]",
            "Description=fake CRI-O of " + node + " (ControllerProcessIT)",
            "DefaultDependencies=no",
            "StartLimitIntervalSec=0",
            "[Service]",
            "Type=simple",
            "ExecStart=/bin/sleep infinity",
            "ExecReload=/bin/sh -c 'echo reload >> " + log + "'",
            "ExecStopPost=/bin/sh -c 'echo stop >> " + log + "'",
            "TimeoutSec=60",
            ""));
    busctl("Reload");
    busctl("StartUnit", "ss", unit(node), "replace");
  }

  private static void busctl(String method, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "busctl",
                "--address=" + SANDBOX.address(),
                "call",
                "org.freedesktop.systemd1",
                "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager",
                method));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static List<String> crioLog(String node) throws IOException {
    Path log = SANDBOX.dir().resolve("crio-" + node + ".log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** {@code ccd ARGS} as a process, started the fast way (C1, serial GC), output in NAME.log. */
  private Process ccd(String name, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                JAVA,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-jar",
                JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());
    return pb.start();
  }

  private String log(String name) throws IOException {
    return Files.readString(work.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
