package dev.ccd.kube;

import java.util.Map;

/** The agent's own Node in the API: read it, watch it, and write its annotations. */
public interface NodeApi {

  /** Reads the Node now; a missing Node is a {@link KubeApiException} with code 404. */
  NodeView get(String node) throws KubeApiException;

  /**
   * Watches only {@code node} (field selector {@code metadata.name=node}). The listener first gets
   * the listed state, then changes; after a watch error the adapter re-lists and re-watches with a
   * backoff (doubling to a cap) until the returned watch is closed.
   */
  Watch watch(String node, NodeListener listener);

  /**
   * Sets the given annotations with a JSON merge patch of {@code metadata.annotations} only (other
   * annotations and fields are untouched), retried on 409 Conflict a bounded number of times. A
   * {@code null} value removes the key on a real API server. Returns the Node after the patch.
   */
  NodeView patchAnnotations(String node, Map<String, String> set) throws KubeApiException;
}
