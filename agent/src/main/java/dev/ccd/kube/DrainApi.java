package dev.ccd.kube;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the controller's drain loop needs of the cluster: every Node as it changes, the pods bound
 * to a Node, cordon and uncordon, evictions through the Eviction API, and the Node's annotations.
 */
public interface DrainApi {

  /**
   * Watches all Nodes: {@code listener} gets each Node once listed, then on every change, on a
   * thread of the adapter. Closing the returned watch stops it.
   */
  Watch watchNodes(Consumer<NodeView> listener);

  /** Reads the Node now; a missing Node is a {@link KubeApiException} with code 404. */
  NodeView node(String node) throws KubeApiException;

  /** The pods bound to {@code node} ({@code spec.nodeName}), in every namespace. */
  List<NodePod> podsOn(String node) throws KubeApiException;

  /** Sets {@code spec.unschedulable} of {@code node} to {@code cordoned}. */
  void cordon(String node, boolean cordoned) throws KubeApiException;

  /**
   * Asks the Eviction API to evict one pod, once: an eviction the API refuses (429, a
   * PodDisruptionBudget; or another answer) is returned, never retried here, since a refusal is an
   * answer and the caller decides when to try again. Empty when the pod is evicted or gone.
   */
  Optional<BlockedEviction> evict(String namespace, String pod) throws KubeApiException;

  /** Merge-patches annotations of {@code node} as {@link NodeApi#patchAnnotations} does. */
  NodeView patchAnnotations(String node, Map<String, String> set) throws KubeApiException;
}
