package dev.ccd.controller;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatusConfiguration;
import java.util.HashMap;
import java.util.Map;

/** Cluster objects for the loops' tests. */
final class Cluster {
  static final String WORKER_LABEL = "node-role.kubernetes.io/worker";

  private Cluster() {}

  /** Pool {@code worker}: selects role=worker configs and worker nodes. */
  static MachineConfigPool pool(String maxUnavailable, boolean paused, String target) {
    MachineConfigPool p =
        new MachineConfigPoolBuilder()
            .withNewMetadata()
            .withName("worker")
            .withGeneration(3L)
            .endMetadata()
            .withNewSpec()
            .withMachineConfigSelector(
                new LabelSelectorBuilder()
                    .withMatchLabels(Map.of("machineconfiguration.openshift.io/role", "worker"))
                    .build())
            .withNodeSelector(
                new LabelSelectorBuilder().withMatchLabels(Map.of(WORKER_LABEL, "")).build())
            .withMaxUnavailable(new IntOrString(maxUnavailable))
            .withPaused(paused)
            .endSpec()
            .build();
    if (!target.isEmpty()) {
      MachineConfigPoolStatusConfiguration c = new MachineConfigPoolStatusConfiguration();
      c.setName(target);
      p.getSpec().setConfiguration(c);
    }
    return p;
  }

  /** A ready worker node with {@code annotations}. */
  static Node node(String name, Map<String, String> annotations) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp("2026-01-01T00:00:00Z")
        .withLabels(Map.of(WORKER_LABEL, ""))
        .withAnnotations(new HashMap<>(annotations))
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }
}
