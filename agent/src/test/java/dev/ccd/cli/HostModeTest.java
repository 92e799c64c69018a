package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.NodeAnnotations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccd agent --desired-config}: the agent with no Kubernetes, on a temp root with the
 * recorded crio of the demo: the desired config comes from a file or directory, the state goes to
 * the status file.
 */
class HostModeTest {
  static final Path EXAMPLE = Path.of("../examples/99-worker-generated-registries.yaml");
  static final String DROP_IN =
      "etc/containers/registries.conf.d/99-worker-generated-registries.conf";
  static final NodeAnnotations KEYS = new NodeAnnotations();

  @TempDir Path root;
  @TempDir Path desired;

  @Test
  void appliesTheFileAndWritesDoneWithTheRenderedNameToTheStatusFile() throws Exception {
    Files.copy(EXAMPLE, desired.resolve("registries.yaml"));
    Files.writeString(desired.resolve("README.txt"), "not a config: ignored");

    try (AgentRuntime agent = start(desired)) {
      Map<String, String> status = awaitState("Done");
      assertThat(status.get(KEYS.currentConfigKey())).startsWith("rendered-host-");
      assertThat(root.resolve(DROP_IN)).exists();
      assertThat(Files.readString(root.resolve(DROP_IN))).contains("mirror.corp.example:5000");
    }
  }

  @Test
  void aChangedFileIsANewConfigAndIsApplied() throws Exception {
    Path file = desired.resolve("registries.yaml");
    Files.copy(EXAMPLE, file);
    try (AgentRuntime agent = start(file)) {
      String first = awaitState("Done").get(KEYS.currentConfigKey());
      Files.writeString(
          file,
          Files.readString(EXAMPLE)
              .replace(
                  "registries.conf.d/99-worker-generated-registries.conf",
                  "registries.conf.d/50-other.conf"));
      assertThat(new DesiredConfigPath(file, 1 << 20).read().name())
          .as("the changed file's name")
          .isNotEqualTo(first);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !first.equals(status().get(KEYS.currentConfigKey())));
      assertThat(status().get(KEYS.stateKey())).isEqualTo("Done");
      assertThat(root.resolve("etc/containers/registries.conf.d/50-other.conf")).exists();
      assertThat(root.resolve(DROP_IN)).doesNotExist();
    }
  }

  @Test
  void aFileThatIsNotAMachineConfigIsUnreconcilableNamingItAndChangesNothing() throws Exception {
    Files.writeString(desired.resolve("50-broken.yaml"), "kind: [unclosed\n");
    Files.copy(EXAMPLE, desired.resolve("99-registries.yaml"));

    try (AgentRuntime agent = start(desired)) {
      Map<String, String> status = awaitState("Unreconcilable");
      assertThat(status.get(KEYS.reasonKey())).contains("50-broken.yaml", "not valid YAML");
      assertThat(root.resolve(DROP_IN)).doesNotExist();
    }
  }

  @Test
  void noFileYetIsNoDesiredConfig() throws Exception {
    DesiredConfigPath path = new DesiredConfigPath(desired.resolve("absent.yaml"), 1 << 20);
    assertThat(path.read().none()).isTrue();
    assertThat(new DesiredConfigPath(desired, 1 << 20).read().none()).isTrue();
  }

  @Test
  void equalContentGivesEqualNamesAndTheFileOrDirectoryFormsAgree() throws Exception {
    Path file = desired.resolve("a.yaml");
    Files.copy(EXAMPLE, file);
    DesiredConfigPath.Snapshot fromFile = new DesiredConfigPath(file, 1 << 20).read();
    DesiredConfigPath.Snapshot fromDir = new DesiredConfigPath(desired, 1 << 20).read();
    assertThat(fromFile.name()).isEqualTo(fromDir.name()).startsWith("rendered-host-");
    assertThat(fromFile.text()).isEqualTo(fromDir.text());
  }

  @Test
  void theNodeWatchDeliversAChangedDesiredConfig() throws Exception {
    Path file = desired.resolve("a.yaml");
    Files.copy(EXAMPLE, file);
    DesiredConfigPath path = new DesiredConfigPath(file, 1 << 20);
    LocalNodeApi nodes =
        new LocalNodeApi(path, new dev.ccd.testing.FakeHostFiles(), KEYS, Duration.ofMillis(50));
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch =
        nodes.watch(
            "host",
            new dev.ccd.kube.NodeListener() {
              @Override
              public void onNode(dev.ccd.kube.NodeView node) {
                seen.add(String.valueOf(node.annotation(KEYS.desiredConfigKey())));
              }

              @Override
              public void onClose(Exception cause) {
                seen.add("closed: " + cause.getMessage());
              }
            })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
      Files.writeString(file, Files.readString(EXAMPLE).replace("99-worker-generated", "50-other"));
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
      assertThat(seen.get(seen.size() - 1)).startsWith("rendered-host-").isNotEqualTo(seen.get(0));
    }
  }

  private AgentRuntime start(Path desiredConfig) throws Exception {
    Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    Files.createDirectories(root.resolve("var/lib/ccd"));
    HostWiring host = HostWiring.forRoot(root, DemoCommand.RECORDED);
    AgentRuntime.Options options =
        new AgentRuntime.Options(
            "host",
            KEYS,
            Optional.empty(),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofSeconds(5));
    return AgentRuntime.start(host, HostMode.edges(desiredConfig, host, KEYS), options);
  }

  private Map<String, String> awaitState(String state) throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> state.equals(status().get(KEYS.stateKey())));
    return status();
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> status() throws Exception {
    Path file = root.resolve(LocalNodeApi.STATUS_FILE.substring(1));
    return Files.exists(file) ? new ObjectMapper().readValue(file.toFile(), Map.class) : Map.of();
  }
}
