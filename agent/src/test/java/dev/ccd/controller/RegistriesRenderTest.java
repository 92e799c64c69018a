package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.cli.Main;
import dev.ccd.machineconfig.GeneratedRegistries.Layout;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The controller's generated registries config is byte for byte what {@code ccd render} prints. */
class RegistriesRenderTest {
  @TempDir Path dir;

  static final String MIRROR_SETS =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: a-release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      ---
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: b-apps}
      spec:
        imageDigestMirrors:
        - {source: registry.example.com/apps, mirrors: [mirror.example.com/apps, backup.example.com/apps]}
      ---
      apiVersion: config.openshift.io/v1
      kind: ImageTagMirrorSet
      metadata: {name: tags}
      spec:
        imageTagMirrors:
        - {source: docker.io/library, mirrors: [mirror.example.com/lib]}
      ---
      apiVersion: config.openshift.io/v1
      kind: Image
      metadata: {name: cluster}
      spec: {registrySources: {blockedRegistries: [bad.example.com]}}
      """;

  String ccdRender(Path file, String pool) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int rc =
        cli.execute(
            "render", "--mirror-sets", file.toString(), "--pool", pool, "-o", "machineconfig");
    assertThat(rc).as(err.toString()).isZero();
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker", "infra"})
  void theBytesAreThoseCcdRenderPrints(String pool) throws Exception {
    Path file = Files.writeString(dir.resolve("sets.yaml"), MIRROR_SETS);
    MirrorSets sets = MirrorSetsReader.parse(MIRROR_SETS, file.toString());

    GeneratedConfig generated =
        RegistriesRender.forPool(pool, sets, Layout.DROPIN, Optional.empty());

    assertThat(generated).isInstanceOf(GeneratedConfig.Generated.class);
    GeneratedConfig.Generated g = (GeneratedConfig.Generated) generated;
    assertThat(g.yaml()).isEqualTo(ccdRender(file, pool));
    assertThat(g.document().name()).isEqualTo(IgnitionEncoder.generatedName(pool));
    assertThat(g.document().role()).contains(pool);
  }

  @Test
  void theExampleRendersToTheShippedMachineConfig() throws Exception {
    Path example = Path.of("../examples/air-gapped-mirror-sets.yaml");
    MirrorSets sets = MirrorSetsReader.parse(Files.readString(example), example.toString());

    GeneratedConfig generated =
        RegistriesRender.forPool("worker", sets, Layout.DROPIN, Optional.empty());

    assertThat(((GeneratedConfig.Generated) generated).yaml())
        .isEqualTo(Files.readString(Path.of("../examples/99-worker-generated-registries.yaml")));
  }

  @Test
  void theOrderACacheListsObjectsInDoesNotChangeTheBytes() throws Exception {
    MirrorSets sets = MirrorSetsReader.parse(MIRROR_SETS, "sets.yaml");
    List<io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet> reversed =
        new ArrayList<>(sets.digestMirrorSets());
    Collections.reverse(reversed);
    MirrorSets shuffled =
        MirrorSets.of(
            reversed, sets.tagMirrorSets(), sets.contentSourcePolicies(), sets.imageConfig());

    assertThat(render(shuffled)).isEqualTo(render(sets));
  }

  @Test
  void anInvalidMirrorSetIsRefusedWithTheValidationMessage() throws Exception {
    MirrorSets sets =
        MirrorSetsReader.parse(
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: broken}
            spec:
              imageDigestMirrors:
              - {source: quay.io/ocp, mirrors: ["not a mirror!"]}
            """,
            "cluster");

    GeneratedConfig generated =
        RegistriesRender.forPool("worker", sets, Layout.DROPIN, Optional.empty());

    assertThat(generated).isInstanceOf(GeneratedConfig.Invalid.class);
    assertThat(((GeneratedConfig.Invalid) generated).message())
        .contains("ImageDigestMirrorSet/broken")
        .contains("not a mirror!");
  }

  private static String render(MirrorSets sets) {
    return ((GeneratedConfig.Generated)
            RegistriesRender.forPool("worker", sets, Layout.DROPIN, Optional.empty()))
        .yaml();
  }
}
