package dev.ccd.registries;

import java.util.List;
import java.util.Objects;

/**
 * One {@code [[registry]]} entry. {@code prefix} and {@code location} are kept as written (after
 * trailing-slash trimming); an empty prefix means "same as location", as in containers/image.
 */
public record Registry(
    String prefix,
    String location,
    boolean insecure,
    boolean blocked,
    boolean mirrorByDigestOnly,
    List<Mirror> mirrors) {
  public Registry {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(location, "location");
    mirrors = List.copyOf(mirrors);
  }

  /** The prefix references are matched against: {@code prefix}, or {@code location} when empty. */
  public String effectivePrefix() {
    return prefix.isEmpty() ? location : prefix;
  }

  public boolean isWildcard() {
    return effectivePrefix().startsWith("*.");
  }
}
