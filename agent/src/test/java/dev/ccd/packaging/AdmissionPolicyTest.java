package dev.ccd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.packaging.AdmissionPolicyEvaluation.Allowed;
import dev.ccd.packaging.AdmissionPolicyEvaluation.Decision;
import dev.ccd.packaging.AdmissionPolicyEvaluation.Denied;
import dev.ccd.packaging.AdmissionPolicyEvaluation.NotMatched;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * packaging/base/admission-policy.yaml, evaluated with cel-java on admission requests built here:
 * the agent may change only the machineconfiguration.openshift.io/* and ccd.dev/* annotations of
 * its own Node.
 */
class AdmissionPolicyTest {
  static final String AGENT = "system:serviceaccount:ccd-system:ccd-agent";
  static final String NODE_CLAIM = "authentication.kubernetes.io/node-name";
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  static ValidatingAdmissionPolicy policy;
  static AdmissionPolicyEvaluation evaluation;

  @BeforeAll
  static void load() throws IOException {
    List<HasMetadata> objects = ManifestsTest.objects("admission-policy.yaml");
    policy = (ValidatingAdmissionPolicy) objects.get(0);
    evaluation = new AdmissionPolicyEvaluation(policy);
    ValidatingAdmissionPolicyBinding binding = (ValidatingAdmissionPolicyBinding) objects.get(1);
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
  }

  static Node worker0() {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("worker-0")
        .addToLabels("node-role.kubernetes.io/worker", "")
        .addToAnnotations("machineconfiguration.openshift.io/state", "Done")
        .addToAnnotations("machineconfiguration.openshift.io/currentConfig", "rendered-worker-1")
        .addToAnnotations("machineconfiguration.openshift.io/desiredConfig", "rendered-worker-2")
        .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
        .endMetadata()
        .withNewSpec()
        .withPodCIDR("10.244.0.0/24")
        .endSpec()
        .build();
  }

  static Map<String, Object> request(String user, List<String> nodeClaim) {
    Map<String, Object> userInfo =
        nodeClaim == null
            ? Map.of("username", user)
            : Map.of("username", user, "extra", Map.of(NODE_CLAIM, nodeClaim));
    return Map.of("operation", "UPDATE", "userInfo", userInfo);
  }

  static Decision update(Map<String, Object> request, UnaryOperator<NodeBuilder> change) {
    Node old = worker0();
    Node changed = change.apply(new NodeBuilder(old)).build();
    return evaluation.evaluate(request, asMap(changed), asMap(old));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Node node) {
    return JSON.convertValue(node, Map.class);
  }

  static Decision byAgentOnWorker0(UnaryOperator<NodeBuilder> change) {
    return update(request(AGENT, List.of("worker-0")), change);
  }

  @Test
  void everyExpressionCompiles() throws Exception {
    assertThat(evaluation.expressions()).hasSizeGreaterThan(5);
    for (String e : evaluation.expressions()) {
      evaluation.compile(e);
    }
  }

  @Test
  void theAgentMayWriteItsStateAnnotationsOnItsOwnNode() {
    assertThat(
            byAgentOnWorker0(
                b ->
                    b.editMetadata()
                        .addToAnnotations("machineconfiguration.openshift.io/state", "Working")
                        .addToAnnotations("machineconfiguration.openshift.io/reason", "")
                        .endMetadata()))
        .isInstanceOf(Allowed.class);
    assertThat(
            byAgentOnWorker0(
                b ->
                    b.editMetadata()
                        .removeFromAnnotations("machineconfiguration.openshift.io/reason")
                        .addToAnnotations("ccd.dev/force-reapply-seen", "3")
                        .endMetadata()))
        .isInstanceOf(Allowed.class);
  }

  @Test
  void theAgentMayAnnotateANodeThatHadNoAnnotations() {
    Node bare =
        new NodeBuilder(worker0()).editMetadata().withAnnotations(null).endMetadata().build();
    Node annotated =
        new NodeBuilder(bare)
            .editMetadata()
            .addToAnnotations("machineconfiguration.openshift.io/state", "Working")
            .endMetadata()
            .build();
    assertThat(
            evaluation.evaluate(request(AGENT, List.of("worker-0")), asMap(annotated), asMap(bare)))
        .isInstanceOf(Allowed.class);
  }

  @Test
  void theAgentMayNotTouchAnotherNode() {
    Decision d =
        update(
            request(AGENT, List.of("worker-1")),
            b ->
                b.editMetadata()
                    .addToAnnotations("machineconfiguration.openshift.io/state", "Working")
                    .endMetadata());
    assertThat(d).isInstanceOf(Denied.class);
    assertThat(((Denied) d).messages())
        .containsExactly(
            "the ccd agent may change only the Node it runs on (its token's node-name claim)");
  }

