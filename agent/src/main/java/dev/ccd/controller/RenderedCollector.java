package dev.ccd.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Garbage collection of rendered configs (the machine-config-operator keeps them forever, its issue
 * #301). A rendered config is deleted once no pool and no node refers to it, it has stayed so for
 * the grace period, and it is not among its pool's {@code keep} newest (kept for going back). Pure:
 * the caller keeps the returned "unreferenced since" times for the next call.
 */
public final class RenderedCollector {
  private static final Pattern RENDERED = Pattern.compile("rendered-(.+)-[0-9a-f]{32}");

  private RenderedCollector() {}

  /** A rendered MachineConfig in the cluster. */
  public record RenderedConfig(String name, Instant created) {
    public RenderedConfig {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(created, "created");
    }
  }

  /** How long an unreferenced config survives, and how many of each pool's newest always do. */
  public record Policy(Duration grace, int keep) {
    public static final Policy DEFAULT = new Policy(Duration.ofHours(1), 5);

    public Policy {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative() || keep < 0) {
        throw new IllegalArgumentException(
            "the grace period and the number kept must not be negative");
      }
    }
  }

  /** What to delete now, and since when each surviving unreferenced config has been so. */
  public record Collection(List<String> delete, Map<String, Instant> unreferencedSince) {
    public Collection {
      delete = List.copyOf(delete);
      unreferencedSince = Map.copyOf(unreferencedSince);
    }
  }

  /**
   * @param referenced every pool's {@code spec.configuration} and {@code status.configuration} and
   *     every node's {@code currentConfig} and {@code desiredConfig}
   * @param unreferencedSince the previous call's map (empty at start: the clock starts then)
   */
  public static Collection collect(
      List<RenderedConfig> configs,
      Set<String> referenced,
      Map<String, Instant> unreferencedSince,
      Instant now,
      Policy policy) {
    Map<String, List<RenderedConfig>> byPool = new TreeMap<>();
    for (RenderedConfig c : configs) {
      Matcher m = RENDERED.matcher(c.name());
      if (m.matches()) {
        byPool.computeIfAbsent(m.group(1), p -> new ArrayList<>()).add(c);
      }
    }
    List<String> delete = new ArrayList<>();
    Map<String, Instant> since = new HashMap<>();
    for (List<RenderedConfig> pool : byPool.values()) {
      pool.sort(
          Comparator.comparing(RenderedConfig::created)
              .reversed()
              .thenComparing(RenderedConfig::name));
      for (int i = 0; i < pool.size(); i++) {
        String name = pool.get(i).name();
        if (referenced.contains(name)) {
          continue;
        }
        Instant from = unreferencedSince.getOrDefault(name, now);
        boolean graceOver = !now.isBefore(from.plus(policy.grace()));
        if (i >= policy.keep() && graceOver) {
          delete.add(name);
        } else {
          since.put(name, from);
        }
      }
    }
    delete.sort(null);
    return new Collection(delete, since);
  }
}
