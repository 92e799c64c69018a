package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.cli.Main;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.kube.EmbeddedApi;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatusBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccd status} against the fabric8 mock API (CRUD mode) with a MachineConfigPool and its
 * Nodes: as a process (the shaded jar) and in-process, once and watching the pool converge.
 */
class StatusProcessIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  static final String P = "machineconfiguration.openshift.io/";
  static final String WORKER = "node-role.kubernetes.io/worker";

  @TempDir Path work;
  EmbeddedApi api;
  Path kubeconfig;

  @BeforeEach
  void cluster() throws IOException {
    api = new EmbeddedApi();
    MachineConfigPool pool =
        new MachineConfigPoolBuilder()
            .withNewMetadata()
            .withName("worker")
            .endMetadata()
            .withNewSpec()
            .withNewNodeSelector()
            .addToMatchLabels(WORKER, "")
            .endNodeSelector()
            .withMaxUnavailable(new IntOrString(1))
            .endSpec()
            .withStatus(status(2, 1, "rendered-worker-new"))
            .build();
    api.client().resource(pool).create();
    node("w1", "rendered-worker-new", "rendered-worker-new", "Done", Map.of());
    node(
        "w2",
        "rendered-worker-old",
        "rendered-worker-new",
        "Working",
        Map.of(P + "desiredDrain", "drain-rendered-worker-new"));
    node("other", "", "", "Done", Map.of()).getMetadata();
    kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static MachineConfigPoolStatus status(int machines, int updated, String config) {
    boolean done = machines == updated;
    return new MachineConfigPoolStatusBuilder()
        .withMachineCount(machines)
        .withReadyMachineCount(updated)
        .withUpdatedMachineCount(updated)
        .withUnavailableMachineCount(machines - updated)
        .withDegradedMachineCount(0)
        .withNewConfiguration()
        .withName(config)
        .endConfiguration()
        .addNewCondition()
        .withType("Updated")
        .withStatus(done ? "True" : "False")
        .endCondition()
        .addNewCondition()
        .withType("Updating")
        .withStatus(done ? "False" : "True")
        .endCondition()
        .addNewCondition()
        .withType("Degraded")
        .withStatus("False")
        .endCondition()
        .build();
  }

  Node node(String name, String current, String desired, String state, Map<String, String> more) {
    Map<String, String> annotations = new java.util.HashMap<>(more);
    if (!current.isEmpty()) {
      annotations.put(P + "currentConfig", current);
      annotations.put(P + "desiredConfig", desired);
      annotations.put(P + "state", state);
    }
    Map<String, String> labels = name.equals("other") ? Map.of("role", "x") : Map.of(WORKER, "");
    return api.client()
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(!more.isEmpty())
                .endSpec()
                .build())
        .create();
  }

  Process status(String name, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java", "-jar", JAR.toString(), "status", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectError(work.resolve(name + ".err").toFile())
        .redirectOutput(work.resolve(name + ".out").toFile())
        .start();
  }

  String out(String name) throws IOException {
    return Files.readString(work.resolve(name + ".out"), StandardCharsets.UTF_8);
  }

  static void assertConverging(String text) {
    List<String> lines = text.lines().toList();
    assertThat(lines.get(0))
        .startsWith("NAME     CONFIG                UPDATED   UPDATING   DEGRADED   MACHINECOUNT")
        .endsWith("DEGRADEDMACHINECOUNT   AGE");
    assertThat(lines.get(1))
        .matches(
            "worker   rendered-worker-new   False     True       False      2 +1 +1 +0 +\\d+s");
    assertThat(lines.get(2)).isEmpty();
    assertThat(lines.get(3)).matches("NAME +POOL +STATE +CURRENT +DESIRED +DRAIN +REASON +AGE");
    assertThat(lines.get(4)).matches("other +\\d+s");
    assertThat(lines.get(5))
        .matches("w1 +worker +Done +rendered-worker-new +rendered-worker-new +\\d+s");
    assertThat(lines.get(6))
        .matches("w2 +worker +Working +rendered-worker-old +rendered-worker-new +draining +\\d+s");
  }

  @Test
  void theProcessPrintsThePoolAndItsNodes() throws Exception {
    Process p = status("once");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(work.resolve("once.err"))).isZero();
    assertConverging(out("once"));
  }

  @Test
  void theProcessPrintsJson() throws Exception {
    Process p = status("json", "-o", "json");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    JsonNode doc = new ObjectMapper().readTree(out("json"));
    assertThat(doc.get("pools").get(0).get("config").asText()).isEqualTo("rendered-worker-new");
    assertThat(doc.get("pools").get(0).get("maxUnavailable").asText()).isEqualTo("1");
    assertThat(doc.get("nodes").get(2).get("pool").asText()).isEqualTo("worker");
    assertThat(doc.get("nodes").get(2).get("unschedulable").asBoolean()).isTrue();
  }

  @Test
  void inProcessTheCommandPrintsTheSameTables() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("status", "--kubeconfig", kubeconfig.toString());
    assertThat(code).as(err.toString()).isZero();
    assertConverging(out.toString());
  }

  @Test
  void watchingShowsThePoolConverge() throws Exception {
    Process p = status("watch", "--watch");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> out("watch").contains("draining"));
      api.client()
          .nodes()
          .withName("w2")
          .edit(
              n -> {
                n.getMetadata().getAnnotations().put(P + "currentConfig", "rendered-worker-new");
                n.getMetadata().getAnnotations().put(P + "state", "Done");
                n.getMetadata()
                    .getAnnotations()
                    .put(P + "lastAppliedDrain", "drain-rendered-worker-new");
                return n;
              });
      MachineConfigPool pool =
          api.client().resources(MachineConfigPool.class).withName("worker").get();
      pool.setStatus(status(2, 2, "rendered-worker-new"));
      api.client().resource(pool).updateStatus();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  out("watch")
                      .lines()
                      .anyMatch(l -> l.matches("worker .* True +False +False +2 +2 +2 +0 .*")));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  out("watch")
                      .lines()
                      .anyMatch(
                          l ->
                              l.matches(
                                  "w2 +worker +Done +rendered-worker-new +rendered-worker-new"
                                      + " +drained +\\d+s")));
      assertThat(p.isAlive()).as("--watch keeps running").isTrue();
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnreachableApiServerIsOneLineAndExitOne() throws Exception {
    kubeconfig = AgentKubeconfig.write(work.resolve("dead"), "https://127.0.0.1:1");
    Process p = status("dead");
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    String err = Files.readString(work.resolve("dead.err"));
    assertThat(err.lines()).hasSize(1);
    assertThat(err).startsWith("status: ").doesNotContain("Exception").doesNotContain("\tat ");
  }
}
