package dev.ccd.registries;

import java.util.Objects;

/** One {@code [[registry.mirror]]} entry: an alternative location tried before the primary. */
public record Mirror(String location, boolean insecure, PullFromMirror pullFromMirror) {
  public Mirror {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(pullFromMirror, "pullFromMirror");
  }

  public static Mirror of(String location) {
    return new Mirror(location, false, PullFromMirror.ALL);
  }
}
