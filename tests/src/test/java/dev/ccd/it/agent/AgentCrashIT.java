package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.DEADLINE;
import static dev.ccd.it.agent.AgentBed.DROP_IN;
import static dev.ccd.it.agent.AgentBed.NODE;
import static dev.ccd.it.agent.AgentBed.POLICY;
import static dev.ccd.it.agent.AgentBed.dropIn;
import static dev.ccd.it.agent.AgentBed.policy;
import static dev.ccd.it.agent.AgentBed.twoFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent killed at each durable step of an update (a child JVM halted by {@link CrashingAgent}'s
 * hook), then the real {@code ccd agent} (the shaded jar) started on the same root: it must finish
 * or roll back the interrupted update and end Done with complete, consistent files.
 */
class AgentCrashIT {

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  private final List<Process> children = new ArrayList<>();
  private AgentBed bed;

  @AfterEach
  void stop() throws Exception {
    for (Process p : children) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (bed != null) {
      bed.close();
    }
  }

  @ParameterizedTest(name = "killed at {0}")
  @CsvSource({
    "journal, rolled back",
    "write:/etc/containers/policy.json, rolled back",
    "crio, rolled back",
    "record, finished"
  })
  void anInterruptedUpdateIsRecoveredAtTheNextStart(String step, String recovery) throws Exception {
    bed = new AgentBed(SANDBOX, "crash-" + step.replaceAll("[^A-Za-z0-9]", "-"));
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent();
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);
    bed.stopAgents();

    Path crashLog = bed.root().resolveSibling(bed.root().getFileName() + "-crashing.log");
    Process crashing =
        child(
            crashLog,
            javaCommand(
                "-cp",
                System.getProperty("java.class.path"),
                CrashingAgent.class.getName(),
                bed.root().toString(),
                bed.api().url(),
                NODE,
                step));
    bed.desire(b);
    assertThat(crashing.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
        .as("crashing agent ended")
        .isTrue();
    String out = Files.readString(crashLog);
    assertThat(crashing.exitValue())
        .as("halted at %s; output:%n%s", step, out)
        .isEqualTo(CrashingAgent.HALTED);
    assertThat(out).contains("HALT " + step);
    assertThat(bed.host("/var/lib/ccd/journal.json")).as("journal left by the crash").exists();
    if (step.startsWith("write:")) {
      assertThat(bed.read(POLICY)).as("first file written").isEqualTo(policy(2).getBytes(UTF_8));
      assertThat(bed.read(DROP_IN)).as("second file not yet").isEqualTo(dropIn(1).getBytes(UTF_8));
    }

    Path agentLog = bed.root().resolveSibling(bed.root().getFileName() + "-agent.log");
    Path kubeconfig = kubeconfig(bed.api().url());
    Process agent =
        child(
            agentLog,
            javaCommand(
                "-jar",
                System.getProperty("ccd.jar"),
                "agent",
                "--node",
                NODE,
                "--root",
                bed.root().toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--metrics-address",
                "127.0.0.1:0"));
    bed.awaitState(ConfigState.DONE, b);

    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
    assertThat(bed.read(POLICY)).isEqualTo(policy(2).getBytes(UTF_8));
    assertThat(bed.mode(DROP_IN)).isEqualTo("rw-r--r--");
    assertThat(bed.mode(POLICY)).isEqualTo("rw-r--r--");
    assertThat(bed.host("/var/lib/ccd/journal.json")).as("journal after recovery").doesNotExist();
    assertThat(leftovers()).as("temporary files").isEmpty();
    assertThat(bed.recorded().name()).isEqualTo(b);
    assertThat(bed.recorded().files().files()).isEqualTo(twoFilesDecoded());
    assertThat(Files.readString(bed.host("/var/lib/ccd/current-config.json"))).contains(b);
    List<String> log = bed.crioActions();
    assertThat(log.get(log.size() - 1)).as("crio.log %s", log).isEqualTo("reload");
    assertThat(Files.readString(agentLog)).contains(recovery + " the interrupted update");

    agent.destroy(); // SIGTERM: a clean stop
    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("ccd agent stopped on SIGTERM").isTrue();
  }

  private static List<dev.ccd.machineconfig.DesiredFile> twoFilesDecoded() {
    return twoFiles(2);
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.walk(bed.root())) {
      return s.filter(p -> p.getFileName().toString().contains(".ccd-tmp-")).toList();
    }
  }

  private List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Process child(Path log, List<String> command) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  private Path kubeconfig(String url) throws IOException {
    Path f = bed.root().resolveSibling(bed.root().getFileName() + "-kubeconfig");
    Files.writeString(
        f,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: mock",
            "  cluster:",
            "    server: " + url,
            "contexts:",
            "- name: mock",
            "  context:",
            "    cluster: mock",
            "    user: mock",
            "current-context: mock",
            "users:",
            "- name: mock",
            "  user: {}",
            ""));
    return f;
  }
}
