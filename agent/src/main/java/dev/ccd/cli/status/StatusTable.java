package dev.ccd.cli.status;

import dev.ccd.kube.NodeAnnotations;
import dev.ccd.registries.SafeText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ccd status} as text: the pools table ({@code oc get mcp}'s columns), a blank line, the
 * nodes table; {@code wide} adds columns to both. Every cell is escaped ({@link SafeText}), so a
 * label or reason cannot move the cursor or forge a line; a reason is cut to {@value #REASON_WIDTH}
 * characters unless wide. Pure: the clock comes in as {@code now}.
 */
public final class StatusTable {
  static final int REASON_WIDTH = 60;
  private static final int WIDE_REASON_WIDTH = 2000;
  private static final String GAP = "   ";

  private StatusTable() {}

  public static String render(
      ClusterSnapshot snapshot, boolean wide, Instant now, NodeAnnotations keys) {
    StringBuilder out = new StringBuilder();
    out.append(table(poolRows(snapshot, wide, now)));
    out.append('\n');
    out.append(table(nodeRows(snapshot, wide, now, keys)));
    return out.toString();
  }

  private static List<List<String>> poolRows(ClusterSnapshot snapshot, boolean wide, Instant now) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header =
        new ArrayList<>(
            List.of(
                "NAME",
                "CONFIG",
                "UPDATED",
                "UPDATING",
                "DEGRADED",
                "MACHINECOUNT",
                "READYMACHINECOUNT",
                "UPDATEDMACHINECOUNT",
                "DEGRADEDMACHINECOUNT",
                "AGE"));
    if (wide) {
      header.addAll(List.of("UNAVAILABLEMACHINECOUNT", "PAUSED", "MAXUNAVAILABLE", "NODESELECTOR"));
    }
    rows.add(header);
    for (PoolSummary p : snapshot.pools()) {
      List<String> row =
          new ArrayList<>(
              List.of(
                  p.name(),
                  p.config(),
                  p.updated(),
                  p.updating(),
                  p.degraded(),
                  Integer.toString(p.machineCount()),
                  Integer.toString(p.readyMachineCount()),
                  Integer.toString(p.updatedMachineCount()),
                  Integer.toString(p.degradedMachineCount()),
                  age(p.created(), now)));
      if (wide) {
        row.addAll(
            List.of(
                Integer.toString(p.unavailableMachineCount()),
                Boolean.toString(p.paused()),
                p.maxUnavailable(),
                p.selectorText()));
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<List<String>> nodeRows(
      ClusterSnapshot snapshot, boolean wide, Instant now, NodeAnnotations keys) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header =
        new ArrayList<>(
            List.of("NAME", "POOL", "STATE", "CURRENT", "DESIRED", "DRAIN", "REASON", "AGE"));
    if (wide) {
      header.addAll(List.of("READY", "SCHEDULABLE", "DESIREDDRAIN", "LASTAPPLIEDDRAIN"));
    }
    rows.add(header);
    for (NodeSummary node : snapshot.nodes()) {
      NodeRow n = NodeRow.of(node, snapshot.pools(), keys);
      List<String> row =
          new ArrayList<>(
              List.of(
                  n.name(),
                  n.pool(),
                  n.state(),
                  n.currentConfig(),
                  n.desiredConfig(),
                  n.drain(),
                  SafeText.line(n.reason(), wide ? WIDE_REASON_WIDTH : REASON_WIDTH),
                  age(n.created(), now)));
      if (wide) {
        row.addAll(
            List.of(
                Boolean.toString(n.ready()),
                Boolean.toString(!n.unschedulable()),
                n.desiredDrain(),
                n.lastAppliedDrain()));
      }
      rows.add(row);
    }
    return rows;
  }

  private static String age(Instant created, Instant now) {
    return created == null ? "<unknown>" : KubeAge.of(Duration.between(created, now));
  }

  /** Left-aligned columns three spaces apart, no trailing spaces, every cell escaped. */
  private static String table(List<List<String>> rows) {
    List<List<String>> safe =
        rows.stream().map(r -> r.stream().map(SafeText::escape).toList()).toList();
    int columns = safe.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : safe) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : safe) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row.get(i));
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row.get(i).length())).append(GAP);
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
