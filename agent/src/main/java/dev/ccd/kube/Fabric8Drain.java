package dev.ccd.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link DrainApi} over fabric8: a Node informer, pods by {@code spec.nodeName} field selector,
 * cordon by JSON merge patch, and evictions as one {@code POST .../pods/<pod>/eviction} each on a
 * client that does not retry, so a refusal comes back as it is.
 */
public final class Fabric8Drain implements DrainApi, AutoCloseable {
  private static final int TOO_MANY_REQUESTS = 429;
  private static final int NOT_FOUND = 404;
  private static final Duration EVICTION_TIMEOUT = Duration.ofSeconds(30);

  /** The API server's words: "The disruption budget {name} needs {n} healthy pods and has …". */
  private static final Pattern BUDGET = Pattern.compile("disruption budget (\\S+) needs");

  private final KubernetesClient client;
  private final KubernetesClient evictions;
  private final Fabric8NodeApi nodes;

  public Fabric8Drain(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
    this.evictions = KubeClients.withoutRetries(client);
    this.nodes = new Fabric8NodeApi(client);
  }

  @Override
  public Watch watchNodes(Consumer<NodeView> listener) {
    Objects.requireNonNull(listener, "listener");
    SharedIndexInformer<Node> informer =
        client
            .nodes()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Node n) {
                    listener.accept(Fabric8NodeApi.view(n));
                  }

                  @Override
                  public void onUpdate(Node old, Node n) {
                    listener.accept(Fabric8NodeApi.view(n));
                  }

                  @Override
                  public void onDelete(Node n, boolean unknownFinalState) {
                    // A deleted Node has nothing left to drain.
                  }
                });
    return informer::close;
  }

  @Override
  public NodeView node(String node) throws KubeApiException {
    return nodes.get(node);
  }

  @Override
  public List<NodePod> podsOn(String node) throws KubeApiException {
    try {
      List<NodePod> pods = new ArrayList<>();
      for (Pod p :
          client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems()) {
        if (p.getSpec() != null && node.equals(p.getSpec().getNodeName())) {
          pods.add(pod(p));
        }
      }
      return pods;
    } catch (KubernetesClientException e) {
      throw Fabric8NodeApi.failure(client, "list pods of node " + node, e);
    }
  }

  static NodePod pod(Pod p) {
    var meta = p.getMetadata();
    List<String> owners =
        meta.getOwnerReferences() == null
            ? List.of()
            : meta.getOwnerReferences().stream().map(OwnerReference::getKind).toList();
    boolean mirror =
        meta.getAnnotations() != null
            && meta.getAnnotations().containsKey("kubernetes.io/config.mirror");
    String phase = p.getStatus() == null ? "" : p.getStatus().getPhase();
    return new NodePod(
        meta.getNamespace(),
        meta.getName(),
        owners,
        mirror,
        phase,
        meta.getDeletionTimestamp() != null);
  }

  @Override
  public void cordon(String node, boolean cordoned) throws KubeApiException {
    Node target = new NodeBuilder().withNewMetadata().withName(node).endMetadata().build();
    try {
      client
          .nodes()
          .resource(target)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"unschedulable\":" + cordoned + "}}");
    } catch (KubernetesClientException e) {
      throw Fabric8NodeApi.failure(client, (cordoned ? "cordon" : "uncordon") + " node " + node, e);
    }
  }

  @Override
  public Optional<BlockedEviction> evict(String namespace, String pod) throws KubeApiException {
    String ref = namespace + "/" + pod;
    String base = evictions.getMasterUrl().toString().replaceAll("/+$", "");
    String body =
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
            + pod
            + "\",\"namespace\":\""
            + namespace
            + "\"}}";
    HttpClient http = evictions.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(base + "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction")
            .post("application/json", body)
            .build();
    HttpResponse<String> response;
    try {
      response =
          http.sendAsync(request, String.class)
              .get(EVICTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeApiException(0, "evict pod " + ref + " interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubeApiException(0, "evict pod " + ref + " failed: " + FailureMessage.of(e), e);
    }
    int code = response.code();
    if ((code >= 200 && code < 300) || code == NOT_FOUND) {
      return Optional.empty();
    }
    return Optional.of(refusal(ref, namespace, code, response.body()));
  }

  /** The API's refusal: budgets named in its {@code DisruptionBudget} causes, and its message. */
  static BlockedEviction refusal(String ref, String namespace, int code, String body) {
    Status status = null;
    try {
      status = body == null || body.isBlank() ? null : Serialization.unmarshal(body, Status.class);
    } catch (RuntimeException e) {
      // Not a Status: the code and the raw text are all there is to report.
    }
    List<String> budgets = new ArrayList<>();
    String message = status == null || status.getMessage() == null ? "" : status.getMessage();
    if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
      for (StatusCause c : status.getDetails().getCauses()) {
        Matcher m = BUDGET.matcher(c.getMessage() == null ? "" : c.getMessage());
        if (m.find()) {
          budgets.add(namespace + "/" + m.group(1));
        }
      }
    }
    if (message.isEmpty()) {
      message = body == null ? "" : body.strip();
    }
    String text =
        code == TOO_MANY_REQUESTS
            ? message
            : "HTTP " + code + (message.isEmpty() ? " with no message" : ": " + message);
    return new BlockedEviction(ref, budgets, NodeAnnotations.truncateReason(text));
  }

  @Override
  public NodeView patchAnnotations(String node, Map<String, String> set) throws KubeApiException {
    return nodes.patchAnnotations(node, set);
  }

  /** Closes the eviction client; the shared client stays the caller's. */
  @Override
  public void close() {
    evictions.close();
  }
}
