package dev.ccd.it.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 mock in CRUD mode plus the one thing it lacks for draining: the Eviction API ({@code
 * POST /api/v1/namespaces/<ns>/pods/<pod>/eviction}). An eviction is refused with 429 and the API
 * server's cause text when a PodDisruptionBudget of the namespace selects the pod and its {@code
 * status.disruptionsAllowed} is below 1; otherwise the pod is deleted (201). The mock also does not
 * know the {@code spec.nodeName} field selector of a pod list (it finds no pod), so a {@code GET
 * /api/v1/pods?fieldSelector=spec.nodeName=<node>} is answered here from the whole list.
 */
public final class EvictionDispatcher extends KubernetesCrudDispatcher {
  private static final Pattern EVICTION =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction(\\?.*)?");

  private static final Pattern PODS_ON_NODE =
      Pattern.compile("/api/v1/pods\\?(?:.*&)?fieldSelector=spec\\.nodeName(?:%3D|=)([^&]+).*");

  private final List<String> evictions = new CopyOnWriteArrayList<>();

  /** Every eviction request served, as {@code ns/pod}, in order (one per POST). */
  public List<String> evictions() {
    return List.copyOf(evictions);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Matcher m = EVICTION.matcher(request.getPath());
    if ("POST".equals(request.getMethod()) && m.matches()) {
      return evict(m.group(1), m.group(2));
    }
    Matcher n = PODS_ON_NODE.matcher(request.getPath());
    if ("GET".equals(request.getMethod()) && n.matches()) {
      return podsOn(URLDecoder.decode(n.group(1), StandardCharsets.UTF_8));
    }
    return super.dispatch(request);
  }

  private synchronized MockResponse evict(String ns, String name) {
    evictions.add(ns + "/" + name);
    String podPath = "/api/v1/namespaces/" + ns + "/pods/" + name;
    MockResponse got = handleGet(podPath);
    if (got.code() != 200) {
      return status(404, "Failure", "pods \"" + name + "\" not found", "");
    }
    Pod pod = Serialization.unmarshal(got.getBody().readUtf8(), Pod.class);
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    MockResponse budgets = handleGet("/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets");
    if (budgets.code() == 200) {
      PodDisruptionBudgetList list =
          Serialization.unmarshal(budgets.getBody().readUtf8(), PodDisruptionBudgetList.class);
      for (PodDisruptionBudget b : list.getItems()) {
        Map<String, String> sel = b.getSpec().getSelector().getMatchLabels();
        boolean selects = sel != null && labels.entrySet().containsAll(sel.entrySet());
        Integer allowed = b.getStatus() == null ? null : b.getStatus().getDisruptionsAllowed();
        if (selects && (allowed == null || allowed < 1)) {
          return status(
              429,
              "Failure",
              "Cannot evict pod as it would violate the pod's disruption budget.",
              "{\"type\":\"DisruptionBudget\",\"message\":\"The disruption budget "
                  + b.getMetadata().getName()
                  + " needs 1 healthy pods and has 1 currently\"}");
        }
      }
    }
    handleDelete(podPath);
    return status(201, "Success", "", "");
  }

  private MockResponse podsOn(String node) {
    MockResponse all = handleGet("/api/v1/pods");
    PodList list = Serialization.unmarshal(all.getBody().readUtf8(), PodList.class);
    list.setItems(
        list.getItems().stream()
            .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
            .toList());
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(list));
  }

  private static MockResponse status(int code, String status, String message, String cause) {
    String details = cause.isEmpty() ? "" : ",\"details\":{\"causes\":[" + cause + "]}";
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\""
                + status
                + "\",\"message\":\""
                + message
                + "\",\"code\":"
                + code
                + details
                + "}");
  }
}
