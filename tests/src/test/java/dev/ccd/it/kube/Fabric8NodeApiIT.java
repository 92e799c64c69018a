package dev.ccd.it.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccd.kube.Backoff;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real NodeApi adapter over HTTP against the fabric8 mock API server (CRUD mode). */
class Fabric8NodeApiIT {
  private static final String DESIRED = "machineconfiguration.openshift.io/desiredConfig";
  private static final String STATE = "machineconfiguration.openshift.io/state";
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private EmbeddedApi api;
  private Fabric8NodeApi nodes;

  /** Collects what a watch reports. */
  static final class Recorder implements NodeListener {
    final List<NodeView> seen = new CopyOnWriteArrayList<>();
    final List<Exception> closes = new CopyOnWriteArrayList<>();

    @Override
    public void onNode(NodeView node) {
      seen.add(node);
    }

    @Override
    public void onClose(Exception cause) {
      closes.add(cause);
    }

    boolean saw(String node, String key, String value) {
      return seen.stream().anyMatch(n -> n.name().equals(node) && value.equals(n.annotation(key)));
    }
  }

  @BeforeEach
  void start() throws Exception {
    api = new EmbeddedApi();
    nodes =
        new Fabric8NodeApi(
            api.client(), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), 5);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Node createNode(String name, Map<String, String> annotations) {
    return api.client()
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withAnnotations(annotations)
                .addToLabels("role", "worker")
                .endMetadata()
                .build())
        .create();
  }

  @Test
  void getReadsTheNodeAndReportsAMissingOneAs404() throws Exception {
    createNode("node-a", Map.of(DESIRED, "rendered-worker-1"));
    NodeView a = nodes.get("node-a");
    assertThat(a.name()).isEqualTo("node-a");
    assertThat(a.annotations()).containsEntry(DESIRED, "rendered-worker-1");
    assertThat(a.unschedulable()).isFalse();
    assertThat(a.resourceVersion()).isNotEmpty();

    assertThatThrownBy(() -> nodes.get("node-x"))
        .isInstanceOfSatisfying(
            KubeApiException.class, e -> assertThat(e.notFound()).as("code 404").isTrue())
        .hasMessageContaining("node-x");
  }

  @Test
  void watchSeesItsOwnNodesChangesAndNoOtherNode() throws Exception {
    createNode("node-a", Map.of(DESIRED, "rendered-worker-1"));
    createNode("node-b", Map.of(DESIRED, "rendered-worker-1"));
    Recorder recorder = new Recorder();
    Watch w = nodes.watch("node-a", recorder);
    try {
      await().atMost(DEADLINE).until(() -> recorder.saw("node-a", DESIRED, "rendered-worker-1"));

      // The other node changes first: if the watch leaked it, it would arrive before node-a's.
      nodes.patchAnnotations("node-b", Map.of(DESIRED, "rendered-worker-2"));
      nodes.patchAnnotations("node-a", Map.of(DESIRED, "rendered-worker-2"));
      await().atMost(DEADLINE).until(() -> recorder.saw("node-a", DESIRED, "rendered-worker-2"));
      nodes.patchAnnotations("node-a", Map.of(DESIRED, "rendered-worker-3"));
      await().atMost(DEADLINE).until(() -> recorder.saw("node-a", DESIRED, "rendered-worker-3"));

      assertThat(recorder.seen).extracting(NodeView::name).containsOnly("node-a");
      assertThat(recorder.closes).as("no watch errors").isEmpty();
      // The selection is the server's, not only a filter in the listener.
      assertThat(requestPaths())
          .anyMatch(
              p ->
                  p.startsWith("/api/v1/nodes?")
                      && p.contains("watch=true")
                      && p.contains("fieldSelector=metadata.name%3Dnode-a"));
    } finally {
      w.close();
    }
  }

  @Test
  void watchOfAMissingNodeReportsItAndPicksItUpOnceCreated() {
    Recorder recorder = new Recorder();
    Watch w = nodes.watch("node-late", recorder);
    try {
      await().atMost(DEADLINE).until(() -> !recorder.closes.isEmpty());
      assertThat(recorder.closes.get(0))
          .isInstanceOfSatisfying(KubeApiException.class, e -> assertThat(e.code()).isEqualTo(404));
      createNode("node-late", Map.of(DESIRED, "rendered-worker-9"));
      await().atMost(DEADLINE).until(() -> recorder.saw("node-late", DESIRED, "rendered-worker-9"));
    } finally {
      w.close();
    }
  }

  @Test
  void patchMergesAnnotationsAndLeavesTheRestAlone() throws Exception {
    createNode("node-a", Map.of(DESIRED, "rendered-worker-2", STATE, "Working", "keep/me", "1"));
    int before = api.server().getRequestCount();
    NodeView after =
        nodes.patchAnnotations(
            "node-a",
            Map.of(
                STATE,
                "Done",
                "machineconfiguration.openshift.io/currentConfig",
                "rendered-worker-2"));
    assertThat(after.annotations())
        .containsEntry(STATE, "Done")
        .containsEntry("machineconfiguration.openshift.io/currentConfig", "rendered-worker-2")
        .containsEntry(DESIRED, "rendered-worker-2")
        .containsEntry("keep/me", "1");
    assertThat(api.server().getRequestCount() - before)
        .as("one PATCH, no read before it")
        .isEqualTo(1);
    Node stored = api.client().nodes().withName("node-a").get();
    assertThat(stored.getMetadata().getLabels()).containsEntry("role", "worker");
    assertThat(stored.getMetadata().getAnnotations()).isEqualTo(after.annotations());
  }

  @Test
  void patchSurvivesAConflict() throws Exception {
    createNode("node-a", Map.of(STATE, "Working"));
    api.server()
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(409, conflict("node-a"))
        .once();
    NodeView after = nodes.patchAnnotations("node-a", Map.of(STATE, "Done"));
    assertThat(after.annotation(STATE)).isEqualTo("Done");
    assertThat(nodes.get("node-a").annotation(STATE)).isEqualTo("Done");
  }

  @Test
  void patchGivesUpAfterBoundedConflicts() throws Exception {
    createNode("node-a", Map.of(STATE, "Working"));
    api.server()
        .expect()
        .patch()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(409, conflict("node-a"))
        .times(5);
    assertThatThrownBy(() -> nodes.patchAnnotations("node-a", Map.of(STATE, "Done")))
        .isInstanceOfSatisfying(KubeApiException.class, e -> assertThat(e.code()).isEqualTo(409));
    assertThat(nodes.get("node-a").annotation(STATE)).as("unchanged").isEqualTo("Working");
    // The next patch is no longer conflicted: the bounded retry used exactly its 5 attempts.
    assertThat(nodes.patchAnnotations("node-a", Map.of(STATE, "Done")).annotation(STATE))
        .isEqualTo("Done");
  }

  @Test
  void patchOfAMissingNodeIs404() {
    assertThatThrownBy(() -> nodes.patchAnnotations("node-x", Map.of(STATE, "Done")))
        .isInstanceOfSatisfying(KubeApiException.class, e -> assertThat(e.code()).isEqualTo(404));
  }

  private List<String> requestPaths() throws InterruptedException {
    List<String> paths = new java.util.ArrayList<>();
    for (var r = api.server().takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        r != null;
        r = api.server().takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      paths.add(r.getPath());
    }
    return paths;
  }

  private static io.fabric8.kubernetes.api.model.Status conflict(String node) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withReason("Conflict")
        .withCode(409)
        .withMessage(
            "Operation cannot be fulfilled on nodes \""
                + node
                + "\": the object has been modified; please apply your changes to the latest version")
        .build();
  }
}
