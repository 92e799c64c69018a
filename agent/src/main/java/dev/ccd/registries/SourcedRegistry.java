package dev.ccd.registries;

import java.util.Objects;

/** A {@code [[registry]]} of the effective configuration and the file it came from. */
public record SourcedRegistry(Registry registry, String file) {
  public SourcedRegistry {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(file, "file");
  }

  /** The prefix references are matched against (location when prefix is empty). */
  public String prefix() {
    return registry.effectivePrefix();
  }
}
