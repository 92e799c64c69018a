package dev.ccd.registries;

import java.util.List;
import java.util.Optional;

/**
 * containers/image's {@code FindRegistry} as written upstream: a scan of the prefix-sorted list
 * keeping the first strictly longer match. The oracle for {@link RegistryIndex} and the baseline of
 * the lookup benchmark (tests/ uses it through the test-jar).
 */
public final class LinearRegistryLookup {
  private final List<SourcedRegistry> sortedByPrefix;

  public LinearRegistryLookup(List<SourcedRegistry> registries) {
    this.sortedByPrefix =
        registries.stream()
            .sorted((a, b) -> ByteOrder.STRINGS.compare(a.prefix(), b.prefix()))
            .toList();
  }

  public Optional<SourcedRegistry> find(String ref) {
    SourcedRegistry best = null;
    int bestLength = 0;
    for (SourcedRegistry r : sortedByPrefix) {
      if (PrefixMatch.matches(ref, r.prefix()) && r.prefix().length() > bestLength) {
        best = r;
        bestLength = r.prefix().length();
      }
    }
    return Optional.ofNullable(best);
  }
}
