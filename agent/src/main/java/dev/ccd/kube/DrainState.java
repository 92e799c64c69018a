package dev.ccd.kube;

import java.util.Map;

/**
 * A Node's drain annotations: what the agent asked ({@code desiredDrain}), what the controller last
 * carried out ({@code lastAppliedDrain}), and the cluster's {@code controlPlaneTopology}. Missing
 * values are empty strings.
 */
public record DrainState(String desiredDrain, String lastAppliedDrain, String topology) {
  /** The topology whose nodes are never drained: there is nowhere to move the workloads to. */
  public static final String SINGLE_REPLICA = "SingleReplica";

  public DrainState {
    desiredDrain = desiredDrain == null ? "" : desiredDrain;
    lastAppliedDrain = lastAppliedDrain == null ? "" : lastAppliedDrain;
    topology = topology == null ? "" : topology;
  }

  /** Reads the three annotations under {@code keys}' prefix. */
  public static DrainState read(Map<String, String> annotations, NodeAnnotations keys) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    return new DrainState(
        a.get(keys.desiredDrainKey()),
        a.get(keys.lastAppliedDrainKey()),
        a.get(keys.controlPlaneTopologyKey()));
  }

  /** The request the controller has not carried out yet, if any. */
  public boolean pending() {
    return !desiredDrain.isEmpty() && !desiredDrain.equals(lastAppliedDrain);
  }

  public boolean singleReplica() {
    return SINGLE_REPLICA.equals(topology);
  }
}
