package dev.ccd.machineconfig;

import static dev.ccd.machineconfig.Ign.file;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineConfigMergeTest {
  private static final String REG = "/etc/containers/registries.conf";

  private static MachineConfigDocument mc(String name, String role, ObjectNode config) {
    return new MachineConfigDocument(
        name,
        name,
        role == null ? Map.of() : Map.of(MachineConfigDocument.ROLE_LABEL, role),
        Map.of(),
        config,
        Map.of());
  }

  @Test
  void workerConfigsFirstThenOthersByName() {
    var docs =
        List.of(
            mc("99-infra-b", "infra", Ign.config("3.2.0")),
            mc("50-worker-z", "worker", Ign.config("3.2.0")),
            mc("00-infra-a", "infra", Ign.config("3.2.0")),
            mc("10-worker-a", "worker", Ign.config("3.2.0")));
    assertThat(MachineConfigMerge.ordered(docs))
        .extracting(MachineConfigDocument::name)
        .containsExactly("10-worker-a", "50-worker-z", "00-infra-a", "99-infra-b");
  }

  @Test
  void customPoolConfigWinsOverWorkerRegardlessOfName() {
    var docs =
        List.of(
            mc("00-infra", "infra", Ign.withFiles(file(REG, "data:,infra"))),
            mc("99-worker", "worker", Ign.withFiles(file(REG, "data:,worker"))));
    DesiredFiles files =
        IgnitionDecoder.decode(MachineConfigMerge.render("infra", docs), ManagedPaths.DEFAULT);
    assertThat(new String(files.files().get(0).content(), StandardCharsets.UTF_8))
        .isEqualTo("infra");
  }

  @Test
  void fieldWiseChildWinsAndOverwriteDefaults() {
    ObjectNode base =
        Ign.withFiles(
            f -> {
              file(REG, "data:,old").accept(f);
              f.put("mode", 0600);
            },
            file("/etc/containers/policy.json", "data:,{}"));
    ObjectNode later = Ign.withFiles(file(REG, "data:,new"));
    JsonNode spec =
        MachineConfigMerge.merge(List.of(mc("10-a", "worker", base), mc("20-b", "worker", later)));
    JsonNode files = spec.at("/config/storage/files");
    assertThat(files).hasSize(2);
    assertThat(files.get(0).get("path").asText()).isEqualTo(REG);
    assertThat(files.get(0).at("/contents/source").asText()).isEqualTo("data:,new");
    assertThat(files.get(0).get("mode").asInt())
        .as("mode inherited from the earlier entry")
        .isEqualTo(0600);
    assertThat(files.get(0).get("overwrite").asBoolean()).isTrue();
    assertThat(files.get(1).get("overwrite").asBoolean()).isTrue();
    assertThat(spec.at("/config/ignition/version").asText()).isEqualTo("3.5.0");
  }

  @Test
  void laterUncompressedFileDoesNotInheritGzip() {
    String gz =
        "data:;base64,"
            + Base64.getEncoder().encodeToString(Ign.gzip("old".getBytes(StandardCharsets.UTF_8)));
    ObjectNode base =
        Ign.withFiles(
            f -> {
              file(REG, gz).accept(f);
              ((ObjectNode) f.get("contents")).put("compression", "gzip");
            });
    ObjectNode later = Ign.withFiles(file(REG, "data:,new"));
    MachineConfigDocument rendered =
        MachineConfigMerge.render(
            "worker", List.of(mc("10-a", "worker", base), mc("20-b", "worker", later)));
    assertThat(rendered.config().at("/storage/files/0/contents").has("compression")).isFalse();
    DesiredFiles files = IgnitionDecoder.decode(rendered, ManagedPaths.DEFAULT);
    assertThat(files.files().get(0).content()).isEqualTo("new".getBytes(StandardCharsets.UTF_8));
    assertThat(files.configName()).isEqualTo(rendered.name()).startsWith("rendered-worker-");
  }

  @Test
  void gzipSurvivesWhenNothingLaterOverridesIt() {
    String gz =
        "data:;base64,"
            + Base64.getEncoder().encodeToString(Ign.gzip("old".getBytes(StandardCharsets.UTF_8)));
    ObjectNode base =
        Ign.withFiles(
            f -> {
              file(REG, gz).accept(f);
              ((ObjectNode) f.get("contents")).put("compression", "gzip");
            });
    ObjectNode later =
        Ign.withFiles(
            f -> {
              f.put("path", REG);
              f.put("mode", 0640);
            });
    MachineConfigDocument rendered =
        MachineConfigMerge.render(
            "worker", List.of(mc("10-a", "worker", base), mc("20-b", "worker", later)));
    DesiredFile f = IgnitionDecoder.decode(rendered, ManagedPaths.DEFAULT).files().get(0);
    assertThat(f.content()).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
    assertThat(f.mode()).isEqualTo(0640);
  }

  @Test
  void scalarsOfSpec() {
    var n = JsonNodeFactory.instance;
    var a =
        new MachineConfigDocument(
            "a",
            "00-a",
            Map.of(),
            Map.of(),
            Ign.config("3.2.0"),
            Map.of(
                "fips",
                n.booleanNode(true),
                "kernelArguments",
                n.arrayNode().add("x"),
                "kernelType",
                n.textNode("realtime")));
    var b =
        new MachineConfigDocument(
            "b",
            "01-b",
            Map.of(),
            Map.of(),
            Ign.config("3.2.0"),
            Map.of(
                "fips",
                n.booleanNode(false),
                "kernelArguments",
                n.arrayNode().add("y"),
                "kernelType",
                n.textNode("default")));
    JsonNode spec = MachineConfigMerge.merge(List.of(b, a));
    assertThat(spec.get("fips").asBoolean()).isTrue();
    assertThat(spec.get("kernelArguments").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(spec.get("kernelType").asText()).isEqualTo("realtime");
  }

  @Test
  void renderedNameDependsOnSpecOnly() {
    var one = List.of(mc("10-a", "worker", Ign.withFiles(file(REG, "data:,x"))));
    var renamed = List.of(mc("11-other-name", "worker", Ign.withFiles(file(REG, "data:,x"))));
    assertThat(MachineConfigMerge.render("worker", one).name())
        .isEqualTo(MachineConfigMerge.render("worker", renamed).name());
  }
}
