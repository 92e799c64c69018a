package dev.ccd.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccd agent} as a process with no system bus under its root: it must refuse to start and
 * name the bus address, never write a file and never report Done (issue 8, defect 2: it used to
 * record the crio action and report Done).
 */
class AgentWithoutBusIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  static final Path EXAMPLE =
      Path.of(System.getProperty("ccd.repo", ".."))
          .resolve("examples/99-worker-generated-registries.yaml");
  static final String NODE = "worker-nobus";
  static final NodeAnnotations KEYS = new NodeAnnotations();

  @TempDir Path root;
  @TempDir Path work;

  @Test
  void refusesToStartNamingTheBusAndNeverReportsDone() throws Exception {
    try (EmbeddedApi api = new EmbeddedApi()) {
      String config = "99-worker-generated-registries";
      api.client()
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .withAnnotations(Map.of(KEYS.desiredConfigKey(), config))
                  .endMetadata()
                  .build())
          .create();
      api.client()
          .resource(
              Serialization.unmarshal(Files.readString(EXAMPLE), GenericKubernetesResource.class))
          .create();
      Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
      Files.createDirectories(root.resolve("etc/containers"));
      Path log = work.resolve("agent.log");
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
                      "127.0.0.1:0"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("CCD_LOG_FORMAT", "text");
      pb.environment().remove("DBUS_SYSTEM_BUS_ADDRESS");
      Process agent = pb.start();
      try {
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exits").isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(agent.exitValue()).as("exit code; output:%n%s", out).isEqualTo(1);
        assertThat(out)
            .contains(
                "agent: no system bus at unix:path="
                    + root.toAbsolutePath().normalize().resolve("run/dbus/system_bus_socket"))
            .doesNotContain("Exception");
        Map<String, String> annotations =
            api.client().nodes().withName(NODE).get().getMetadata().getAnnotations();
        assertThat(annotations).doesNotContainKey(KEYS.stateKey());
        try (var files = Files.walk(root)) {
          assertThat(files.filter(Files::isRegularFile).toList()).as("files written").isEmpty();
        }
      } finally {
        agent.destroyForcibly();
      }
    }
  }
}
