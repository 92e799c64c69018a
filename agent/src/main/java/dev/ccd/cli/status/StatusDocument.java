package dev.ccd.cli.status;

import dev.ccd.kube.NodeAnnotations;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ccd status -o json|yaml}: the pools and nodes as plain maps, in a stable field order. */
public final class StatusDocument {
  private StatusDocument() {}

  public static Map<String, Object> of(ClusterSnapshot snapshot, NodeAnnotations keys) {
    List<Map<String, Object>> pools = snapshot.pools().stream().map(StatusDocument::pool).toList();
    List<Map<String, Object>> nodes =
        snapshot.nodes().stream().map(n -> node(NodeRow.of(n, snapshot.pools(), keys))).toList();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pools", pools);
    doc.put("nodes", nodes);
    return doc;
  }

  private static Map<String, Object> pool(PoolSummary p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("config", p.config());
    m.put("updated", p.updated());
    m.put("updating", p.updating());
    m.put("degraded", p.degraded());
    m.put("machineCount", p.machineCount());
    m.put("readyMachineCount", p.readyMachineCount());
    m.put("updatedMachineCount", p.updatedMachineCount());
    m.put("degradedMachineCount", p.degradedMachineCount());
    m.put("unavailableMachineCount", p.unavailableMachineCount());
    m.put("paused", p.paused());
    m.put("maxUnavailable", p.maxUnavailable());
    m.put("nodeSelector", p.selectorText());
    m.put("creationTimestamp", time(p.created()));
    return m;
  }

  private static Map<String, Object> node(NodeRow n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", n.name());
    m.put("pool", n.pool());
    m.put("state", n.state());
    m.put("currentConfig", n.currentConfig());
    m.put("desiredConfig", n.desiredConfig());
    m.put("drain", n.drain());
    m.put("reason", n.reason());
    m.put("desiredDrain", n.desiredDrain());
    m.put("lastAppliedDrain", n.lastAppliedDrain());
    m.put("ready", n.ready());
    m.put("unschedulable", n.unschedulable());
    m.put("creationTimestamp", time(n.created()));
    return m;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
