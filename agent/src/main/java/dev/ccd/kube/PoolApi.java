package dev.ccd.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.MirrorSets;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import java.util.List;
import java.util.Map;

/**
 * What the controller's loops read and write in the cluster: MachineConfigPools, Nodes,
 * MachineConfigs and the mirror sets, read from watched caches, written one object at a time. The
 * fabric8 adapter is {@link Fabric8PoolApi}; the loops' tests use a fake.
 */
public interface PoolApi {
  /** What changed; the loops map it to the pools to look at again. */
  enum Kind {
    POOL,
    NODE,
    MACHINE_CONFIG,
    MIRROR_SETS
  }

  /** Hears about every added, changed or deleted object, by kind and name. */
  interface Listener {
    void changed(Kind kind, String name);
  }

  /** Starts hearing changes; the listener first hears one change per object already there. */
  Watch watch(Listener listener);

  List<MachineConfigPool> pools();

  List<Node> nodes();

  /** Every MachineConfig as the JSON tree the API serves (so a bad one can be named, not lost). */
  List<JsonNode> machineConfigs();

  /**
   * The ImageDigestMirrorSets, ImageTagMirrorSets, ImageContentSourcePolicies and Image cluster.
   */
  MirrorSets mirrorSets();

  /** Creates the MachineConfig {@code object}, or replaces the one of its name. */
  void applyMachineConfig(ObjectNode object) throws KubeApiException;

  /** Deletes the MachineConfig {@code name}; gone already is fine. */
  void deleteMachineConfig(String name) throws KubeApiException;

  /**
   * Sets the pool's {@code spec.configuration}: the rendered config's name and its sources (the
   * MachineConfigs merged into it, in merge order).
   */
  void setPoolConfiguration(String pool, String rendered, List<String> sources)
      throws KubeApiException;

  /** Replaces the pool's {@code status} through the status subresource. */
  void setPoolStatus(String pool, MachineConfigPoolStatus status) throws KubeApiException;

  /** JSON merge patch of the Node's annotations (as {@link NodeApi#patchAnnotations}). */
  void patchNodeAnnotations(String node, Map<String, String> set) throws KubeApiException;
}
