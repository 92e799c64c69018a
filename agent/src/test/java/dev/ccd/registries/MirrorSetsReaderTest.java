package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MirrorSetsReaderTest {

  @Test
  void readsSeveralDocumentsOfEveryKind() throws MirrorSetException {
    MirrorSets in =
        MirrorSetsReader.parse(
            """
            ---
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: d}
            spec:
              imageDigestMirrors:
              - {source: a.com, mirrors: [m.com], mirrorSourcePolicy: NeverContactSource}
            ---
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata: {name: t}
            spec:
              imageTagMirrors: [{source: b.com, mirrors: [n.com]}]
            ---
            apiVersion: operator.openshift.io/v1alpha1
            kind: ImageContentSourcePolicy
            metadata: {name: i}
            spec:
              repositoryDigestMirrors: [{source: c.com, mirrors: [o.com]}]
            ---
            apiVersion: config.openshift.io/v1
            kind: Image
            metadata: {name: cluster}
            spec: {registrySources: {blockedRegistries: [x.com]}}
            ---
            """,
            "all.yaml");

    assertThat(in.digestMirrorSets().get(0).getSpec().getImageDigestMirrors().get(0))
        .satisfies(
            m -> {
              assertThat(m.getSource()).isEqualTo("a.com");
              assertThat(m.getMirrors()).containsExactly("m.com");
              assertThat(m.getMirrorSourcePolicy()).isEqualTo("NeverContactSource");
            });
    assertThat(in.tagMirrorSets()).hasSize(1);
    assertThat(in.contentSourcePolicies()).hasSize(1);
    assertThat(in.imageConfig().orElseThrow().getSpec().getRegistrySources().getBlockedRegistries())
        .containsExactly("x.com");
    assertThat(in.originOf(in.tagMirrorSets().get(0))).isEqualTo("all.yaml");
  }

  @Test
  void readsAListAndJson() throws MirrorSetException {
    MirrorSets list =
        MirrorSetsReader.parse(
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: config.openshift.io/v1
              kind: ImageDigestMirrorSet
              metadata: {name: one}
            - apiVersion: config.openshift.io/v1
              kind: ImageDigestMirrorSet
              metadata: {name: two}
            """,
            "list.yaml");
    assertThat(list.digestMirrorSets())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("one", "two");

    MirrorSets json =
        MirrorSetsReader.parse(
            "{\"apiVersion\":\"config.openshift.io/v1\",\"kind\":\"ImageTagMirrorSetList\","
                + "\"items\":[{\"apiVersion\":\"config.openshift.io/v1\","
                + "\"kind\":\"ImageTagMirrorSet\",\"metadata\":{\"name\":\"j\"}}]}",
            "list.json");
    assertThat(json.tagMirrorSets()).hasSize(1);
  }

  @Test
  void unknownKindsAreNamedByFileAndDocument() {
    assertThatThrownBy(
            () ->
                MirrorSetsReader.parse(
                    """
                    apiVersion: config.openshift.io/v1
                    kind: ImageDigestMirrorSet
                    metadata: {name: ok}
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: cm}
                    ---
                    kind: List
                    items:
                    - {apiVersion: operator.openshift.io/v1, kind: ImageContentSourcePolicy, metadata: {name: x}}
                    """,
                    "mixed.yaml"))
        .isInstanceOf(MirrorSetException.class)
        .satisfies(
            e ->
                assertThat(((MirrorSetException) e).problems())
                    .extracting(Problem::file, Problem::field)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mixed.yaml", "document 2"),
                        org.assertj.core.groups.Tuple.tuple("mixed.yaml", "document 3 items[0]")))
        .hasMessageContaining("unsupported kind \"ConfigMap\"")
        .hasMessageContaining(
            "unsupported apiVersion \"operator.openshift.io/v1\" for kind"
                + " ImageContentSourcePolicy; want \"operator.openshift.io/v1alpha1\"");
  }

  @Test
  void syntaxErrorsNameTheFileAndLine() {
    assertThatThrownBy(() -> MirrorSetsReader.parse("kind: [unclosed\n", "bad.yaml"))
        .isInstanceOf(MirrorSetException.class)
        .hasMessageStartingWith("bad.yaml: document 1: ")
        .hasMessageContaining("line");
  }

  @Test
  void objectsNeedANameAndOnlyOneOfEach() {
    assertThatThrownBy(
            () ->
                MirrorSetsReader.parse(
                    "apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\n", "x.yaml"))
        .hasMessage("x.yaml: document 1 metadata.name: ImageTagMirrorSet has no name");
    assertThatThrownBy(
            () ->
                MirrorSetsReader.parse(
                    """
                    {apiVersion: config.openshift.io/v1, kind: ImageTagMirrorSet, metadata: {name: a}}
                    ---
                    {apiVersion: config.openshift.io/v1, kind: ImageTagMirrorSet, metadata: {name: a}}
                    """,
                    "x.yaml"))
        .hasMessage("x.yaml: ImageTagMirrorSet/a: defined more than once (also in x.yaml)");
  }

  @Test
  void wrongFieldTypesAreErrors() {
    assertThatThrownBy(
            () ->
                MirrorSetsReader.parse(
                    """
                    apiVersion: config.openshift.io/v1
                    kind: ImageDigestMirrorSet
                    metadata: {name: a}
                    spec: {imageDigestMirrors: {source: a.com}}
                    """,
                    "t.yaml"))
        .isInstanceOf(MirrorSetException.class)
        .hasMessage("t.yaml: ImageDigestMirrorSet/a spec.imageDigestMirrors: expected a list");
  }
}
