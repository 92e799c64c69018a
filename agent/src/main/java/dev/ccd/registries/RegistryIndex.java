package dev.ccd.registries;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the registry whose prefix best matches a reference (containers/image's {@code
 * FindRegistry}: longest prefix, ties to the byte-order-first prefix) without scanning: plain
 * prefixes are looked up at each boundary of the reference, wildcards by host suffix, so a lookup
 * costs about the same for ten registries or ten thousand.
 */
public final class RegistryIndex {
  private final Map<String, SourcedRegistry> plain = new HashMap<>();

  /** Wildcard entries keyed by the domain after {@code *.}. */
  private final Map<String, SourcedRegistry> wildcard = new HashMap<>();

  /** Indexes {@code registries}; for a prefix given twice the first one is kept. */
  public RegistryIndex(List<SourcedRegistry> registries) {
    for (SourcedRegistry r : registries) {
      String prefix = r.prefix();
      if (prefix.startsWith("*.")) {
        wildcard.putIfAbsent(prefix.substring(2), r);
      } else if (!prefix.isEmpty()) {
        plain.putIfAbsent(prefix, r);
      }
    }
  }

  /** The best match for {@code ref} (a name or a full reference string), if any. */
  public Optional<SourcedRegistry> find(String ref) {
    SourcedRegistry best = null;
    for (int k = ref.length(); k > 0; k--) {
      if (k == ref.length() || PrefixMatch.isBoundary(ref.charAt(k))) {
        SourcedRegistry r = plain.get(ref.substring(0, k));
        if (r != null) {
          best = r; // the longest plain candidate; shorter ones cannot win
          break;
        }
      }
    }
    if (!wildcard.isEmpty()) {
      int hostEnd = hostEnd(ref);
      for (int i = 0; i < hostEnd; i++) {
        if (ref.charAt(i) != '.') {
          continue;
        }
        SourcedRegistry r = wildcard.get(ref.substring(i + 1, hostEnd));
        if (r != null && PrefixMatch.matches(ref, r.prefix()) && better(r, best)) {
          best = r;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** End of the host name: the first {@code :}, {@code /} or {@code @}, or the end. */
  private static int hostEnd(String ref) {
    for (int i = 0; i < ref.length(); i++) {
      if (PrefixMatch.isBoundary(ref.charAt(i))) {
        return i;
      }
    }
    return ref.length();
  }

  private static boolean better(SourcedRegistry candidate, SourcedRegistry best) {
    if (best == null) {
      return true;
    }
    int a = candidate.prefix().length();
    int b = best.prefix().length();
    return a > b || (a == b && ByteOrder.STRINGS.compare(candidate.prefix(), best.prefix()) < 0);
  }

  public int size() {
    return plain.size() + wildcard.size();
  }
}
