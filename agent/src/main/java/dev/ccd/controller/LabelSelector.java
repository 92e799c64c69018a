package dev.ccd.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}), as a pool's
 * {@code machineConfigSelector} and {@code nodeSelector} use it. All terms must match; an empty
 * selector matches everything (a missing one, which the caller keeps as an empty Optional, matches
 * nothing).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String wire;

    Operator(String wire) {
      this.wire = wire;
    }

    @Override
    public String toString() {
      return wire;
    }
  }

  /** One {@code matchExpressions} entry. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  /**
   * A requirement as written, checked as the API server checks it.
   *
   * @param field where it is, e.g. {@code spec.machineConfigSelector.matchExpressions[0]}
   */
  public static Requirement requirement(
      String field, String key, String operator, List<String> values) throws InvalidPoolException {
    if (key == null || key.isEmpty()) {
      throw new InvalidPoolException(field + ".key: must not be empty");
    }
    Operator op = null;
    for (Operator o : Operator.values()) {
      if (o.wire.equals(operator)) {
        op = o;
      }
    }
    if (op == null) {
      throw new InvalidPoolException(
          field + ".operator: \"" + operator + "\" is not one of In, NotIn, Exists, DoesNotExist");
    }
    List<String> vs = values == null ? List.of() : values;
    boolean needsValues = op == Operator.IN || op == Operator.NOT_IN;
    if (needsValues && vs.isEmpty()) {
      throw new InvalidPoolException(field + ".values: " + op + " needs at least one value");
    }
    if (!needsValues && !vs.isEmpty()) {
      throw new InvalidPoolException(field + ".values: " + op + " takes no values");
    }
    return new Requirement(key, op, vs);
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(l.get(e.getKey()))) {
        return false;
      }
    }
    return matchExpressions.stream().allMatch(r -> r.matches(l));
  }

  /** {@code key=value,key in (a,b),!key}, the form kubectl prints. */
  @Override
  public String toString() {
    List<String> terms = new ArrayList<>();
    new TreeMap<>(matchLabels).forEach((k, v) -> terms.add(k + "=" + v));
    for (Requirement r : matchExpressions) {
      terms.add(
          switch (r.operator()) {
            case IN -> r.key() + " in (" + String.join(",", r.values()) + ")";
            case NOT_IN -> r.key() + " notin (" + String.join(",", r.values()) + ")";
            case EXISTS -> r.key();
            case DOES_NOT_EXIST -> "!" + r.key();
          });
    }
    return String.join(",", terms);
  }
}
