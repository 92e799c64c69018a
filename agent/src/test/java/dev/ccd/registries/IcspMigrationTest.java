package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcspMigrationTest {
  static final String ICSP =
      """
      apiVersion: operator.openshift.io/v1alpha1
      kind: ImageContentSourcePolicy
      metadata:
        name: release
        uid: "1234"
        resourceVersion: "99"
        labels: {team: infra}
      spec:
        repositoryDigestMirrors:
        - source: quay.io/openshift-release-dev/ocp-release
          mirrors: [mirror.example.com/ocp/release, backup.example.com/ocp/release]
        - source: registry.redhat.io/ubi9
          mirrors: [mirror.example.com/ubi9]
      """;

  @Test
  void convertsOneIcspToOneIdmsWithTheSameNameAndMirrors() throws MirrorSetException {
    MirrorSets in = MirrorSetsReader.parse(ICSP, "icsp.yaml");

    ImageDigestMirrorSet idms = IcspMigration.toDigestMirrorSet(in.contentSourcePolicies().get(0));

    assertThat(idms.getApiVersion()).isEqualTo("config.openshift.io/v1");
    assertThat(idms.getKind()).isEqualTo("ImageDigestMirrorSet");
    assertThat(idms.getMetadata().getName()).isEqualTo("release");
    assertThat(idms.getMetadata().getLabels()).isEqualTo(Map.of("team", "infra"));
    assertThat(idms.getMetadata().getUid()).as("server-set fields dropped").isNull();
    assertThat(idms.getSpec().getImageDigestMirrors())
        .extracting(m -> m.getSource(), m -> m.getMirrors(), m -> m.getMirrorSourcePolicy())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "quay.io/openshift-release-dev/ocp-release",
                List.of("mirror.example.com/ocp/release", "backup.example.com/ocp/release"),
                null),
            org.assertj.core.groups.Tuple.tuple(
                "registry.redhat.io/ubi9", List.of("mirror.example.com/ubi9"), null));
    assertThat(IcspMigration.fileName(idms)).isEqualTo("imagedigestmirrorset_release.yaml");
  }

  @Test
  void theYamlReadsBackAndRendersTheSameRegistries() throws MirrorSetException {
    MirrorSets icsp = MirrorSetsReader.parse(ICSP, "icsp.yaml");
    String yaml =
        IcspMigration.toYaml(IcspMigration.toDigestMirrorSet(icsp.contentSourcePolicies().get(0)));

    assertThat(yaml).startsWith("apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\n");
    assertThat(yaml).doesNotContain("status", "uid", "resourceVersion", "additionalProperties");
    MirrorSets idms = MirrorSetsReader.parse(yaml, "idms.yaml");
    assertThat(idms.digestMirrorSets()).hasSize(1);
    assertThat(MirrorSetRenderer.render(idms, RegistriesConf.EMPTY))
        .isEqualTo(MirrorSetRenderer.render(icsp, RegistriesConf.EMPTY));
  }
}
