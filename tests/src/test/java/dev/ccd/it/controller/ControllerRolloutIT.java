package dev.ccd.it.controller;

import static dev.ccd.it.controller.ControllerBed.DEADLINE;
import static dev.ccd.it.controller.ControllerBed.POOL;
import static dev.ccd.it.controller.ControllerBed.ccdRender;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccd.cli.ControllerRuntime;
import dev.ccd.controller.PoolCondition;
import dev.ccd.it.controller.ControllerBed.Recorder.Step;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.Fabric8ConfigSource;
import dev.ccd.machineconfig.GeneratedRegistries;
import dev.ccd.registries.YamlDocuments;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolCondition;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code ccd controller}'s loops against the fabric8 mock API (CRUD) with fifty nodes, each running
 * the real agent loop in this JVM: every Node change is recorded in the API's order to check that
 * no more than maxUnavailable nodes are ever unavailable.
 */
class ControllerRolloutIT {
  static final int NODES = 50;
  static final String DROP_IN = GeneratedRegistries.dropInPath(POOL);

  static final String MIRROR_SETS =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: a-release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      ---
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: b-apps}
      spec:
        imageDigestMirrors:
        - {source: registry.example.com/apps, mirrors: [mirror.example.com/apps]}
      """;

  static final String ONE_MIRROR_SET =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      """;

  static final String TAG_MIRROR_SET =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageTagMirrorSet
      metadata: {name: library}
      spec:
        imageTagMirrors:
        - {source: docker.io/library, mirrors: [mirror.example.com/library]}
      """;

  static final String INVALID_SOURCE =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: broken}
      spec:
        imageDigestMirrors:
        - {source: "Quay.io/not a source!", mirrors: [mirror.example.com/ocp]}
      """;

  private ControllerBed bed;

  private ControllerBed bed(TestInfo test, String maxUnavailable, boolean paused) throws Exception {
    return bed(test, NODES, maxUnavailable, paused);
  }

  private ControllerBed bed(TestInfo test, int nodes, String maxUnavailable, boolean paused)
      throws Exception {
    bed =
        new ControllerBed(
            test.getTestMethod().orElseThrow().getName(), nodes, maxUnavailable, paused);
    return bed;
  }

  @AfterEach
  void close() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void everyNodeReachesTheRenderedConfigWithinMaxUnavailable(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, "10%", false);
    Path sets = bed.createMirrorSets("mirror-sets.yaml", MIRROR_SETS);
    bed.startAgents();
    bed.startController("a");

    String target = bed.awaitRolledOut();

    assertThat(bed.recorder().maxUnavailable())
        .as("unavailable at any recorded moment")
        .isBetween(2, 5);
    assertThat(bed.recorder().everCordoned())
        .as("digest-only mirror sets cordon no node")
        .isEmpty();
    assertThat(bed.desiredConfigPatches())
        .hasSize(NODES)
        .allSatisfy((node, n) -> assertThat(n).as("desiredConfig patches of " + node).isEqualTo(1));
    assertThat(bed.recorder().desired())
        .hasSize(NODES)
        .allSatisfy((n, d) -> assertThat(d).containsExactly(target));

    String toml = ccdRender("render", "--mirror-sets", sets.toString(), "--pool", POOL);
    for (String node : bed.nodes()) {
      assertThat(bed.agent(node).files.text(DROP_IN)).as(node + " drop-in").contains(toml);
    }
    String machineConfig =
        ccdRender(
            "render", "--mirror-sets", sets.toString(), "--pool", POOL, "-o", "machineconfig");
    JsonNode printed = YamlDocuments.yaml(machineConfig).get(0);
    GenericKubernetesResource stored =
        bed.client()
            .genericKubernetesResources(Fabric8ConfigSource.MACHINE_CONFIGS)
            .withName("99-worker-generated-registries")
            .get();
    JsonNode storedTree =
        bed.client().getKubernetesSerialization().convertValue(stored, JsonNode.class);
    assertThat(storedTree.get("spec")).isEqualTo(printed.get("spec"));
    assertThat(storedTree.at("/metadata/labels")).isEqualTo(printed.at("/metadata/labels"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MachineConfigPoolStatus s = bed.pool().getStatus();
              assertThat(s.getMachineCount()).isEqualTo(NODES);
              assertThat(s.getUpdatedMachineCount()).isEqualTo(NODES);
              assertThat(s.getReadyMachineCount()).isEqualTo(NODES);
              assertThat(s.getUnavailableMachineCount()).isZero();
              assertThat(s.getDegradedMachineCount()).isZero();
              assertThat(s.getConfiguration().getName()).isEqualTo(target);
              assertThat(condition(s, PoolCondition.UPDATED).getStatus()).isEqualTo("True");
              assertThat(condition(s, PoolCondition.UPDATING).getStatus()).isEqualTo("False");
              assertThat(condition(s, PoolCondition.RENDER_DEGRADED).getStatus())
                  .isEqualTo("False");
            });
  }

  @Test
  void aPausedPoolChangesNoNodeUntilResumed(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, "10", true);
    bed.createMirrorSets("mirror-sets.yaml", MIRROR_SETS);
    bed.startAgents();
    bed.startController("a");
    String target = await().atMost(DEADLINE).until(bed::target, t -> !t.isEmpty());
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(condition(bed.pool().getStatus(), PoolCondition.UPDATING).getMessage())
                    .isEqualTo("Pool is paused; will not update to " + target));

    Thread.sleep(2000);
    assertThat(bed.desiredConfigPatches()).isEmpty();
    assertThat(bed.recorder().desired().values()).allSatisfy(d -> assertThat(d).isEmpty());

    bed.editPool(
        p -> {
          p.getSpec().setPaused(false);
          return p;
        });
    assertThat(bed.awaitRolledOut()).isEqualTo(target);
    assertThat(bed.recorder().maxUnavailable()).isLessThanOrEqualTo(10);
  }

  @Test
  void aDegradedNodeHaltsTheRollout(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, "1", false);
    bed.createMirrorSets("mirror-sets.yaml", MIRROR_SETS);
    // node-00 comes first in the stable order; its disk refuses ccd's drop-in.
    bed.startAgents(
        n ->
            n.equals("node-00")
                ? FleetAgent.freshHost()
                    .failWritesTo(p -> p.startsWith("/etc/containers/registries.conf.d"))
                : FleetAgent.freshHost());
    bed.startController("a");

    await()
        .atMost(DEADLINE)
        .until(
            () -> bed.recorder().node("node-00").map(n -> n.config().state()),
            s -> s.equals(Optional.of(ConfigState.DEGRADED)));
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MachineConfigPoolStatus s = bed.pool().getStatus();
              assertThat(s.getDegradedMachineCount()).isEqualTo(1);
              assertThat(condition(s, PoolCondition.NODE_DEGRADED).getStatus()).isEqualTo("True");
              assertThat(condition(s, PoolCondition.NODE_DEGRADED).getMessage())
                  .contains("node-00");
              assertThat(condition(s, PoolCondition.DEGRADED).getStatus()).isEqualTo("True");
            });
    Thread.sleep(2000);

    assertThat(bed.desiredConfigPatches()).isEqualTo(Map.of("node-00", 1));
    assertThat(bed.recorder().maxUnavailable()).isEqualTo(1);
  }

  @Test
  void anInvalidMirrorSetSetsRenderDegradedAndChangesNoNode(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, "25", false);
    bed.createMirrorSets("mirror-sets.yaml", MIRROR_SETS);
    bed.startAgents();
    bed.startController("a");
    String target = bed.awaitRolledOut();
    Map<String, Integer> patches = bed.desiredConfigPatches();
    int changes = bed.recorder().changes();

    bed.createMirrorSets("broken.yaml", INVALID_SOURCE);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MachineConfigPoolCondition c =
                  condition(bed.pool().getStatus(), PoolCondition.RENDER_DEGRADED);
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage())
                  .startsWith("Failed to render configuration for pool worker: ")
                  .contains("ImageDigestMirrorSet/broken")
                  .contains("not a source!");
              assertThat(condition(bed.pool().getStatus(), PoolCondition.DEGRADED).getStatus())
                  .isEqualTo("True");
            });
    Thread.sleep(2000);
    assertThat(bed.target()).isEqualTo(target);
    assertThat(bed.desiredConfigPatches()).isEqualTo(patches);
    assertThat(bed.recorder().changes())
        .as("Node changes after the invalid mirror set")
        .isEqualTo(changes);
  }

  @Test
  void theLeaseHandsOverWithoutADoubleRollout(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, "10%", false);
    bed.createMirrorSets("mirror-sets.yaml", ONE_MIRROR_SET);
    bed.startAgents();
    ControllerRuntime first = bed.startController("first");
    await().atMost(DEADLINE).until(first::leading);
    ControllerRuntime second = bed.startController("second");
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> bed.recorder().desired().values().stream().filter(d -> !d.isEmpty()).count(),
            n -> n >= 10);
    assertThat(second.leading()).isFalse();

    first.close();
    await().atMost(DEADLINE).until(second::leading);
    String target = bed.awaitRolledOut();

    assertThat(bed.desiredConfigPatches())
        .hasSize(NODES)
        .allSatisfy((node, n) -> assertThat(n).as(node).isEqualTo(1));
    assertThat(bed.recorder().desired())
        .allSatisfy((n, d) -> assertThat(d).as(n).containsExactly(target));
    assertThat(bed.recorder().maxUnavailable()).isLessThanOrEqualTo(5);
  }

  @Test
  void aTagMirrorSetDrainsEachNodeThroughTheEvictionApiBeforeItsFilesChange(TestInfo test)
      throws Exception {
    ControllerBed bed = bed(test, 4, "1", false);
    bed.createMirrorSets("digest.yaml", ONE_MIRROR_SET);
    bed.startAgents();
    bed.startController("a");
    String first = bed.awaitRolledOut();
    assertThat(bed.recorder().everCordoned()).as("a digest-only mirror set cordons none").isEmpty();
    for (String node : bed.nodes()) {
      bed.podOn(node, "web-" + node);
    }

    bed.createMirrorSets("tags.yaml", TAG_MIRROR_SET);
    String second = bed.awaitRolledOut(first);

    assertThat(bed.evictions())
        .containsExactlyInAnyOrderElementsOf(
            bed.nodes().stream().map(n -> "shop/web-" + n).toList());
    assertThat(bed.recorder().maxUnavailable()).as("cordoned counts as unavailable").isEqualTo(1);
    for (String node : bed.nodes()) {
      List<Step> steps = bed.recorder().history(node);
      int drained = firstIndex(steps, s -> s.lastAppliedDrain().equals("drain-" + second));
      int applied = firstIndex(steps, s -> s.currentConfig().equals(second));
      int cordoned = firstIndex(steps, Step::cordoned);
      assertThat(cordoned).as(node + " cordoned").isNotNegative().isLessThan(drained);
      assertThat(drained).as(node + " drained before Done on " + second).isLessThan(applied);
      assertThat(bed.agent(node).files.text(DROP_IN).orElse(""))
          .contains("mirror.example.com/library");
    }
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(bed.nodes())
                    .allSatisfy(
                        n -> {
                          List<Step> h = bed.recorder().history(n);
                          assertThat(h.get(h.size() - 1).cordoned())
                              .as(n + " uncordoned")
                              .isFalse();
                          assertThat(h.get(h.size() - 1).lastAppliedDrain())
                              .isEqualTo("uncordon-" + second);
                        }));
  }

  @Test
  void aNodeThatJoinsThePoolGetsItsCurrentRenderedConfig(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, 3, "1", false);
    bed.createMirrorSets("mirror-sets.yaml", ONE_MIRROR_SET);
    bed.startAgents();
    bed.startController("a");
    String target = bed.awaitRolledOut();

    bed.join("node-03");

    await().atMost(DEADLINE).until(() -> bed.recorder().doneOn("node-03", target));
    assertThat(bed.recorder().desired().get("node-03")).containsExactly(target);
    assertThat(bed.agent("node-03").files.text(DROP_IN).orElse(""))
        .contains("mirror.example.com/ocp");
  }

  private static int firstIndex(List<Step> steps, java.util.function.Predicate<Step> p) {
    for (int i = 0; i < steps.size(); i++) {
      if (p.test(steps.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void theControllersEventsNameTheControllerAndItsIdentity(TestInfo test) throws Exception {
    ControllerBed bed = bed(test, 3, "1", false);
    bed.client()
        .nodes()
        .withName("node-01")
        .edit(
            n -> {
              n.getMetadata()
                  .setAnnotations(
                      Map.of(ControllerBed.KEYS.desiredDrainKey(), "drain-rendered-worker-x"));
              return n;
            });

    bed.startController("ccd-controller-5d8f");

    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(bed.nodeEvents("node-01", "Drained")).hasSize(1));
    assertThat(bed.nodeEvents("node-01", "Cordon", "Drained")).hasSize(2);
    for (Event e : bed.nodeEvents("node-01", "Cordon", "Drained")) {
      assertThat(e.getSource().getComponent()).isEqualTo("ccd-controller");
      assertThat(e.getReportingComponent()).isEqualTo("ccd-controller");
      assertThat(e.getReportingInstance()).isEqualTo("ccd-controller-5d8f");
      assertThat(e.getSource().getHost()).isNull();
    }
  }

  private static MachineConfigPoolCondition condition(MachineConfigPoolStatus s, String type) {
    assertThat(s).as("pool status").isNotNull();
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + s.getConditions()));
  }
}
