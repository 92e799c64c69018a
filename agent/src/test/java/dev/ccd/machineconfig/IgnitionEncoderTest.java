package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IgnitionEncoderTest {
  private static final List<DesiredFile> FILES =
      List.of(
          new DesiredFile(
              "/etc/containers/registries.conf",
              "[[registry]]\nlocation = \"quay.io\"\n".getBytes(StandardCharsets.UTF_8),
              0644,
              new Owner(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
          new DesiredFile(
              "/etc/containers/policy.json",
              "{}".getBytes(StandardCharsets.UTF_8),
              0600,
              Owner.ROOT),
          new DesiredFile(
              "/etc/containers/registries.d/keys/k.gpg",
              new byte[] {0, (byte) 0xff, 7, 1},
              0640,
              new Owner(
                  Optional.empty(),
                  Optional.of("containers"),
                  Optional.of(5),
                  Optional.of("wheel"))));

  @Test
  void dataUrlIsBase64TextLikeMco() {
    assertThat(IgnitionEncoder.dataUrl("a = 1\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("data:text/plain;charset=utf-8;base64,YSA9IDEK");
    assertThat(IgnitionEncoder.dataUrl(new byte[] {0, 1}))
        .isEqualTo("data:application/octet-stream;base64,AAE=");
  }

  @Test
  void machineConfigShape() {
    ObjectNode mc =
        IgnitionEncoder.machineConfig(IgnitionEncoder.generatedName("worker"), "worker", FILES);
    assertThat(mc.at("/metadata/name").asText()).isEqualTo("99-worker-generated-registries");
    assertThat(mc.at("/metadata/labels").toString())
        .isEqualTo("{\"machineconfiguration.openshift.io/role\":\"worker\"}");
    assertThat(mc.at("/spec/config/ignition/version").asText()).isEqualTo("3.5.0");
    ObjectNode first = (ObjectNode) mc.at("/spec/config/storage/files/0");
    assertThat(first.get("mode").asInt()).isEqualTo(420);
    assertThat(first.get("overwrite").asBoolean()).isTrue();
    assertThat(first.at("/contents/compression").asText()).isEmpty();
    assertThat(first.has("user")).as("no owner given, none written").isFalse();
  }

  @Test
  void roundTripThroughYaml() {
    ObjectNode mc = IgnitionEncoder.machineConfig("99-infra-generated-registries", "infra", FILES);
    String yaml = IgnitionEncoder.toYaml(mc);
    assertThat(yaml).startsWith("apiVersion: machineconfiguration.openshift.io/v1\n");
    MachineConfigDocument doc = MachineConfigReader.parse(yaml, "out.yaml");
    assertThat(doc.role()).contains("infra");
    DesiredFiles decoded = IgnitionDecoder.decode(doc, ManagedPaths.DEFAULT);
    assertThat(decoded).isEqualTo(new DesiredFiles("99-infra-generated-registries", FILES));
  }
}
