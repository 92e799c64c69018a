package dev.ccd.controller;

import dev.ccd.machineconfig.MachineConfigDocument;
import java.util.List;
import java.util.Objects;

/** The outcome of merging a pool's MachineConfigs into its rendered config. */
public sealed interface PoolRender {
  /** The rendered config ({@code rendered-<pool>-<hash>}) and its sources in merge order. */
  record Rendered(MachineConfigDocument config, List<String> sources) implements PoolRender {
    public Rendered {
      Objects.requireNonNull(config, "config");
      sources = List.copyOf(sources);
    }

    public String name() {
      return config.name();
    }
  }

  /**
   * Nothing can be rendered; the pool keeps its current config and {@code message} goes into
   * RenderDegraded.
   */
  record Failed(String message) implements PoolRender {}
}
