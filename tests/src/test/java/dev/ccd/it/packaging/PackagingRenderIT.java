package dev.ccd.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * packaging/ is both a kustomize root and a Helm chart over the same files: `kubectl kustomize` and
 * Helm's engine (helm-java: `helm template`, `helm show crds`, `helm lint --strict`) give the same
 * objects, and every object loads with fabric8's typed model.
 */
class PackagingRenderIT {
  static final Path PACKAGING = Path.of(System.getProperty("ccd.repo", "..")).resolve("packaging");
  static final KubernetesSerialization KUBE = new KubernetesSerialization();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<HasMetadata> kustomized;
  static List<HasMetadata> helmTemplated;
  static List<HasMetadata> helmCrds;

  @BeforeAll
  static void render() throws Exception {
    kustomized = objects(new Tool("kubectl").output(PACKAGING, "kustomize", "."));
    helmTemplated = objects(new Helm(PACKAGING).template().withName("ccd").call());
    helmCrds = chartCrds(new Helm(PACKAGING).show().crds().call());
  }

  /**
   * `helm show crds` prints each file of the chart's crds/ as it is, one after the other, with no
   * document separator (Helm installs each file on its own): check that it is exactly those files,
   * then read them one by one.
   */
  static List<HasMetadata> chartCrds(String shown) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(PACKAGING.resolve("crds"))) {
      files = s.sorted().toList();
    }
    StringBuilder expected = new StringBuilder();
    List<HasMetadata> out = new ArrayList<>();
    for (Path f : files) {
      String text = Files.readString(f);
      expected.append(text).append('\n');
      out.addAll(objects(text));
    }
    assertThat(shown.strip()).as("helm show crds").isEqualTo(expected.toString().strip());
    return out;
  }

  static List<HasMetadata> objects(String yaml) {
    Object parsed = KUBE.unmarshal(yaml);
    List<HasMetadata> out = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      list.stream().filter(o -> o != null).map(HasMetadata.class::cast).forEach(out::add);
    } else if (parsed != null) {
      out.add((HasMetadata) parsed);
    }
    return out;
  }

  /** kind/namespace/name → the object as a plain tree (order of keys and of documents ignored). */
  static Map<String, Object> normalized(List<HasMetadata> objects) {
    Map<String, Object> byKey = new TreeMap<>();
    for (HasMetadata o : objects) {
      String key =
          o.getApiVersion()
              + "/"
              + o.getKind()
              + "/"
              + o.getMetadata().getNamespace()
              + "/"
              + o.getMetadata().getName();
      Object previous = byKey.put(key, KUBE.convertValue(o, Map.class));
      assertThat(previous).as("%s twice", key).isNull();
    }
    return byKey;
  }

  @Test
  void kustomizeAndHelmRenderTheSameObjects() {
    List<HasMetadata> helm = new ArrayList<>(helmTemplated);
    helm.addAll(helmCrds);
    Map<String, Object> fromKustomize = normalized(kustomized);
    Map<String, Object> fromHelm = normalized(helm);

    assertThat(fromHelm.keySet()).isEqualTo(fromKustomize.keySet());
    for (String key : fromKustomize.keySet()) {
      assertThat(fromHelm.get(key)).as(key).isEqualTo(fromKustomize.get(key));
    }
  }

  @Test
  void everyObjectLoadsWithFabric8sTypedModel() {
    assertThat(kustomized).hasSizeGreaterThanOrEqualTo(24);
    assertThat(kustomized)
        .as("objects fabric8 has no typed class for")
        .noneMatch(GenericKubernetesResource.class::isInstance);
    assertThat(kustomized.stream().map(HasMetadata::getKind).distinct().sorted())
        .containsExactly(
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "CustomResourceDefinition",
            "DaemonSet",
            "Deployment",
            "Namespace",
            "PrometheusRule",
            "Role",
            "RoleBinding",
            "Service",
            "ServiceAccount",
            "ServiceMonitor",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");
    assertThat(helmCrds).hasSize(6).allMatch(CustomResourceDefinition.class::isInstance);
  }

  @Test
  void theChartLintsStrictly() {
    LintResult lint = new Helm(PACKAGING).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void theChartsImageValueSetsBothImagesAndNothingElse() throws Exception {
    List<HasMetadata> objects =
        objects(
            new Helm(PACKAGING)
                .template()
                .withName("ccd")
                .set("image.repository", "registry.example/ccd")
                .set("image.tag", "9.9.9")
                .call());
    DaemonSet ds =
        objects.stream()
            .filter(DaemonSet.class::isInstance)
            .map(DaemonSet.class::cast)
            .findFirst()
            .orElseThrow();
    Deployment deploy =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/ccd:9.9.9");
    assertThat(deploy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/ccd:9.9.9");
    assertThat(objects).hasSameSizeAs(helmTemplated);
  }

  @Test
  void theDefaultImageIsTheChartsAppVersion() throws IOException {
    Map<?, ?> chart = YAML.readValue(PACKAGING.resolve("Chart.yaml").toFile(), Map.class);
    DaemonSet ds =
        kustomized.stream()
            .filter(DaemonSet.class::isInstance)
            .map(DaemonSet.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/ccd-dev/ccd:" + chart.get("appVersion"));
  }

  @Test
  void kustomizationListsEveryFileOfBaseAndCrds() throws IOException {
    Map<?, ?> kustomization =
        YAML.readValue(PACKAGING.resolve("kustomization.yaml").toFile(), Map.class);
    List<String> files = new ArrayList<>();
    for (String dir : List.of("base", "crds")) {
      try (Stream<Path> s = Files.list(PACKAGING.resolve(dir))) {
        s.map(p -> dir + "/" + p.getFileName()).forEach(files::add);
      }
    }
    assertThat(((List<?>) kustomization.get("resources")).stream().map(String::valueOf).toList())
        .as("kustomization.yaml resources (the chart reads every base/*.yaml and crds/)")
        .containsExactlyInAnyOrderElementsOf(files);
    assertThat(files)
        .contains(
            "crds/machineconfigs.machineconfiguration.openshift.io.yaml",
            "crds/machineconfigpools.machineconfiguration.openshift.io.yaml",
            "crds/imagedigestmirrorsets.config.openshift.io.yaml",
            "crds/imagetagmirrorsets.config.openshift.io.yaml",
            "crds/imagecontentsourcepolicies.operator.openshift.io.yaml",
            "crds/images.config.openshift.io.yaml");
  }
}
