package dev.ccd.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Whether the cluster runs the machine-config-operator: then {@code ccd controller} must not run,
 * because two controllers would fight over the same Node annotations and pool fields.
 */
public final class OpenShiftCheck {
  static final String MCO_NAMESPACE = "openshift-machine-config-operator";
  static final String MCO_CONTROLLER = "machine-config-controller";

  private OpenShiftCheck() {}

  /** What shows the operator is there, or empty when nothing does. */
  public static Optional<String> machineConfigOperator(KubernetesClient client)
      throws KubeApiException {
    try {
      if (client.namespaces().withName(MCO_NAMESPACE).get() != null) {
        return Optional.of("namespace " + MCO_NAMESPACE + " exists");
      }
      return client
          .apps()
          .deployments()
          .inAnyNamespace()
          .withField("metadata.name", MCO_CONTROLLER)
          .list()
          .getItems()
          .stream()
          .filter(d -> MCO_CONTROLLER.equals(d.getMetadata().getName()))
          .findFirst()
          .map(
              d ->
                  "Deployment "
                      + d.getMetadata().getNamespace()
                      + "/"
                      + MCO_CONTROLLER
                      + " exists");
    } catch (KubernetesClientException e) {
      throw Fabric8NodeApi.failure(client, "look for the machine-config-operator", e);
    }
  }
}
