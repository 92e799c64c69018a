package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MirrorSetSchemaTest {

  static List<String> check(String kind, String yaml) throws YamlDocuments.Refusal {
    JsonNode node = YamlDocuments.yaml(yaml).get(0);
    return MirrorSetSchema.check(kind, node, "f.yaml", kind + "/x").stream()
        .map(Problem::toString)
        .toList();
  }

  @Test
  void aCompleteObjectOfEveryKindPasses() throws Exception {
    assertThat(
            check(
                "ImageDigestMirrorSet",
                """
                apiVersion: config.openshift.io/v1
                kind: ImageDigestMirrorSet
                metadata:
                  name: x
                  labels: {a: b}
                  annotations: {c: d}
                  generation: 3
                spec:
                  imageDigestMirrors:
                  - {source: a.com, mirrors: [m.com, n.com], mirrorSourcePolicy: AllowContactingSource}
                  - {source: b.com, mirrors: ~}
                status: {}
                """))
        .isEmpty();
    assertThat(
            check(
                "ImageTagMirrorSet",
                "spec: {imageTagMirrors: [{source: a.com, mirrorSourcePolicy: NeverContactSource}]}"))
        .isEmpty();
    assertThat(
            check(
                "ImageContentSourcePolicy",
                "spec: {repositoryDigestMirrors: [{source: a.com, mirrors: [m.com]}]}"))
        .isEmpty();
    assertThat(
            check(
                "Image",
                """
                spec:
                  allowedRegistriesForImport: [{domainName: q.io, insecure: false}]
                  additionalTrustedCA: {name: ca}
                  registrySources:
                    blockedRegistries: [x.com]
                    insecureRegistries: [y.com]
                    allowedRegistries: [z.com]
                    containerRuntimeSearchRegistries: [q.io]
                  imageStreamImportMode: Legacy
                status: {internalRegistryHostname: image-registry:5000}
                """))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ImageDigestMirrorSet|spec: {imageDigestMirror: []}"
            + "|f.yaml: ImageDigestMirrorSet/x spec.imageDigestMirror: unknown field"
            + " (allowed: imageDigestMirrors)",
        "ImageTagMirrorSet|spec: {imageTagMirrors: [{source: a.com, mirrorSourcePolicy: Never}]}"
            + "|f.yaml: ImageTagMirrorSet/x spec.imageTagMirrors[0].mirrorSourcePolicy:"
            + " unsupported value \"Never\" (allowed: NeverContactSource, AllowContactingSource)",
        "ImageDigestMirrorSet|spec: {imageDigestMirrors: [{source: a.com, mirrors: [m.com, m.com]}]}"
            + "|f.yaml: ImageDigestMirrorSet/x spec.imageDigestMirrors[0].mirrors[1]:"
            + " duplicate value \"m.com\" (a set: each once)",
        "ImageDigestMirrorSet|spec: {imageDigestMirrors: {source: a.com}}"
            + "|f.yaml: ImageDigestMirrorSet/x spec.imageDigestMirrors: expected a list",
        "ImageDigestMirrorSet|spec: {imageDigestMirrors: [{source: [a.com]}]}"
            + "|f.yaml: ImageDigestMirrorSet/x spec.imageDigestMirrors[0].source: expected a string",
        "ImageDigestMirrorSet|status: {conditions: []}"
            + "|f.yaml: ImageDigestMirrorSet/x status.conditions: unknown field (allowed: none)",
        "ImageDigestMirrorSet|metadata: {nam: x}"
            + "|f.yaml: ImageDigestMirrorSet/x metadata.nam: unknown field (allowed: name,"
            + " generateName, namespace, selfLink, uid, resourceVersion, generation,"
            + " creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, labels,"
            + " annotations, ownerReferences, finalizers, managedFields)",
        "ImageDigestMirrorSet|metadata: {labels: {a: 1}}"
            + "|f.yaml: ImageDigestMirrorSet/x metadata.labels.a: expected a string"
            + " (quote numbers and booleans)",
        "ImageContentSourcePolicy|spec: {repositoryDigestMirrors: [{source: a.com,"
            + " mirrorSourcePolicy: NeverContactSource}]}"
            + "|f.yaml: ImageContentSourcePolicy/x spec.repositoryDigestMirrors[0]"
            + ".mirrorSourcePolicy: unknown field (allowed: source, mirrors)",
        "Image|spec: {registrySources: {blockedRegistries: [x.com], blocked: [y.com]}}"
            + "|f.yaml: Image/x spec.registrySources.blocked: unknown field (allowed:"
            + " insecureRegistries, blockedRegistries, allowedRegistries,"
            + " containerRuntimeSearchRegistries)",
        "Image|spec: {allowedRegistriesForImport: [{domainName: q.io, insecure: yes please}]}"
            + "|f.yaml: Image/x spec.allowedRegistriesForImport[0].insecure: expected true or false",
        "Image|spec: {imageStreamImportMode: Modern}"
            + "|f.yaml: Image/x spec.imageStreamImportMode: unsupported value \"Modern\""
            + " (allowed: Legacy, PreserveOriginal)",
      })
  void eachDeviationIsNamedWithItsFieldAndWhatIsAllowed(String kind, String yaml, String problem)
      throws Exception {
    assertThat(check(kind, yaml)).containsExactly(problem);
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() throws Exception {
    assertThat(
            check(
                "ImageDigestMirrorSet",
                """
                spek: {}
                spec:
                  imageDigestMirrors:
                  - {source: a.com, mirrorSourcePolicy: NeverContactSorce, mirror: [m.com]}
                  - {sauce: b.com}
                """))
        .hasSize(4);
  }

  @Test
  void theReaderReportsSchemaAndRuleProblemsTogether() {
    assertThatThrownBy(
            () ->
                MirrorSetsReader.parse(
                    """
                    apiVersion: config.openshift.io/v1
                    kind: ImageTagMirrorSet
                    metadata: {name: t}
                    spec:
                      imageTagMirrors:
                      - {source: a.com, mirrors: [a.com], mirrorSourcePolicy: NeverContactSource}
                      - {source: b.com, mirrors: [m.com], mirrorSourcePolicy: Nope}
                    """,
                    "t.yaml"))
        .isInstanceOfSatisfying(
            MirrorSetException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::toString)
                    .containsExactly(
                        "t.yaml: ImageTagMirrorSet/t spec.imageTagMirrors[1].mirrorSourcePolicy:"
                            + " unsupported value \"Nope\""
                            + " (allowed: NeverContactSource, AllowContactingSource)",
                        "t.yaml: ImageTagMirrorSet/t spec.imageTagMirrors[0].mirrors[0]:"
                            + " cannot set mirrorSourcePolicy: NeverContactSource if the source"
                            + " \"a.com\" is one of the mirrors"));
  }
}
