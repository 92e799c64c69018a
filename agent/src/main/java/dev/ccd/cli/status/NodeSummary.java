package dev.ccd.cli.status;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ccd status} shows of a Node: its labels (for the pool), its machine-config
 * annotations, whether it is cordoned and Ready.
 */
public record NodeSummary(
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    boolean unschedulable,
    boolean ready,
    Instant created) {

  public NodeSummary {
    Objects.requireNonNull(name, "name");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
