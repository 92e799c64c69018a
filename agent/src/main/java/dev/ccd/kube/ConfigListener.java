package dev.ccd.kube;

/** Hears when a watched MachineConfig exists or changes. Called from the watch's threads. */
public interface ConfigListener {

  /** The MachineConfig as it is now: after each (re)list that finds it, and on each change. */
  void onConfig(MachineConfigText config);

  /** The watch broke; it re-lists and re-watches by itself after a backoff. */
  default void onClose(Exception cause) {}
}
