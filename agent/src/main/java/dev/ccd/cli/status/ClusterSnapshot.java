package dev.ccd.cli.status;

import java.util.Comparator;
import java.util.List;

/** The pools and nodes read at one moment, each sorted by name. */
public record ClusterSnapshot(List<PoolSummary> pools, List<NodeSummary> nodes) {
  public ClusterSnapshot {
    pools = pools.stream().sorted(Comparator.comparing(PoolSummary::name)).toList();
    nodes = nodes.stream().sorted(Comparator.comparing(NodeSummary::name)).toList();
  }
}
