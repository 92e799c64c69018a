package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Fabric8NodeApiTest {

  @Test
  void mergePatchTouchesAnnotationsOnly() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("machineconfiguration.openshift.io/state", "Done");
    set.put("machineconfiguration.openshift.io/reason", "");
    set.put("machineconfiguration.openshift.io/desiredImage", null);
    assertThat(Fabric8NodeApi.mergePatch(set))
        .isEqualTo(
            "{\"metadata\":{\"annotations\":{"
                + "\"machineconfiguration.openshift.io/state\":\"Done\","
                + "\"machineconfiguration.openshift.io/reason\":\"\","
                + "\"machineconfiguration.openshift.io/desiredImage\":null}}}");
  }

  @Test
  void viewOfANodeWithoutAnnotationsOrSpec() {
    NodeView v =
        Fabric8NodeApi.view(
            new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());
    assertThat(v).isEqualTo(new NodeView("n1", Map.of(), false, ""));
  }

  @Test
  void viewOfACordonedNode() {
    NodeView v =
        Fabric8NodeApi.view(
            new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .withResourceVersion("42")
                .addToAnnotations("a", "b")
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(true)
                .endSpec()
                .build());
    assertThat(v).isEqualTo(new NodeView("n1", Map.of("a", "b"), true, "42"));
  }
}
