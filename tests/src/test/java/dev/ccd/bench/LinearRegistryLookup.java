package dev.ccd.bench;

import dev.ccd.registries.PrefixMatch;
import dev.ccd.registries.SourcedRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * containers/image's {@code FindRegistry} as written upstream: a scan of the prefix-sorted list
 * keeping the first strictly longer match. The baseline the index is benchmarked against (a copy of
 * the agent's test oracle of the same name, which this module cannot see).
 */
public final class LinearRegistryLookup {
  private final List<SourcedRegistry> sortedByPrefix;

  public LinearRegistryLookup(List<SourcedRegistry> registries) {
    this.sortedByPrefix =
        registries.stream()
            .sorted(
                (a, b) ->
                    Arrays.compareUnsigned(
                        a.prefix().getBytes(StandardCharsets.UTF_8),
                        b.prefix().getBytes(StandardCharsets.UTF_8)))
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
