package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.registries.Problem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MachineConfigReaderTest {
  private static final String YAML =
      """
      apiVersion: machineconfiguration.openshift.io/v1
      kind: MachineConfig
      metadata:
        name: 99-worker-custom-registries
        labels:
          machineconfiguration.openshift.io/role: worker
        annotations:
          note: hello
      spec:
        kernelArguments: []
        config:
          ignition:
            version: 3.2.0
          storage:
            files:
              - path: /etc/containers/registries.conf
                mode: 420
                overwrite: true
                contents:
                  source: data:text/plain;charset=utf-8;base64,dW5xdWFsaWZpZWQtc2VhcmNoLXJlZ2lzdHJpZXMgPSBbImRvY2tlci5pbyJdCg==
      """;

  @Test
  void readsYamlAndKeepsIgnitionAsWritten() {
    MachineConfigDocument doc = MachineConfigReader.parse(YAML, "mc.yaml");
    assertThat(doc.name()).isEqualTo("99-worker-custom-registries");
    assertThat(doc.source()).isEqualTo("mc.yaml");
    assertThat(doc.role()).contains("worker");
    assertThat(doc.annotations()).containsEntry("note", "hello");
    assertThat(doc.otherSpec()).containsOnlyKeys("kernelArguments");
    assertThat(doc.config().at("/ignition/version").asText()).isEqualTo("3.2.0");
    assertThat(doc.config().at("/storage/files/0/mode").asInt()).isEqualTo(420);

    DesiredFiles files = IgnitionDecoder.decode(doc, ManagedPaths.DEFAULT);
    assertThat(new String(files.files().get(0).content(), StandardCharsets.UTF_8))
        .isEqualTo("unqualified-search-registries = [\"docker.io\"]\n");
  }

  @Test
  void readsJson() {
    String json =
        """
        {"apiVersion":"machineconfiguration.openshift.io/v1","kind":"MachineConfig",
         "metadata":{"name":"a"},"spec":{"config":{"ignition":{"version":"3.5.0"}}}}
        """;
    MachineConfigDocument doc = MachineConfigReader.parse(json, "a.json");
    assertThat(doc.name()).isEqualTo("a");
    assertThat(doc.role()).isEmpty();
    assertThat(doc.spec().toString())
        .isEqualTo("{\"config\":{\"ignition\":{\"version\":\"3.5.0\"}}}");
  }

  @Test
  void reportsEveryWrongTopLevelField() {
    String text =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {}
        """;
    assertThatThrownBy(() -> MachineConfigReader.parse(text, "cm.yaml"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        Problem.error(
                            "cm.yaml",
                            "apiVersion",
                            "expected \"machineconfiguration.openshift.io/v1\", found \"v1\""),
                        Problem.error(
                            "cm.yaml", "kind", "expected \"MachineConfig\", found \"ConfigMap\""),
                        Problem.error("cm.yaml", "metadata.name", "missing or not a string"),
                        Problem.error("cm.yaml", "spec", "missing")));
  }

  @Test
  void reportsSyntaxErrorsWithPosition() {
    assertThatThrownBy(() -> MachineConfigReader.parse("kind: [", "broken.yaml"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).file()).isEqualTo("broken.yaml");
              assertThat(e.problems().get(0).message())
                  .startsWith("not valid YAML or JSON: ")
                  .contains("expected the node content")
                  .contains("(line 1, column 8)");
            });
  }

  @Test
  void refusesDuplicateKeys() {
    String text = YAML + "kind: MachineConfig\n";
    assertThatThrownBy(() -> MachineConfigReader.parse(text, "dup.yaml"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("Duplicate field 'kind'");
  }

  @Test
  void configMustBeAnObject() {
    String text =
        """
        apiVersion: machineconfiguration.openshift.io/v1
        kind: MachineConfig
        metadata: {name: x}
        spec: {config: "ignition"}
        """;
    assertThatThrownBy(() -> MachineConfigReader.parse(text, "x.yaml"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        Problem.error(
                            "x.yaml",
                            "spec.config",
                            "expected an Ignition object, found \"ignition\"")));
  }
}
