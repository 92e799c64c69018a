package dev.ccd.it.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.Fabric8ConfigSource;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.Watch;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfig;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MachineConfig lookup and watch against the fabric8 mock API server (CRUD mode). */
class Fabric8ConfigSourceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String DATA_URL = "data:,unqualified-search-registries%20%3D%20%5B%5D%0A";

  private EmbeddedApi api;
  private Fabric8ConfigSource configs;

  @BeforeEach
  void start() throws Exception {
    api = new EmbeddedApi();
    configs =
        new Fabric8ConfigSource(
            api.client(), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void create(String name, String contents) {
    Map<String, Object> ignition =
        Map.of(
            "ignition", Map.of("version", "3.4.0"),
            "storage",
                Map.of(
                    "files",
                    List.of(
                        Map.of(
                            "path",
                            "/etc/containers/registries.conf",
                            "mode",
                            420,
                            "overwrite",
                            true,
                            "contents",
                            Map.of("source", contents)))));
    MachineConfig mc =
        new MachineConfigBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("machineconfiguration.openshift.io/role", "worker")
            .endMetadata()
            .withNewSpec()
            .withConfig(ignition)
            .endSpec()
            .build();
    api.client().resources(MachineConfig.class).resource(mc).create();
  }

  @Test
  void reportsAbsence() throws Exception {
    assertThat(configs.machineConfig("rendered-worker-missing")).isEmpty();
  }

  @Test
  void findsACreatedMachineConfigAsJson() throws Exception {
    create("rendered-worker-1", DATA_URL);
    MachineConfigText text = configs.machineConfig("rendered-worker-1").orElseThrow();
    assertThat(text.name()).isEqualTo("rendered-worker-1");
    assertThat(text.resourceVersion()).isNotEmpty();

    JsonNode json = new ObjectMapper().readTree(text.json());
    assertThat(json.path("apiVersion").asText()).isEqualTo("machineconfiguration.openshift.io/v1");
    assertThat(json.path("kind").asText()).isEqualTo("MachineConfig");
    JsonNode file = json.path("spec").path("config").path("storage").path("files").path(0);
    assertThat(file.path("path").asText()).isEqualTo("/etc/containers/registries.conf");
    assertThat(file.path("mode").asInt()).isEqualTo(420);
    assertThat(file.path("contents").path("source").asText()).isEqualTo(DATA_URL);
    assertThat(json.path("spec").path("config").path("ignition").path("version").asText())
        .isEqualTo("3.4.0");
  }

  @Test
  void watchHearsAMissingConfigAppearAndNoOther() {
    List<MachineConfigText> heard = new CopyOnWriteArrayList<>();
    List<Exception> closes = new CopyOnWriteArrayList<>();
    ConfigListener listener =
        new ConfigListener() {
          @Override
          public void onConfig(MachineConfigText config) {
            heard.add(config);
          }

          @Override
          public void onClose(Exception cause) {
            closes.add(cause);
          }
        };
    Watch w = configs.watch("rendered-worker-2", listener);
    try {
      create("rendered-worker-other", DATA_URL);
      create("rendered-worker-2", DATA_URL);
      await().atMost(DEADLINE).until(() -> !heard.isEmpty());
      create("rendered-worker-3", DATA_URL);
      assertThat(heard).extracting(MachineConfigText::name).containsOnly("rendered-worker-2");
      assertThat(heard.get(0).json()).contains("/etc/containers/registries.conf");
      assertThat(closes).as("no watch errors").isEmpty();
    } finally {
      w.close();
    }
  }

  @Test
  void watchOfAnExistingConfigDeliversItAtOnce() {
    create("rendered-worker-4", DATA_URL);
    List<MachineConfigText> heard = new CopyOnWriteArrayList<>();
    Watch w = configs.watch("rendered-worker-4", heard::add);
    try {
      await().atMost(DEADLINE).until(() -> !heard.isEmpty());
      assertThat(heard.get(0).name()).isEqualTo("rendered-worker-4");
    } finally {
      w.close();
    }
  }
}
