package dev.ccd.kube;

import java.util.Map;
import java.util.Objects;

/**
 * The part of a Node the agent reads: its name, annotations (never null, unmodifiable), whether it
 * is cordoned, and the resourceVersion it was read at.
 */
public record NodeView(
    String name, Map<String, String> annotations, boolean unschedulable, String resourceVersion) {

  public NodeView {
    Objects.requireNonNull(name, "name");
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }

  /** The annotation {@code key}, or null when absent. */
  public String annotation(String key) {
    return annotations.get(key);
  }
}
