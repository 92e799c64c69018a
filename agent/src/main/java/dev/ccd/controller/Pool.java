package dev.ccd.controller;

import java.util.Objects;

/**
 * The part of a MachineConfigPool the rollout and the status read.
 *
 * @param target the rendered config the pool's nodes should run ({@code spec.configuration.name});
 *     empty while none has been rendered
 * @param generation {@code metadata.generation}, reported back as {@code observedGeneration}
 */
public record Pool(
    String name, String target, MaxUnavailable maxUnavailable, boolean paused, long generation) {
  public Pool {
    Objects.requireNonNull(name, "name");
    target = target == null ? "" : target;
    Objects.requireNonNull(maxUnavailable, "maxUnavailable");
  }
}
