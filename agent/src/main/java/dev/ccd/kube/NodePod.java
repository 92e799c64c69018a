package dev.ccd.kube;

import java.util.List;
import java.util.Objects;

/**
 * A pod bound to the node being drained, with what decides whether it is evicted.
 *
 * @param ownerKinds the kinds of its {@code ownerReferences} ({@code DaemonSet}, {@code
 *     ReplicaSet}, …)
 * @param mirror it carries {@code kubernetes.io/config.mirror}: the API's copy of a static pod,
 *     which the kubelet, not the API, runs
 * @param phase {@code status.phase}
 * @param terminating it has a {@code deletionTimestamp}: evicted already, going away
 */
public record NodePod(
    String namespace,
    String name,
    List<String> ownerKinds,
    boolean mirror,
    String phase,
    boolean terminating) {
  public NodePod {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    ownerKinds = List.copyOf(ownerKinds);
    phase = phase == null ? "" : phase;
  }

  /** {@code namespace/name}. */
  public String ref() {
    return namespace + "/" + name;
  }

  /**
   * Whether draining moves it: DaemonSet pods come back at once (the DaemonSet tolerates the
   * cordon), mirror pods cannot be evicted through the API, and finished pods hold nothing.
   */
  public boolean evictable() {
    return !ownerKinds.contains("DaemonSet")
        && !mirror
        && !"Succeeded".equals(phase)
        && !"Failed".equals(phase);
  }
}
