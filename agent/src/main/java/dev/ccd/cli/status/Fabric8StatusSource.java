package dev.ccd.cli.status;

import dev.ccd.controller.InvalidPoolException;
import dev.ccd.controller.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolCondition;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolSpec;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads MachineConfigPools and Nodes through fabric8 (typed openshift-model classes). */
public final class Fabric8StatusSource implements StatusSource {
  private final KubernetesClient client;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public Fabric8StatusSource(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public ClusterSnapshot read() {
    List<PoolSummary> pools =
        client.resources(MachineConfigPool.class).list().getItems().stream()
            .map(Fabric8StatusSource::pool)
            .toList();
    List<NodeSummary> nodes =
        client.nodes().list().getItems().stream().map(Fabric8StatusSource::node).toList();
    return new ClusterSnapshot(pools, nodes);
  }

  @Override
  public void watch(Runnable onChange) {
    informers.add(client.resources(MachineConfigPool.class).inform(handler(onChange)));
    informers.add(client.nodes().inform(handler(onChange)));
    onChange.run();
  }

  private static <T> ResourceEventHandler<T> handler(Runnable onChange) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        onChange.run();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onChange.run();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        onChange.run();
      }
    };
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }

  static PoolSummary pool(MachineConfigPool pool) {
    MachineConfigPoolSpec spec =
        pool.getSpec() == null ? new MachineConfigPoolSpec() : pool.getSpec();
    MachineConfigPoolStatus status =
        pool.getStatus() == null ? new MachineConfigPoolStatus() : pool.getStatus();
    Selector selector = selector(spec.getNodeSelector());
    List<MachineConfigPoolCondition> conditions =
        status.getConditions() == null ? List.of() : status.getConditions();
    return new PoolSummary(
        pool.getMetadata().getName(),
        status.getConfiguration() == null ? "" : status.getConfiguration().getName(),
        condition(conditions, "Updated"),
        condition(conditions, "Updating"),
        condition(conditions, "Degraded"),
        count(status.getMachineCount()),
        count(status.getReadyMachineCount()),
        count(status.getUpdatedMachineCount()),
        count(status.getDegradedMachineCount()),
        count(status.getUnavailableMachineCount()),
        Boolean.TRUE.equals(spec.getPaused()),
        spec.getMaxUnavailable() == null ? "" : String.valueOf(spec.getMaxUnavailable().getValue()),
        selector.selector(),
        selector.error(),
        created(pool));
  }

  static NodeSummary node(Node node) {
    boolean ready =
        node.getStatus() != null
            && node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return new NodeSummary(
        node.getMetadata().getName(),
        node.getMetadata().getLabels(),
        node.getMetadata().getAnnotations(),
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable()),
        ready,
        created(node));
  }

  private static String condition(List<MachineConfigPoolCondition> conditions, String type) {
    return conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(MachineConfigPoolCondition::getStatus)
        .findFirst()
        .orElse("");
  }

  private static int count(Integer n) {
    return n == null ? 0 : n;
  }

  private record Selector(Optional<LabelSelector> selector, String error) {}

  /**
   * The pool's node selector; a missing one selects no node, and so does an invalid one (an unknown
   * operator, In without values), whose error {@code -o wide} and json show.
   */
  private static Selector selector(io.fabric8.kubernetes.api.model.LabelSelector s) {
    if (s == null) {
      return new Selector(Optional.empty(), "");
    }
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        s.getMatchExpressions() == null ? List.of() : s.getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement r = expressions.get(i);
      try {
        requirements.add(
            LabelSelector.requirement(
                "spec.nodeSelector.matchExpressions[" + i + "]",
                r.getKey(),
                r.getOperator(),
                r.getValues()));
      } catch (InvalidPoolException e) {
        return new Selector(Optional.empty(), e.getMessage());
      }
    }
    Map<String, String> labels = s.getMatchLabels() == null ? Map.of() : s.getMatchLabels();
    return new Selector(Optional.of(new LabelSelector(labels, requirements)), "");
  }

  private static Instant created(HasMetadata object) {
    String t = object.getMetadata().getCreationTimestamp();
    if (t == null) {
      return null;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
