package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the drain adapter reads from the API's answers: refusals and pods. */
class Fabric8DrainTest {

  static final String BUDGET_429 =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"Cannot evict"
          + " pod as it would violate the pod's disruption budget.\",\"reason\":\"TooManyRequests\","
          + "\"details\":{\"causes\":[{\"reason\":\"DisruptionBudget\",\"message\":\"The disruption"
          + " budget web-pdb needs 2 healthy pods and has 2 currently\"}]},\"code\":429}";

  @Test
  void aBudgetRefusalNamesTheBudget() {
    BlockedEviction b = Fabric8Drain.refusal("shop/web-1", "shop", 429, BUDGET_429);

    assertThat(b.disruptionBudgets()).containsExactly("shop/web-pdb");
    assertThat(b.describe())
        .isEqualTo("pod shop/web-1 blocked by PodDisruptionBudget shop/web-pdb");
  }

  @ParameterizedTest(name = "{0}: {1} → {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "429|{\"kind\":\"Status\",\"message\":\"Too many requests\"}|pod shop/web-1 not evicted:"
            + " Too many requests",
        "500|{\"kind\":\"Status\",\"message\":\"This pod has more than one PodDisruptionBudget\"}"
            + "|pod shop/web-1 not evicted: HTTP 500: This pod has more than one"
            + " PodDisruptionBudget",
        "503|upstream unavailable|pod shop/web-1 not evicted: HTTP 503: upstream unavailable",
        "403|''|pod shop/web-1 not evicted: HTTP 403 with no message"
      })
  void otherRefusalsKeepTheApiWords(int code, String body, String expected) {
    BlockedEviction b = Fabric8Drain.refusal("shop/web-1", "shop", code, body);

    assertThat(b.disruptionBudgets()).isEmpty();
    assertThat(b.describe()).isEqualTo(expected);
  }

  @Test
  void podsCarryWhatDecidesTheirEviction() {
    NodePod p =
        Fabric8Drain.pod(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace("kube-system")
                .withName("etcd-n1")
                .addToAnnotations("kubernetes.io/config.mirror", "abc")
                .addNewOwnerReference()
                .withKind("Node")
                .withName("n1")
                .endOwnerReference()
                .withDeletionTimestamp("2026-12-05T08:00:00Z")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build());

    assertThat(p)
        .isEqualTo(new NodePod("kube-system", "etcd-n1", List.of("Node"), true, "Running", true));
    assertThat(p.evictable()).isFalse();
    assertThat(
            Fabric8Drain.pod(
                    new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("a")
                        .withName("b")
                        .endMetadata()
                        .build())
                .evictable())
        .isTrue();
  }
}
