package dev.ccd.controller;

import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolCondition;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolSpec;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatusConfiguration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's objects (fabric8 model classes) read into the records the decisions take, and the
 * decisions' {@link PoolStatus} written back as a MachineConfigPool status. Pure.
 */
public final class PoolObjects {
  private static final Logger LOG = LoggerFactory.getLogger(PoolObjects.class);

  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  private static final Instant EPOCH = Instant.EPOCH;

  private PoolObjects() {}

  /**
   * A MachineConfigPool as the loops read it.
   *
   * @param machineConfigSelector empty when not set (selects nothing)
   * @param nodeSelector empty when not set (selects no node)
   * @param status the status written before, if any
   */
  public record PoolSpec(
      Pool pool,
      Optional<LabelSelector> machineConfigSelector,
      Optional<LabelSelector> nodeSelector,
      Optional<PoolStatus> status) {
    public PoolSpec {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(machineConfigSelector, "machineConfigSelector");
      Objects.requireNonNull(nodeSelector, "nodeSelector");
      Objects.requireNonNull(status, "status");
    }

    public String name() {
      return pool.name();
    }

    /** This pool with {@code target} as its {@code spec.configuration}, as just written. */
    public PoolSpec withTarget(String target) {
      Pool p =
          new Pool(pool.name(), target, pool.maxUnavailable(), pool.paused(), pool.generation());
      return new PoolSpec(p, machineConfigSelector, nodeSelector, status);
    }

    /** The pool's nodes among {@code nodes}: those its {@code nodeSelector} matches. */
    public List<PoolNode> select(List<Node> nodes, NodeAnnotations keys) {
      if (nodeSelector.isEmpty()) {
        return List.of();
      }
      return nodes.stream()
          .filter(n -> nodeSelector.get().matches(n.getMetadata().getLabels()))
          .map(n -> node(n, keys))
          .toList();
    }

    /**
     * The status to write for {@code nodes}, or empty when it equals the status written before (so
     * an unchanged pool costs no write).
     */
    public Optional<PoolStatus> nextStatus(
        List<PoolNode> nodes, Optional<String> renderFailure, Instant now) {
      PoolStatus next =
          PoolStatus.of(pool, nodes, renderFailure, status, now.truncatedTo(ChronoUnit.SECONDS));
      return status.isPresent() && status.get().equals(next) ? Optional.empty() : Optional.of(next);
    }

    /** Why the pool's config could not be rendered, as the status written before says. */
    public Optional<String> renderFailure() {
      return status
          .flatMap(s -> s.condition(PoolCondition.RENDER_DEGRADED))
          .filter(PoolCondition::isTrue)
          .map(PoolCondition::message)
          .map(m -> m.replaceFirst("^Failed to render configuration for pool [^:]*: ", ""));
    }
  }

