package dev.ccd.kube;

import java.util.Objects;

/** A MachineConfig object as the API returned it, as JSON text, for the decoder to parse. */
public record MachineConfigText(String name, String resourceVersion, String json) {
  public MachineConfigText {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(json, "json");
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }
}
