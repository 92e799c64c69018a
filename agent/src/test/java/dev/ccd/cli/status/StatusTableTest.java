package dev.ccd.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.controller.LabelSelector;
import dev.ccd.kube.NodeAnnotations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTableTest {
  static final Instant NOW = Instant.parse("2026-12-05T08:00:00Z");
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final String P = NodeAnnotations.MCO_PREFIX;

  static PoolSummary pool(String name, String config, int machines, int updated, String selector) {
    return new PoolSummary(
        name,
        config,
        updated == machines ? "True" : "False",
        updated == machines ? "False" : "True",
        "False",
        machines,
        machines,
        updated,
        0,
        machines - updated,
        false,
        "1",
        Optional.of(new LabelSelector(Map.of(selector, ""), List.of())),
        "",
        NOW.minus(Duration.ofDays(3)));
  }

  static NodeSummary node(String name, Map<String, String> labels, Map<String, String> ann) {
    return new NodeSummary(name, labels, ann, false, true, NOW.minus(Duration.ofMinutes(5)));
  }

  static Map<String, String> annotations(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(P + kv[i], kv[i + 1]);
    }
    return m;
  }

  static final String WORKER = "node-role.kubernetes.io/worker";
  static final String MASTER = "node-role.kubernetes.io/master";

  static ClusterSnapshot converging() {
    return new ClusterSnapshot(
        List.of(
            pool("worker", "rendered-worker-aaa", 2, 1, WORKER),
            pool("master", "rendered-master-bbb", 1, 1, MASTER)),
        List.of(
            node(
                "w2",
                Map.of(WORKER, ""),
                annotations(
                    "state", "Working",
                    "currentConfig", "rendered-worker-old",
                    "desiredConfig", "rendered-worker-aaa",
                    "desiredDrain", "drain-rendered-worker-aaa",
                    "lastAppliedDrain", "uncordon-rendered-worker-old")),
            node(
                "w1",
                Map.of(WORKER, ""),
                annotations(
                    "state", "Done",
                    "currentConfig", "rendered-worker-aaa",
                    "desiredConfig", "rendered-worker-aaa")),
            node(
                "m1",
                Map.of(MASTER, "", WORKER, ""),
                annotations(
                    "state", "Done",
                    "currentConfig", "rendered-master-bbb",
                    "desiredConfig", "rendered-master-bbb"))));
  }

  @Test
  void poolsAndNodesPrintAsOcGetMcpAndNodesDo() {
    assertThat(StatusTable.render(converging(), false, NOW, KEYS))
        .isEqualTo(
"""
NAME     CONFIG                UPDATED   UPDATING   DEGRADED   MACHINECOUNT   READYMACHINECOUNT   UPDATEDMACHINECOUNT   DEGRADEDMACHINECOUNT   AGE
master   rendered-master-bbb   True      False      False      1              1                   1                     0                      3d
worker   rendered-worker-aaa   False     True       False      2              2                   1                     0                      3d

NAME   POOL     STATE     CURRENT               DESIRED               DRAIN      REASON   AGE
m1     master   Done      rendered-master-bbb   rendered-master-bbb                       5m
w1     worker   Done      rendered-worker-aaa   rendered-worker-aaa                       5m
w2     worker   Working   rendered-worker-old   rendered-worker-aaa   draining            5m
""");
  }

  @Test
  void wideAddsCountsPausedSelectorReadinessAndDrainAnnotations() {
    String wide = StatusTable.render(converging(), true, NOW, KEYS);
    assertThat(wide.lines().findFirst().orElseThrow())
        .endsWith("AGE   UNAVAILABLEMACHINECOUNT   PAUSED   MAXUNAVAILABLE   NODESELECTOR");
    assertThat(wide)
        .containsPattern("worker .* 3d +1 +false +1 +node-role.kubernetes.io/worker=\n")
        .containsPattern(
            "w2 .* 5m +true +true +drain-rendered-worker-aaa +uncordon-rendered-worker-old\n");
  }

  @Test
  void controlCharactersInLabelsAndReasonsAreEscapedAndLongReasonsCut() {
    var snapshot =
        new ClusterSnapshot(
            List.of(pool("evil\u001b[2J", "c\nfake-line", 1, 1, WORKER)),
            List.of(
                node(
                    "n1",
                    Map.of(WORKER, ""),
                    annotations("state", "Degraded", "reason", "x\r\u202e" + "y".repeat(500)))));
    String text = StatusTable.render(snapshot, false, NOW, KEYS);
    assertThat(text).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202e");
    assertThat(text).contains("evil\\x1b[2J", "c\\nfake-line", "x\\r\\u202eyyy", "more characters");
    assertThat(text.lines()).hasSize(5);
    assertThat(text.lines().filter(l -> l.startsWith("n1")).findFirst().orElseThrow())
        .hasSizeLessThan(120);
  }

  @ParameterizedTest
  @CsvSource({
    "'', '', false, ''",
    "'', '', true, cordoned",
    "drain-rc, uncordon-old, false, draining",
    "drain-rc, drain-rc, true, drained",
    "uncordon-rc, drain-rc, true, uncordoning",
    "uncordon-rc, uncordon-rc, false, ''",
  })
  void theDrainColumnSaysWhereTheDrainStands(
      String desired, String applied, boolean cordoned, String shown) {
    assertThat(NodeRow.drain(desired, applied, cordoned)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource({
    "'worker', worker",
    "'worker,infra', infra",
    "'worker,master', master",
    "'worker,infra,gpu', 'gpu,infra,worker'",
    "'', ''",
  })
  void aNodesPoolIsTheOneTheOperatorWouldPick(String labelled, String pool) {
    Map<String, String> labels = new HashMap<>();
    for (String role : labelled.split(",")) {
      if (!role.isEmpty()) {
        labels.put("node-role.kubernetes.io/" + role, "");
      }
    }
    List<PoolSummary> pools =
        List.of("worker", "master", "infra", "gpu").stream()
            .map(n -> pool(n, "", 0, 0, "node-role.kubernetes.io/" + n))
            .toList();
    assertThat(NodeRow.poolOf(node("n", labels, Map.of()), pools)).isEqualTo(pool);
  }

  @Test
  void aPoolWithoutSelectorHoldsNoNode() {
    PoolSummary none =
        new PoolSummary(
            "empty", "", "", "", "", 0, 0, 0, 0, 0, false, "", Optional.empty(), "", NOW);
    assertThat(NodeRow.poolOf(node("n", Map.of(WORKER, ""), Map.of()), List.of(none))).isEmpty();
    String why =
        "spec.nodeSelector.matchExpressions[0].operator: \"Near\" is not one of In, NotIn,"
            + " Exists, DoesNotExist";
    PoolSummary invalid =
        new PoolSummary(
            "bad", "", "", "", "", 0, 0, 0, 0, 0, false, "", Optional.empty(), why, NOW);
    assertThat(
            StatusTable.render(new ClusterSnapshot(List.of(invalid), List.of()), true, NOW, KEYS))
        .contains("<invalid: " + why + ">");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "-1, 0s",
    "-5, <invalid>",
    "119, 119s",
    "120, 2m",
    "150, 2m30s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "12600, 3h30m",
    "28800, 8h",
    "172800, 2d",
    "180000, 2d2h",
    "691200, 8d",
    "63072000, 2y",
    "63158400, 2y1d",
    "252460800, 8y",
  })
  void agesReadAsKubectlPrintsThem(long seconds, String age) {
    assertThat(KubeAge.of(Duration.ofSeconds(seconds))).isEqualTo(age);
  }
}