  @Test
  void aTokenWithoutANodeClaimIsDenied() {
    Decision d =
        update(
            request(AGENT, null),
            b ->
                b.editMetadata()
                    .addToAnnotations("machineconfiguration.openshift.io/state", "Working")
                    .endMetadata());
    assertThat(d).isInstanceOf(Denied.class);
  }

  @Test
  void otherAnnotationsAreDeniedAndNamed() {
    Decision added =
        byAgentOnWorker0(
            b -> b.editMetadata().addToAnnotations("example.com/x", "1").endMetadata());
    assertThat(added).isEqualTo(new Denied(List.of(forbidden("example.com/x"))));

    Decision changed =
        byAgentOnWorker0(
            b ->
                b.editMetadata()
                    .addToAnnotations(
                        "volumes.kubernetes.io/controller-managed-attach-detach", "no")
                    .endMetadata());
    assertThat(changed)
        .isEqualTo(
            new Denied(
                List.of(forbidden("volumes.kubernetes.io/controller-managed-attach-detach"))));

    Decision removed =
        byAgentOnWorker0(
            b ->
                b.editMetadata()
                    .removeFromAnnotations("volumes.kubernetes.io/controller-managed-attach-detach")
                    .endMetadata());
    assertThat(removed)
        .isEqualTo(
            new Denied(
                List.of(forbidden("volumes.kubernetes.io/controller-managed-attach-detach"))));

    // A prefix only counts as a prefix: a look-alike key is not machineconfiguration's.
    Decision lookalike =
        byAgentOnWorker0(
            b ->
                b.editMetadata()
                    .addToAnnotations("machineconfiguration.openshift.io.evil/x", "1")
                    .endMetadata());
    assertThat(lookalike)
        .isEqualTo(new Denied(List.of(forbidden("machineconfiguration.openshift.io.evil/x"))));
  }

  private static String forbidden(String key) {
    return "the ccd agent may change only machineconfiguration.openshift.io/* and ccd.dev/*"
        + " annotations, not "
        + key;
  }

  @Test
  void labelsAreDenied() {
    assertThat(
            byAgentOnWorker0(
                b ->
                    b.editMetadata()
                        .addToLabels("node-role.kubernetes.io/infra", "")
                        .endMetadata()))
        .isEqualTo(new Denied(List.of("the ccd agent may not change a Node's labels")));
    assertThat(byAgentOnWorker0(b -> b.editMetadata().withLabels(null).endMetadata()))
        .isEqualTo(new Denied(List.of("the ccd agent may not change a Node's labels")));
  }

  @Test
  void specChangesAreDenied() {
    String message = "the ccd agent may not change a Node's spec (taints, unschedulable, ...)";
    assertThat(byAgentOnWorker0(b -> b.editSpec().withUnschedulable(true).endSpec()))
        .isEqualTo(new Denied(List.of(message)));
    assertThat(
            byAgentOnWorker0(
                b ->
                    b.editSpec()
                        .addNewTaint()
                        .withKey("k")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()))
        .isEqualTo(new Denied(List.of(message)));
  }

  @Test
  void finalizersAndOwnersAreDenied() {
    assertThat(
            byAgentOnWorker0(b -> b.editMetadata().addToFinalizers("example.com/f").endMetadata()))
        .isEqualTo(
            new Denied(
                List.of("the ccd agent may not change a Node's finalizers or owner references")));
  }

  @Test
  void severalProblemsAreAllReported() {
    Decision d =
        update(
            request(AGENT, List.of("worker-1")),
            b ->
                b.editMetadata()
                    .addToLabels("x", "y")
                    .addToAnnotations("example.com/x", "1")
                    .endMetadata());
    assertThat(((Denied) d).messages()).hasSize(3);
  }

  @Test
  void otherUsersAreNotMatched() {
    assertThat(
            update(
                request("system:node:worker-0", List.of("worker-0")),
                b -> b.editMetadata().addToLabels("x", "y").endMetadata()))
        .isEqualTo(new NotMatched("the-ccd-agent"));
    assertThat(
            update(
                request("system:serviceaccount:ccd-system:ccd-controller", null),
                b -> b.editSpec().withUnschedulable(true).endSpec()))
        .isEqualTo(new NotMatched("the-ccd-agent"));
  }

  @Test
  void thePolicyMatchesNodeUpdatesOnly() {
    var rules = policy.getSpec().getMatchConstraints().getResourceRules();
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).getResources()).containsExactly("nodes");
    assertThat(rules.get(0).getOperations()).containsExactly("UPDATE");
    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
  }
}
