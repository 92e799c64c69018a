package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigMerge;
import dev.ccd.machineconfig.Owner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which configs a pool merges, and what it renders to. */
class RenderPlannerTest {
  static final String ROLE = MachineConfigDocument.ROLE_LABEL;
  static final LabelSelector WORKER = new LabelSelector(Map.of(ROLE, "worker"), List.of());

  static MachineConfigDocument mc(String name, String role, String path, String text) {
    ObjectNode config =
        IgnitionEncoder.ignition(
            List.of(
                new DesiredFile(
                    path,
                    text.getBytes(StandardCharsets.UTF_8),
                    DesiredFile.DEFAULT_MODE,
                    new Owner(
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))));
    Map<String, String> labels = role == null ? Map.of() : Map.of(ROLE, role);
    return new MachineConfigDocument(
        "machineconfig/" + name, name, labels, Map.of(), config, Map.of());
  }

  static final MachineConfigDocument BASE =
      mc("00-worker", "worker", "/etc/containers/policy.json", "{}");
  static final MachineConfigDocument REGISTRIES =
      mc(
          "99-worker-generated-registries",
          "worker",
          "/etc/containers/registries.conf.d/99.conf",
          "new");
  static final MachineConfigDocument OTHER_POOL =
      mc("50-infra", "infra", "/etc/containers/policy.json", "{\"infra\":1}");
  static final MachineConfigDocument RENDERED_OLD =
      mc("rendered-worker-0123456789abcdef0123456789abcdef", "worker", "/etc/x", "old");

  @Test
  void mergesTheSelectedConfigsUnderTheirRenderedName() {
    PoolRender r =
        RenderPlanner.render(
            "worker", Optional.of(WORKER), List.of(REGISTRIES, OTHER_POOL, BASE, RENDERED_OLD));

    assertThat(r).isInstanceOf(PoolRender.Rendered.class);
    PoolRender.Rendered rendered = (PoolRender.Rendered) r;
    MachineConfigDocument expected = MachineConfigMerge.render("worker", List.of(BASE, REGISTRIES));
    assertThat(rendered.name()).isEqualTo(expected.name()).startsWith("rendered-worker-");
    assertThat(rendered.config().spec()).isEqualTo(expected.spec());
    assertThat(rendered.sources()).containsExactly("00-worker", "99-worker-generated-registries");
  }

  @Test
  void aCustomPoolTakesWorkerConfigsFirstThenItsOwn() {
    LabelSelector infraAndWorker =
        new LabelSelector(
            Map.of(),
            List.of(
                new LabelSelector.Requirement(
                    ROLE, LabelSelector.Operator.IN, List.of("worker", "infra"))));

    PoolRender.Rendered r =
        (PoolRender.Rendered)
            RenderPlanner.render("infra", Optional.of(infraAndWorker), List.of(OTHER_POOL, BASE));

    assertThat(r.sources()).containsExactly("00-worker", "50-infra");
    assertThat(r.name()).startsWith("rendered-infra-");
  }

  @Test
  void theFreshGeneratedConfigReplacesTheClusterCopy() {
    MachineConfigDocument stale =
        mc(
            "99-worker-generated-registries",
            "worker",
            "/etc/containers/registries.conf.d/99.conf",
            "stale");

    List<MachineConfigDocument> inputs =
        RenderPlanner.withGenerated(List.of(BASE, stale), REGISTRIES);

    assertThat(inputs).containsExactly(BASE, REGISTRIES);
  }

  @Test
  void nothingSelectedFailsNamingTheSelector() {
    PoolRender r = RenderPlanner.render("worker", Optional.of(WORKER), List.of(OTHER_POOL));

    assertThat(r)
        .isEqualTo(
            new PoolRender.Failed(
                "no MachineConfigs found matching selector"
                    + " machineconfiguration.openshift.io/role=worker"));
    assertThat(RenderPlanner.render("worker", Optional.empty(), List.of(BASE)))
        .isEqualTo(
            new PoolRender.Failed("spec.machineConfigSelector is not set, so it selects nothing"));
  }

  @Test
  void aRenderedConfigOverTheSizeLimitFails() {
    MachineConfigDocument huge =
        mc(
            "90-huge",
            "worker",
            "/etc/containers/registries.conf.d/huge.conf",
            "x".repeat(1_300_000));

    PoolRender r = RenderPlanner.render("worker", Optional.of(WORKER), List.of(huge));

    assertThat(r).isInstanceOf(PoolRender.Failed.class);
    assertThat(((PoolRender.Failed) r).message())
        .startsWith("rendered MachineConfig rendered-worker-")
        .contains("is too large")
        .contains("at most 1572864");
  }
}
