package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.EmbeddedApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccd agent} as a process: one per host, and a clean stop on SIGTERM. */
class AgentProcessIT {
  // The agent does not start without systemd on a system bus: a real one, from the sandbox.
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  static final Path EXAMPLE =
      Path.of(System.getProperty("ccd.repo", ".."))
          .resolve("examples/99-worker-generated-registries.yaml");
  static final String NODE = "worker-a";
  static final String STATE = "machineconfiguration.openshift.io/state";

  @TempDir Path root;
  @TempDir Path work;
  EmbeddedApi api;
  Path kubeconfig;

  @BeforeEach
  void cluster() throws IOException {
    api = new EmbeddedApi();
    api.client()
        .nodes()
        // One node and no drain controller: a single-replica control plane, never drained.
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withAnnotations(
                    java.util.Map.of(
                        new dev.ccd.kube.NodeAnnotations().controlPlaneTopologyKey(),
                        dev.ccd.kube.DrainState.SINGLE_REPLICA))
                .endMetadata()
                .build())
        .create();
    GenericKubernetesResource mc =
        Serialization.unmarshal(Files.readString(EXAMPLE), GenericKubernetesResource.class);
    api.client().resource(mc).create();
    kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  Process agent(String name) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    "java",
                    "-jar",
                    JAR.toString(),
                    "agent",
                    "--node",
                    NODE,
                    "--root",
                    root.toString(),
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--metrics-address",
                    "127.0.0.1:0",
                    "--shutdown-grace",
                    "PT10S"))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());
    return pb.start();
  }

  String log(String name) throws IOException {
    return Files.readString(work.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  @Test
  void appliesThenStopsCleanlyOnSigtermAndASecondAgentIsRefusedMeanwhile() throws Exception {
    Process first = agent("first");
    try {
      api.client()
          .nodes()
          .withName(NODE)
          .edit(
              n -> {
                n.getMetadata()
                    .getAnnotations()
                    .put(
                        "machineconfiguration.openshift.io/desiredConfig",
                        "99-worker-generated-registries");
                return n;
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  "Done"
                      .equals(
                          api.client()
                              .nodes()
                              .withName(NODE)
                              .get()
                              .getMetadata()
                              .getAnnotations()
                              .get(STATE)));
      assertThat(
              root.resolve("etc/containers/registries.conf.d/99-worker-generated-registries.conf"))
          .exists();

      Process second = agent("second");
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isEqualTo(1);
      assertThat(log("second")).contains("another ccd process (agent or apply) holds the lock");

      long start = System.nanoTime();
      first.destroy(); // SIGTERM
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).as("stopped within the grace").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(log("first")).contains("SIGTERM: finishing the update in progress");
      assertThat(root.resolve("var/lib/ccd/journal.json")).doesNotExist();
    } finally {
      first.destroyForcibly();
    }

    Process third = agent("third");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> log("third").contains("ccd agent on node " + NODE));
      assertThat(third.isAlive()).as("the lock was released by the stopped agent").isTrue();
    } finally {
      third.destroy();
      third.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