  /**
   * The pool called {@code name} among {@code pools}, as a spec; empty when it is gone or when its
   * spec does not read (said in the log: with no valid spec there is no status to report it in).
   */
  static Optional<PoolSpec> named(List<MachineConfigPool> pools, String name) {
    Optional<MachineConfigPool> found =
        pools.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(pool(found.get()));
    } catch (InvalidPoolException e) {
      LOG.warn("MachineConfigPool {}: {}", name, e.getMessage());
      return Optional.empty();
    }
  }

  /** Reads {@code p}; a field the controller cannot act on is an error naming it. */
  public static PoolSpec pool(MachineConfigPool p) throws InvalidPoolException {
    String name = p.getMetadata().getName();
    MachineConfigPoolSpec spec = p.getSpec() == null ? new MachineConfigPoolSpec() : p.getSpec();
    String target =
        spec.getConfiguration() == null
            ? ""
            : Objects.toString(spec.getConfiguration().getName(), "");
    MaxUnavailable max = maxUnavailable(spec.getMaxUnavailable());
    long generation = p.getMetadata().getGeneration() == null ? 0 : p.getMetadata().getGeneration();
    Pool pool = new Pool(name, target, max, Boolean.TRUE.equals(spec.getPaused()), generation);
    return new PoolSpec(
        pool,
        selector(spec.getMachineConfigSelector(), "spec.machineConfigSelector"),
        selector(spec.getNodeSelector(), "spec.nodeSelector"),
        status(p.getStatus()));
  }

  private static MaxUnavailable maxUnavailable(IntOrString value) throws InvalidPoolException {
    if (value == null) {
      return MaxUnavailable.DEFAULT;
    }
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        throw new InvalidPoolException("spec.maxUnavailable: must not be negative");
      }
      return new MaxUnavailable(value.getIntVal(), false);
    }
    return MaxUnavailable.parse(value.getStrVal());
  }

  static Optional<LabelSelector> selector(
      io.fabric8.kubernetes.api.model.LabelSelector s, String field) throws InvalidPoolException {
    if (s == null) {
      return Optional.empty();
    }
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    List<LabelSelectorRequirement> exprs =
        s.getMatchExpressions() == null ? List.of() : s.getMatchExpressions();
    for (int i = 0; i < exprs.size(); i++) {
      LabelSelectorRequirement r = exprs.get(i);
      requirements.add(
          LabelSelector.requirement(
              field + ".matchExpressions[" + i + "]", r.getKey(), r.getOperator(), r.getValues()));
    }
    Map<String, String> labels = s.getMatchLabels() == null ? Map.of() : s.getMatchLabels();
    return Optional.of(new LabelSelector(labels, requirements));
  }

  /** A Node as the decisions see it. */
  public static PoolNode node(Node n, NodeAnnotations keys) {
    var meta = n.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    Map<String, String> conditions = new HashMap<>();
    if (n.getStatus() != null && n.getStatus().getConditions() != null) {
      for (NodeCondition c : n.getStatus().getConditions()) {
        if (c.getType() != null && c.getStatus() != null) {
          conditions.put(c.getType(), c.getStatus());
        }
      }
    }
    boolean unschedulable =
        n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    return new PoolNode(
        meta.getName(),
        instant(meta.getCreationTimestamp()),
        Optional.ofNullable(labels.get(ZONE_LABEL)),
        conditions,
        unschedulable,
        keys.read(meta.getAnnotations()));
  }

  static Instant instant(String time) {
    if (time == null || time.isEmpty()) {
      return EPOCH;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return EPOCH;
    }
  }

  /** The status written before, if the pool has one. */
  static Optional<PoolStatus> status(MachineConfigPoolStatus s) {
    if (s == null) {
      return Optional.empty();
    }
    List<PoolCondition> conditions = new ArrayList<>();
    if (s.getConditions() != null) {
      for (MachineConfigPoolCondition c : s.getConditions()) {
        if (c.getType() != null && c.getStatus() != null) {
          conditions.add(
              new PoolCondition(
                  c.getType(),
                  c.getStatus(),
                  c.getReason(),
                  c.getMessage(),
                  instant(c.getLastTransitionTime())));
        }
      }
    }
    return Optional.of(
        new PoolStatus(
            orZero(s.getMachineCount()),
            orZero(s.getUpdatedMachineCount()),
            orZero(s.getReadyMachineCount()),
            orZero(s.getUnavailableMachineCount()),
            orZero(s.getDegradedMachineCount()),
            s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
            s.getConfiguration() == null ? "" : s.getConfiguration().getName(),
            conditions));
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  /** {@code status} as the MachineConfigPool status the API stores. */
  public static MachineConfigPoolStatus write(PoolStatus status) {
    MachineConfigPoolStatus s = new MachineConfigPoolStatus();
    s.setMachineCount(status.machineCount());
    s.setUpdatedMachineCount(status.updatedMachineCount());
    s.setReadyMachineCount(status.readyMachineCount());
    s.setUnavailableMachineCount(status.unavailableMachineCount());
    s.setDegradedMachineCount(status.degradedMachineCount());
    s.setObservedGeneration(status.observedGeneration());
    MachineConfigPoolStatusConfiguration c = new MachineConfigPoolStatusConfiguration();
    c.setName(status.configuration());
    s.setConfiguration(c);
    List<MachineConfigPoolCondition> conditions = new ArrayList<>();
    for (PoolCondition pc : status.conditions()) {
      MachineConfigPoolCondition mc = new MachineConfigPoolCondition();
      mc.setType(pc.type());
      mc.setStatus(pc.status());
      mc.setReason(pc.reason());
      mc.setMessage(pc.message());
      mc.setLastTransitionTime(pc.lastTransitionTime().truncatedTo(ChronoUnit.SECONDS).toString());
      conditions.add(mc);
    }
    s.setConditions(conditions);
    return s;
  }
}
