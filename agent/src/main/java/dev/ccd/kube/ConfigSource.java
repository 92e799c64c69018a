package dev.ccd.kube;

import java.util.Optional;

/** Where the agent gets MachineConfigs ({@code machineconfiguration.openshift.io/v1}) by name. */
public interface ConfigSource {

  /** The MachineConfig named {@code name} as JSON text, or empty when it does not exist. */
  Optional<MachineConfigText> machineConfig(String name) throws KubeApiException;

  /**
   * Watches only the MachineConfig {@code name} (field selector {@code metadata.name}): the
   * listener hears it when it appears, when it changes, and after each re-list (found or missing).
   * This is how an agent waiting for a missing rendered config learns it has been created, and the
   * agent's only read of its desired config: the watch's list is the fetch, so an update costs no
   * separate GET.
   */
  Watch watch(String name, ConfigListener listener);
}
