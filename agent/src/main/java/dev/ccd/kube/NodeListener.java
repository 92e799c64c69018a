package dev.ccd.kube;

/**
 * Receives the state of one watched Node. Called from the watch's own threads; implementations
 * should hand work to their loop and return quickly.
 */
public interface NodeListener {

  /**
   * The Node as it is now: after every (re)list, including the first one, and on every change. The
   * same state may be delivered more than once (after a reconnect); treat it as level, not edge.
   */
  void onNode(NodeView node);

  /**
   * The watch broke ({@code cause} says why: a watch error, a failed list, the Node missing). The
   * adapter re-lists and re-watches on its own after a backoff; no action is needed, but the caller
   * may report itself not ready until the next {@link #onNode}.
   */
  void onClose(Exception cause);
}
