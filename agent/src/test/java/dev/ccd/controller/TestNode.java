package dev.ccd.controller;

import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Builds {@link PoolNode}s for tables: a ready, schedulable node Done on nothing by default. */
final class TestNode {
  private final String name;
  private Instant created = Instant.parse("2026-01-01T00:00:00Z");
  private Optional<String> zone = Optional.empty();
  private Map<String, String> conditions = Map.of("Ready", "True");
  private boolean unschedulable;
  private String current = "";
  private String desired = "";
  private ConfigState state = ConfigState.DONE;
  private String reason = "";

  private TestNode(String name) {
    this.name = name;
  }

  static TestNode node(String name) {
    return new TestNode(name);
  }

  /** Done on {@code config}. */
  TestNode on(String config) {
    current = config;
    desired = config;
    return this;
  }

  /** Asked for {@code config}, still on {@code from}, Working. */
  TestNode moving(String from, String config) {
    current = from;
    desired = config;
    state = ConfigState.WORKING;
    return this;
  }

  TestNode state(ConfigState s, String why) {
    state = s;
    reason = why;
    return this;
  }

  TestNode desired(String config) {
    desired = config;
    return this;
  }

  TestNode zone(String z) {
    zone = Optional.of(z);
    return this;
  }

  TestNode createdAt(int minute) {
    created = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute);
    return this;
  }

  TestNode notReady() {
    conditions = Map.of("Ready", "False");
    return this;
  }

  TestNode conditions(Map<String, String> c) {
    conditions = c;
    return this;
  }

  TestNode cordoned() {
    unschedulable = true;
    return this;
  }

  PoolNode build() {
    return new PoolNode(
        name,
        created,
        zone,
        conditions,
        unschedulable,
        new ConfigStatus(current, desired, state, reason, "", ""));
  }
}
