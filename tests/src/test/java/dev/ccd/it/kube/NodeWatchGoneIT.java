package dev.ccd.it.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.kube.Backoff;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.Watch;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The "watch expired" path over real HTTP: the API answers the watch with a 410 Gone error event
 * (what a kube-apiserver sends when the resourceVersion has been compacted away). The CRUD mock
 * never does that, so this test scripts the mock server's answers instead.
 */
class NodeWatchGoneIT {
  private static final String NODE = "node-a";
  private static final String DESIRED = "machineconfiguration.openshift.io/desiredConfig";
  private static final String LIST = "/api/v1/nodes?fieldSelector=metadata.name%3D" + NODE;

  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private static io.fabric8.kubernetes.api.model.NodeList list(String rv, String desired) {
    return new NodeListBuilder()
        .withNewMetadata()
        .withResourceVersion(rv)
        .endMetadata()
        .addToItems(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withResourceVersion(rv)
                .addToAnnotations(DESIRED, desired)
                .endMetadata()
                .build())
        .build();
  }

  private static String watch(String rv) {
    return "/api/v1/nodes?allowWatchBookmarks=true&fieldSelector=metadata.name%3D"
        + NODE
        + "&resourceVersion="
        + rv
        + "&watch=true";
  }

  @Test
  void goneRelistsAndDeliversTheNodeAsItIsNow() throws Exception {
    server.expect().get().withPath(LIST).andReturn(200, list("100", "rendered-a")).once();
    server
        .expect()
        .get()
        .withPath(watch("100"))
        .andUpgradeToWebSocket()
        .open()
        .waitFor(50)
        .andEmit(
            new WatchEvent(
                new StatusBuilder()
                    .withStatus("Failure")
                    .withCode(410)
                    .withReason("Expired")
                    .withMessage("too old resource version: 100 (250)")
                    .build(),
                "ERROR"))
        .done()
        .once();
    server.expect().get().withPath(LIST).andReturn(200, list("300", "rendered-b")).once();
    server.expect().get().withPath(watch("300")).andUpgradeToWebSocket().open().done().always();

    Fabric8NodeApi nodes =
        new Fabric8NodeApi(client, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), 5);
    Fabric8NodeApiIT.Recorder recorder = new Fabric8NodeApiIT.Recorder();
    try (Watch w = nodes.watch(NODE, recorder)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.saw(NODE, DESIRED, "rendered-b"));
      assertThat(recorder.saw(NODE, DESIRED, "rendered-a")).isTrue();
      assertThat(recorder.closes).as("the 410 reached the listener as a lost watch").isNotEmpty();
    }
    List<String> paths = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      paths.add(r.getPath());
    }
    assertThat(paths).containsSubsequence(LIST, watch("100"), LIST, watch("300"));
  }
}
