package dev.ccd.kube;

/** Hears when a watched MachineConfig exists or changes. Called from the watch's threads. */
public interface ConfigListener {

  /** The MachineConfig as it is now: after each (re)list that finds it, and on each change. */
  void onConfig(MachineConfigText config);

  /**
   * A (re)list did not find the MachineConfig: it does not exist (yet). Lets a reader waiting for
   * the watch's first answer stop waiting.
   */
  default void onMissing() {}

  /** The watch broke; it re-lists and re-watches by itself after a backoff. */
  default void onClose(Exception cause) {}
}
