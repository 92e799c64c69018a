package dev.ccd.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which crio action and drain each managed path needs when it changes: exact paths and directory
 * prefixes (ending in {@code /}), longest match wins, with a fallback for anything else. Immutable;
 * build with {@link #builder()} or start from {@link #defaults()}.
 */
public record DisruptionRules(List<Rule> rules, Rule fallback) {

  /** When a change to a path needs a drain. */
  public enum Drain {
    NEVER,
    /** Unless the registries.conf safe-change analysis says the change is safe. */
    UNLESS_SAFE_REGISTRIES_CHANGE,
    ALWAYS
  }

  /** One path (a file, or a directory prefix ending in {@code /}) and what its changes need. */
  public record Rule(String path, CrioAction action, Drain drain) {
    public Rule {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(drain, "drain");
    }

    boolean matches(String file) {
      return path.endsWith("/") ? file.startsWith(path) : file.equals(path);
    }
  }

  public DisruptionRules {
    rules = List.copyOf(rules);
    Objects.requireNonNull(fallback, "fallback");
  }

  /**
   * ccd's defaults: registries.conf and its drop-ins reload crio and drain only for unsafe changes
   * (MCO reboots for drop-ins; we never reboot); policy.json and registries.d reload crio without
   * draining; any other path reloads crio and drains, the cautious choice for a path nobody
   * described.
   */
  public static DisruptionRules defaults() {
    return builder()
        .rule(
            "/etc/containers/registries.conf",
            CrioAction.RELOAD,
            Drain.UNLESS_SAFE_REGISTRIES_CHANGE)
        .rule(
            "/etc/containers/registries.conf.d/",
            CrioAction.RELOAD,
            Drain.UNLESS_SAFE_REGISTRIES_CHANGE)
        .rule("/etc/containers/policy.json", CrioAction.RELOAD, Drain.NEVER)
        .rule("/etc/containers/registries.d/", CrioAction.RELOAD, Drain.NEVER)
        .fallback(CrioAction.RELOAD, Drain.ALWAYS)
        .build();
  }

  /** The rule for {@code path}: exact match, else the longest matching directory prefix. */
  public Rule ruleFor(String path) {
    Rule best = null;
    for (Rule r : rules) {
      if (r.matches(path) && (best == null || r.path().length() > best.path().length())) {
        best = r;
      }
    }
    return best == null ? fallback : best;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these rules; a rule for an existing path replaces it. */
  public Builder toBuilder() {
    Builder b = new Builder();
    rules.forEach(r -> b.rules.put(r.path(), r));
    b.fallback = fallback;
    return b;
  }

  /** Collects rules; the last rule given for a path wins. */
  public static final class Builder {
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private Rule fallback = new Rule("", CrioAction.RELOAD, Drain.ALWAYS);

    private Builder() {}

    public Builder rule(String path, CrioAction action, Drain drain) {
      rules.put(path, new Rule(path, action, drain));
      return this;
    }

    public Builder fallback(CrioAction action, Drain drain) {
      fallback = new Rule("", action, drain);
      return this;
    }

    public DisruptionRules build() {
      return new DisruptionRules(new ArrayList<>(rules.values()), fallback);
    }
  }
}
