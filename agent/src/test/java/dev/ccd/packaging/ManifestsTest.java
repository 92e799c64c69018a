package dev.ccd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.cli.Main;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests in packaging/base say what the agent needs, and no more. */
class ManifestsTest {
  static final Path BASE = Path.of("../packaging/base");

  static List<HasMetadata> objects(String file) throws IOException {
    Object parsed = new KubernetesSerialization().unmarshal(Files.readString(BASE.resolve(file)));
    if (parsed instanceof List<?> list) {
      return list.stream().map(HasMetadata.class::cast).toList();
    }
    return List.of((HasMetadata) parsed);
  }

  @Test
  void theDaemonSetRunsTheAgentOnTheHostRootWithItsOwnIdentityAndProbes() throws IOException {
    DaemonSet ds = (DaemonSet) objects("daemonset.yaml").get(0);
    var pod = ds.getSpec().getTemplate().getSpec();
    Container agent = pod.getContainers().get(0);

    assertThat(pod.getServiceAccountName()).isEqualTo("ccd-agent");
    assertThat(pod.getTolerations()).anyMatch(t -> "Exists".equals(t.getOperator()));
    assertThat(agent.getArgs()).contains("agent", "--root=/host");
    assertThat(agent.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("NODE_NAME")
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("spec.nodeName"));
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(agent.getVolumeMounts())
        .as("only what the agent writes or talks to, never the host's whole root")
        .extracting(m -> m.getMountPath())
        .containsExactlyInAnyOrder(
            "/host/etc/containers",
            "/host/var/lib/ccd",
            "/host/run/ccd",
            "/host/run/dbus/system_bus_socket",
            "/etc/machine-id",
            "/tmp");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getHostPath() != null)
        .extracting(v -> v.getHostPath().getPath())
        .containsExactlyInAnyOrder(
            "/etc/containers",
            "/var/lib/ccd",
            "/run/ccd",
            "/run/dbus/system_bus_socket",
            "/etc/machine-id");
    assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getTerminationGracePeriodSeconds())
        .as("longer than --shutdown-grace, so an update can finish or roll back")
        .isGreaterThan(45);
  }

  @Test
  void theAgentsRoleIsLeastPrivilege() throws IOException {
    ClusterRole role =
        objects("rbac-agent.yaml").stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();
    Set<String> grants =
        role.getRules().stream()
            .flatMap(
                (PolicyRule r) ->
                    r.getResources().stream()
                        .flatMap(res -> r.getVerbs().stream().map(v -> res + ":" + v)))
            .collect(Collectors.toSet());

    assertThat(grants)
        .containsExactlyInAnyOrder(
            "nodes:get",
            "nodes:list",
            "nodes:watch",
            "nodes:patch",
            "machineconfigs:get",
            "machineconfigs:list",
            "machineconfigs:watch",
            "events:create",
            "events:patch",
            "events:get");
  }

  @Test
  void theDaemonSetArgumentsAreOptionsTheAgentKnows() throws IOException {
    DaemonSet ds = (DaemonSet) objects("daemonset.yaml").get(0);
    List<String> args = ds.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(new StringWriter(), true));

    var parsed = cli.parseArgs(args.toArray(String[]::new));

    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("agent");
    assertThat(parsed.subcommand().unmatched()).isEmpty();
  }

  @Test
  void theControllerRunsTwoNonRootReplicasWithItsNamespaceFromTheDownwardApi() throws IOException {
    var deployment =
        (io.fabric8.kubernetes.api.model.apps.Deployment) objects("controller.yaml").get(0);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container controller = pod.getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getServiceAccountName()).isEqualTo("ccd-controller");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(controller.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(controller.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(controller.getArgs())
        .containsExactly(
            "controller",
            "--namespace=$(POD_NAMESPACE)",
            "--identity=$(POD_NAME)",
            "--metrics-address=:8798");
    assertThat(controller.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("POD_NAMESPACE")
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.namespace"));
    assertThat(controller.getPorts().get(0).getContainerPort()).isEqualTo(8798);
    assertThat(controller.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(controller.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
  }
}
