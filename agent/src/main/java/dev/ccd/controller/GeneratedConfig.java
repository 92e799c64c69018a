package dev.ccd.controller;

import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.registries.Problem;
import java.util.List;
import java.util.Objects;

/** The outcome of rendering a pool's mirror sets into {@code 99-<pool>-generated-registries}. */
public sealed interface GeneratedConfig {
  /**
   * The MachineConfig, as the YAML {@code ccd render -o machineconfig} prints and as a document to
   * merge; {@code warnings} are rules left out on purpose (a blocked release payload registry).
   */
  record Generated(String yaml, MachineConfigDocument document, List<Problem> warnings)
      implements GeneratedConfig {
    public Generated {
      Objects.requireNonNull(yaml, "yaml");
      Objects.requireNonNull(document, "document");
      warnings = List.copyOf(warnings);
    }
  }

  /** The mirror sets are invalid; {@code message} is the validation's, naming object and field. */
  record Invalid(String message) implements GeneratedConfig {}
}
