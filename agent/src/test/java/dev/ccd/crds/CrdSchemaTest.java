package dev.ccd.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.config.v1.ImageBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicyBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CRDs of packaging/crds load with fabric8's typed model, say what openshift/api says (group,
 * version, scope, names, printer columns, subresources), accept the seed documents' examples and
 * reject invalid objects. Without an API server this cannot prove CEL rules, formats, list-type
 * uniqueness, or that the schemas pass the server's structural-schema checks.
 */
class CrdSchemaTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
  private static final Map<String, CustomResourceDefinition> BY_KIND = new TreeMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (Stream<Path> files = Files.list(CrdFiles.DIRECTORY)) {
      for (Path file : files.sorted().toList()) {
        CustomResourceDefinition crd =
            Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
        String key =
            crd.getSpec().getGroup()
                + "/"
                + crd.getSpec().getVersions().get(0).getName()
                + "/"
                + crd.getSpec().getNames().getKind();
        BY_KIND.put(key, crd);
      }
    }
  }

  private static CustomResourceDefinition crd(String apiVersion, String kind) {
    CustomResourceDefinition crd = BY_KIND.get(apiVersion + "/" + kind);
    assertThat(crd).as("a CRD for %s %s", apiVersion, kind).isNotNull();
    return crd;
  }

  private static List<String> violations(JsonNode object) {
    CustomResourceDefinition crd =
        crd(object.path("apiVersion").asText(), object.path("kind").asText());
    return SchemaCheck.violations(
        object, crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  @ParameterizedTest
  @CsvSource({
    "machineconfigs.machineconfiguration.openshift.io, machineconfiguration.openshift.io, v1,"
        + " MachineConfig, mc, false",
    "machineconfigpools.machineconfiguration.openshift.io, machineconfiguration.openshift.io, v1,"
        + " MachineConfigPool, mcp, true",
    "imagedigestmirrorsets.config.openshift.io, config.openshift.io, v1, ImageDigestMirrorSet,"
        + " idms, true",
    "imagetagmirrorsets.config.openshift.io, config.openshift.io, v1, ImageTagMirrorSet, itms,"
        + " true",
    "imagecontentsourcepolicies.operator.openshift.io, operator.openshift.io, v1alpha1,"
        + " ImageContentSourcePolicy, icsp, true",
    "images.config.openshift.io, config.openshift.io, v1, Image, '', true",
  })
  void eachCrdIsClusterScopedWithOpenshiftsNames(
      String name, String group, String version, String kind, String shortName, boolean status) {
    CustomResourceDefinition crd = crd(group + "/" + version, kind);
    assertThat(crd.getMetadata().getName()).isEqualTo(name);
    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(crd.getSpec().getNames().getShortNames())
        .isEqualTo(shortName.isEmpty() ? List.of() : List.of(shortName));
    CustomResourceDefinitionVersion served = crd.getSpec().getVersions().get(0);
    assertThat(served.getServed()).isTrue();
    assertThat(served.getStorage()).isTrue();
    assertThat(served.getSubresources() != null && served.getSubresources().getStatus() != null)
        .as("status subresource")
        .isEqualTo(status);
  }

  @Test
  void poolsAndMachineConfigsPrintOcsColumnsInOcsOrder() {
    assertThat(columns(crd("machineconfiguration.openshift.io/v1", "MachineConfigPool")))
        .containsExactly(
            "Config=.status.configuration.name",
            "Updated=.status.conditions[?(@.type==\"Updated\")].status",
            "Updating=.status.conditions[?(@.type==\"Updating\")].status",
            "Degraded=.status.conditions[?(@.type==\"Degraded\")].status",
            "MachineCount=.status.machineCount",
            "ReadyMachineCount=.status.readyMachineCount",
            "UpdatedMachineCount=.status.updatedMachineCount",
            "DegradedMachineCount=.status.degradedMachineCount",
            "Age=.metadata.creationTimestamp");
    assertThat(columns(crd("machineconfiguration.openshift.io/v1", "MachineConfig")))
        .containsExactly(
            "GeneratedByController=.metadata.annotations.machineconfiguration\\.openshift\\.io/"
                + "generated-by-controller-version",
            "IgnitionVersion=.spec.config.ignition.version",
            "Age=.metadata.creationTimestamp");
  }

  private static List<String> columns(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
        .map((CustomResourceColumnDefinition c) -> c.getName() + "=" + c.getJsonPath())
        .toList();
  }

  @Test
  void theSeedDocumentsExamplesAreAccepted() throws IOException {
    List<JsonNode> examples = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      for (Path file : files.sorted().toList()) {
        examples.addAll(documents(Files.readString(file)));
      }
    }
    Matcher blocks =
        YAML_BLOCK.matcher(Files.readString(Path.of("../../shared/reference/mcd-behaviour.md")));
    while (blocks.find()) {
      documents(blocks.group(1)).stream().filter(d -> d.has("kind")).forEach(examples::add);
    }
    // registries-conf.md shows an ImageTagMirrorSet by its spec alone.
    Matcher spec =
        YAML_BLOCK.matcher(Files.readString(Path.of("../../shared/reference/registries-conf.md")));
    while (spec.find()) {
      JsonNode doc = YAML.readTree(spec.group(1));
      if (doc != null && doc.path("spec").has("imageTagMirrors")) {
        examples.add(
            ((ObjectNode) doc.deepCopy())
                .put("apiVersion", "config.openshift.io/v1")
                .put("kind", "ImageTagMirrorSet"));
      }
    }

    assertThat(examples.stream().map(e -> e.path("kind").asText()).distinct())
        .contains("ImageDigestMirrorSet", "ImageTagMirrorSet", "MachineConfig");
    for (JsonNode example : examples) {
      assertThat(violations(example)).as(example.toString()).isEmpty();
    }
  }

  @Test
  void whatFabric8sOpenshiftModelWritesIsAccepted() {
    var pool =
        new MachineConfigPoolBuilder()
            .withNewMetadata()
            .withName("worker")
            .endMetadata()
            .withNewSpec()
            .withNewNodeSelector()
            .addToMatchLabels("node-role.kubernetes.io/worker", "")
            .endNodeSelector()
            .withNewMachineConfigSelector()
            .addNewMatchExpression()
            .withKey("machineconfiguration.openshift.io/role")
            .withOperator("In")
            .withValues("worker")
            .endMatchExpression()
            .endMachineConfigSelector()
            .withMaxUnavailable(new IntOrString("10%"))
            .withPaused(false)
            .withNewConfiguration()
            .withName("rendered-worker-0123")
            .addNewSource()
            .withKind("MachineConfig")
            .withName("99-worker-generated-registries")
            .endSource()
            .endConfiguration()
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(3L)
            .withMachineCount(3)
            .withUpdatedMachineCount(2)
            .withReadyMachineCount(2)
            .withUnavailableMachineCount(1)
            .withDegradedMachineCount(0)
            .withNewConfiguration()
            .withName("rendered-worker-0123")
            .endConfiguration()
            .addNewCondition()
            .withType("Updating")
            .withStatus("True")
            .withReason("")
            .withMessage("All nodes are updating to rendered-worker-0123")
            .withLastTransitionTime("2026-12-05T07:00:00Z")
            .endCondition()
            .endStatus()
            .build();
    var icsp =
        new ImageContentSourcePolicyBuilder()
            .withNewMetadata()
            .withName("legacy")
            .endMetadata()
            .withNewSpec()
            .addNewRepositoryDigestMirror()
            .withSource("quay.io/openshift-release-dev/ocp-release")
            .withMirrors("mirror.corp.example:5000/ocp/release")
            .endRepositoryDigestMirror()
            .endSpec()
            .build();
    var image =
        new ImageBuilder()
            .withNewMetadata()
            .withName("cluster")
            .endMetadata()
            .withNewSpec()
            .withNewRegistrySources()
            .withBlockedRegistries("untrusted.example.com")
            .withInsecureRegistries("insecure.example.com:5000")
            .withContainerRuntimeSearchRegistries("registry.access.redhat.com")
            .endRegistrySources()
            .endSpec()
            .build();
    for (Object object : List.of(pool, icsp, image)) {
      JsonNode json = JSON.valueToTree(object);
      assertThat(violations(json)).as(json.toString()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a source with a space          | {source: "bad source", mirrors: [m.example.com/x]}        | .spec.imageDigestMirrors[0].source
          a source with a scheme         | {source: "https://quay.io/x"}                             | .spec.imageDigestMirrors[0].source
          a source with a tag            | {source: "quay.io/x:latest"}                              | .spec.imageDigestMirrors[0].source
          an upper-case path in a mirror | {source: quay.io/x, mirrors: [mirror.example.com/Ocp]}     | .spec.imageDigestMirrors[0].mirrors[0]
          a wildcard mirror              | {source: quay.io/x, mirrors: ["*.example.com"]}            | .spec.imageDigestMirrors[0].mirrors[0]
          an unknown policy              | {source: quay.io/x, mirrors: [m.example.com], mirrorSourcePolicy: Sometimes} | .spec.imageDigestMirrors[0].mirrorSourcePolicy
          no source                      | {mirrors: [m.example.com]}                                 | .spec.imageDigestMirrors[0].source
          a misspelt field               | {source: quay.io/x, mirror: [m.example.com]}               | .spec.imageDigestMirrors[0].mirror
          """)
  void invalidDigestMirrorsAreRejected(String what, String rule, String field) throws IOException {
    JsonNode idms =
        YAML.readTree(
            "apiVersion: config.openshift.io/v1\n"
                + "kind: ImageDigestMirrorSet\n"
                + "metadata: {name: bad}\n"
                + "spec: {imageDigestMirrors: ["
                + rule
                + "]}\n");
    assertThat(violations(idms))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(field + ":");
  }

  @Test
  void aWildcardSourceAndHostPortMirrorsAreAccepted() throws IOException {
    JsonNode itms =
        YAML.readTree(
            """
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata: {name: ok}
            spec:
              imageTagMirrors:
                - source: "*.redhat.io"
                  mirrors: [mirror.local/redhat, "mirror.local:5000", "10.0.0.1:5000/a/b_c/d-e"]
                  mirrorSourcePolicy: AllowContactingSource
            """);
    assertThat(violations(itms)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a pool without a spec         | machineconfiguration.openshift.io/v1 | MachineConfigPool        | {}                                                  | .spec: required
          maxUnavailable as a boolean   | machineconfiguration.openshift.io/v1 | MachineConfigPool        | {spec: {maxUnavailable: true}}                      | .spec.maxUnavailable: must be an integer or a string
          paused as a string            | machineconfiguration.openshift.io/v1 | MachineConfigPool        | {spec: {paused: "yes"}}                             | .spec.paused: must be a boolean
          a count as a string           | machineconfiguration.openshift.io/v1 | MachineConfigPool        | {spec: {}, status: {machineCount: "3"}}             | .status.machineCount: must be an integer
          kernel arguments as a string  | machineconfiguration.openshift.io/v1 | MachineConfig            | {spec: {kernelArguments: "quiet"}}                  | .spec.kernelArguments: must be a list
          an ICSP mirror without source | operator.openshift.io/v1alpha1       | ImageContentSourcePolicy | {spec: {repositoryDigestMirrors: [{mirrors: [m]}]}} | .spec.repositoryDigestMirrors[0].source: required
          an empty search list          | config.openshift.io/v1               | Image                    | {spec: {registrySources: {containerRuntimeSearchRegistries: []}}} | .spec.registrySources.containerRuntimeSearchRegistries: must have at least 1 items
          """)
  void otherInvalidObjectsAreRejected(
      String what, String apiVersion, String kind, String body, String violation)
      throws IOException {
    ObjectNode object = (ObjectNode) YAML.readTree(body);
    object.put("apiVersion", apiVersion).put("kind", kind);
    assertThat(violations(object)).containsExactly(violation);
  }

  @Test
  void aMachineConfigKeepsItsIgnitionConfigWhole() throws IOException {
    JsonNode mc =
        YAML.readTree(
            """
            apiVersion: machineconfiguration.openshift.io/v1
            kind: MachineConfig
            metadata: {name: x}
            spec:
              config: {ignition: {version: 3.2.0}, anything: {goes: [1, 2]}}
              kernelArguments: null
            """);
    assertThat(violations(mc)).isEmpty();
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isMissingNode() && !doc.isNull()) {
          out.add(doc);
        }
      }
    }
    return out;
  }
}
