package dev.ccd.kube;

import java.util.Objects;
import java.util.Optional;

/**
 * A value of the {@code desiredDrain} / {@code lastAppliedDrain} annotations: {@code
 * drain-<config>} (cordon and evict) or {@code uncordon-<config>}, split on the first {@code -} as
 * the machine-config-operator does.
 */
public record DrainRequest(Verb verb, String config) {
  public enum Verb {
    DRAIN("drain"),
    UNCORDON("uncordon");

    private final String wire;

    Verb(String wire) {
      this.wire = wire;
    }
  }

  public DrainRequest {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(config, "config");
  }

  public static DrainRequest drain(String config) {
    return new DrainRequest(Verb.DRAIN, config);
  }

  public static DrainRequest uncordon(String config) {
    return new DrainRequest(Verb.UNCORDON, config);
  }

  /** The request an annotation value spells, or empty for an empty or unknown value. */
  public static Optional<DrainRequest> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int dash = value.indexOf('-');
    if (dash <= 0 || dash == value.length() - 1) {
      return Optional.empty();
    }
    String verb = value.substring(0, dash);
    String config = value.substring(dash + 1);
    for (Verb v : Verb.values()) {
      if (v.wire.equals(verb)) {
        return Optional.of(new DrainRequest(v, config));
      }
    }
    return Optional.empty();
  }

  /** The annotation value. */
  public String wire() {
    return verb.wire + "-" + config;
  }

  @Override
  public String toString() {
    return wire();
  }
}
