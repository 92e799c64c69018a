package dev.ccd.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link NodeApi} over fabric8: field-selector watch, JSON merge patch of annotations. */
public final class Fabric8NodeApi implements NodeApi {
  private static final Logger log = LoggerFactory.getLogger(Fabric8NodeApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONFLICT = 409;

  private final KubernetesClient client;
  private final Backoff watchBackoff;
  private final int conflictAttempts;

  /** Watches reconnect with {@link Backoff#WATCH_DEFAULT}; a patch is tried up to 5 times. */
  public Fabric8NodeApi(KubernetesClient client) {
    this(client, Backoff.WATCH_DEFAULT, 5);
  }

  /**
   * @param watchBackoff delay between a watch failure and the next list
   * @param conflictAttempts how often a patch is tried in all when the server answers 409
   */
  public Fabric8NodeApi(KubernetesClient client, Backoff watchBackoff, int conflictAttempts) {
    this.client = Objects.requireNonNull(client, "client");
    this.watchBackoff = Objects.requireNonNull(watchBackoff, "watchBackoff");
    if (conflictAttempts < 1) {
      throw new IllegalArgumentException("conflictAttempts must be >= 1, got " + conflictAttempts);
    }
    this.conflictAttempts = conflictAttempts;
  }

  @Override
  public NodeView get(String node) throws KubeApiException {
    Node n;
    try {
      n = client.nodes().withName(node).get();
    } catch (KubernetesClientException e) {
      throw failure(client, "get node " + node, e);
    }
    if (n == null) {
      throw new KubeApiException(404, "node " + node + " not found");
    }
    return view(n);
  }

  @Override
  public Watch watch(String node, NodeListener listener) {
    Objects.requireNonNull(listener, "listener");
    ApiOutage outage = ApiOutage.of(client);
    ResilientWatch.Sink<NodeView> sink =
        new ResilientWatch.Sink<>() {
          @Override
          public void current(Optional<NodeView> object) {
            if (object.isPresent()) {
              listener.onNode(object.get());
            } else {
              listener.onClose(new KubeApiException(404, "node " + node + " not found"));
            }
          }

          @Override
          public void lost(Exception cause) {
            // Said with the server, so the agent's log line and Degraded reason name it.
            listener.onClose(
                new KubeApiException(
                    FailureMessage.code(cause),
                    outage.describe("watch of " + "node " + node, cause)));
          }
        };
    ResilientWatch.Source<NodeView> source =
        new ResilientWatch.Source<>() {
          @Override
          public ResilientWatch.Listed<NodeView> list() {
            NodeList list = client.nodes().withField("metadata.name", node).list();
            Optional<NodeView> found =
                list.getItems().stream()
                    .filter(n -> node.equals(n.getMetadata().getName()))
                    .findFirst()
                    .map(Fabric8NodeApi::view);
            String rv = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
            return new ResilientWatch.Listed<>(found, rv);
          }

          @Override
          public AutoCloseable watch(
              String resourceVersion, ResilientWatch.Events<NodeView> events) {
            return client
                .nodes()
                .withField("metadata.name", node)
                .watch(
                    new ListOptionsBuilder().withResourceVersion(resourceVersion).build(),
                    watcher(node, events));
          }
        };
    return ResilientWatch.start("node " + node, source, sink, watchBackoff, outage);
  }

  private static Watcher<Node> watcher(String node, ResilientWatch.Events<NodeView> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Node n) {
        switch (action) {
          case ADDED, MODIFIED -> {
            if (node.equals(n.getMetadata().getName())) {
              events.changed(view(n));
            }
          }
          case DELETED -> events.failed(new KubeApiException(404, "node " + node + " was deleted"));
          case ERROR, BOOKMARK -> log.debug("watch of node {}: {} event", node, action);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        events.failed(cause);
      }

      @Override
      public void onClose() {
        // Closed by us; nothing to do.
      }
    };
  }

  @Override
  public NodeView patchAnnotations(String node, Map<String, String> set) throws KubeApiException {
    String body = mergePatch(set);
    // fabric8 GETs the object before a patch by name; a patch through a resource that carries only
    // the name is the single PATCH request a merge patch needs.
    Node target = new NodeBuilder().withNewMetadata().withName(node).endMetadata().build();
    for (int attempt = 1; ; attempt++) {
      try {
        Node n = client.nodes().resource(target).patch(PatchContext.of(PatchType.JSON_MERGE), body);
        ApiOutage.of(client).noteAnswer();
        return view(n);
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT || attempt >= conflictAttempts) {
          throw failure(client, "patch annotations of node " + node, e);
        }
        log.debug("conflict patching node {} (attempt {}), retrying", node, attempt);
        pause(attempt);
      }
    }
  }

  /** {@code {"metadata":{"annotations":{...}}}}; a null value becomes JSON null (delete). */
  static String mergePatch(Map<String, String> set) {
    Objects.requireNonNull(set, "set");
    Map<String, Object> annotations = new LinkedHashMap<>(set);
    try {
      return JSON.writeValueAsString(Map.of("metadata", Map.of("annotations", annotations)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode annotations " + set, e);
    }
  }

  // Short linear pause like client-go's DefaultRetry (10 ms steps): conflicts clear quickly.
  private static void pause(int attempt) throws KubeApiException {
    try {
      Thread.sleep(10L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeApiException(0, "interrupted while retrying a conflicting patch", e);
    }
  }

  static NodeView view(Node n) {
    var meta = n.getMetadata();
    boolean unschedulable =
        n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    return new NodeView(
        meta.getName(), meta.getAnnotations(), unschedulable, meta.getResourceVersion());
  }

  /**
   * A failed call through {@code client}, said with its API server ({@link ApiOutage#describe}); a
   * dead server is also noted in the client's outage episode.
   */
  static KubeApiException failure(
      KubernetesClient client, String what, KubernetesClientException e) {
    ApiOutage outage = ApiOutage.of(client);
    if (ApiOutage.isOutage(e)) {
      outage.noteFailure(what, e);
    } else {
      outage.noteAnswer();
    }
    return new KubeApiException(e.getCode(), outage.describe(what, e), e);
  }
}
