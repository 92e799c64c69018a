package dev.ccd.it.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image as CI builds and runs it: built with podman from the repository, {@code --version} and
 * {@code demo} with no network on a read-only root file system (the demo as the non-root user), and
 * {@code ccd agent} from the image against the mock API (host network, 127.0.0.1) and the systemd
 * sandbox, with the host paths bind-mounted where the DaemonSet mounts them.
 */
class ImageIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path EXAMPLE = CcdImage.REPO.resolve("examples/99-worker-generated-registries.yaml");
  static final String NODE = "worker-image";
  static final String STATE = "machineconfiguration.openshift.io/state";

  @BeforeAll
  static void build() throws Exception {
    CcdImage.build();
  }

  @Test
  void labelsCarryTheVersionAndTheArchiveMaps() throws Exception {
    CcdImage.Run labels =
        CcdImage.podman(
            List.of(
                "image",
                "inspect",
                "--format",
                "{{index .Labels \"org.opencontainers.image.version\"}} {{.Config.User}}",
                CcdImage.TAG),
            60);
    assertThat(labels.out().trim()).isEqualTo(CcdImage.version() + " 0");

    // -Xshare:on fails the start instead of ignoring an archive that does not match the runtime.
    CcdImage.Run shared =
        CcdImage.podman(
            List.of(
                "run",
                "--rm",
                "--network=none",
                "--read-only",
                "-e",
                "JDK_JAVA_OPTIONS=-Xshare:on",
                CcdImage.TAG,
                "--version"),
            120);
    assertThat(shared.rc()).as(shared.out()).isZero();
  }

  @Test
  void versionAndDemoRunWithNoNetworkOnAReadOnlyRoot() throws Exception {
    CcdImage.Run version =
        CcdImage.podman(
            List.of("run", "--rm", "--network=none", "--read-only", CcdImage.TAG, "--version"),
            120);
    assertThat(version.rc()).as(version.out()).isZero();
    assertThat(version.out()).contains("ccd " + CcdImage.version());

    CcdImage.Run demo =
        CcdImage.podman(
            List.of(
                "run",
                "--rm",
                "--network=none",
                "--read-only",
                "--user",
                "65532:65532",
                CcdImage.TAG,
                "demo"),
            300);
    assertThat(demo.rc()).as(demo.out()).isZero();
    assertThat(demo.out()).contains("Done.", "→").doesNotContain("Exception");
  }

  @Test
  void theAgentFromTheImageAppliesAConfigAndReloadsCrioToDone() throws Exception {
    Path work = Path.of("target", "image-it").toAbsolutePath();
    CcdImage.run(List.of("rm", "-rf", work.toString()), 60);
    Path root = work.resolve("root");
    for (String dir : List.of("etc/containers/registries.conf.d", "var/lib/ccd", "run/ccd")) {
      Files.createDirectories(root.resolve(dir));
    }
    String container = "ccd-image-it-" + ProcessHandle.current().pid();
    try (EmbeddedApi api = new EmbeddedApi()) {
      api.client()
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  // one node, no drain controller: the agent applies a change that calls for a
                  // drain without one, as on a single-replica control plane
                  .withAnnotations(
                      Map.of(new NodeAnnotations().controlPlaneTopologyKey(), "SingleReplica"))
                  .endMetadata()
                  .build())
          .create();
      api.client()
          .resource(
              Serialization.unmarshal(Files.readString(EXAMPLE), GenericKubernetesResource.class))
          .create();
      Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());

      // The DaemonSet's mounts: /etc/containers, /var/lib/ccd, /run/ccd and the bus under /host.
      CcdImage.Run started =
          CcdImage.podman(
              List.of(
                  "run",
                  "-d",
                  "--name",
                  container,
                  "--network=host",
                  "--read-only",
                  "-v",
                  root.resolve("etc/containers") + ":/host/etc/containers",
                  "-v",
                  root.resolve("var/lib/ccd") + ":/host/var/lib/ccd",
                  "-v",
                  root.resolve("run/ccd") + ":/host/run/ccd",
                  "-v",
                  SANDBOX.dir().resolve("run/dbus") + ":/host/run/dbus",
                  "-v",
                  kubeconfig + ":/etc/ccd/kubeconfig:ro",
                  // dbus-java reads the machine id before it connects, even to the system bus.
                  "-v",
                  "/etc/machine-id:/etc/machine-id:ro",
                  "-e",
                  "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/host/run/dbus/system_bus_socket",
                  "-e",
                  "CCD_LOG_FORMAT=text",
                  CcdImage.TAG,
                  "agent",
                  "--node",
                  NODE,
                  "--root",
                  "/host",
                  "--kubeconfig",
                  "/etc/ccd/kubeconfig",
                  "--metrics-address",
                  "127.0.0.1:0"),
              120);
      assertThat(started.rc()).as(started.out()).isZero();

      api.client()
          .nodes()
          .withName(NODE)
          .edit(
              n -> {
                n.getMetadata()
                    .getAnnotations()
                    .put(
                        "machineconfiguration.openshift.io/desiredConfig",
                        "99-worker-generated-registries");
                return n;
              });
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    "Done"
                        .equals(
                            api.client()
                                .nodes()
                                .withName(NODE)
                                .get()
                                .getMetadata()
                                .getAnnotations()
                                .get(STATE)));
      } finally {
        System.err.println("agent log:\n" + CcdImage.podman(List.of("logs", container), 60).out());
      }
      assertThat(
              root.resolve("etc/containers/registries.conf.d/99-worker-generated-registries.conf"))
          .exists();
      assertThat(Files.readString(SANDBOX.dir().resolve("crio.log"))).contains("reload ");

      CcdImage.Run stop = CcdImage.podman(List.of("stop", "-t", "30", container), 90);
      assertThat(stop.rc()).as(stop.out()).isZero();
      assertThat(CcdImage.podman(List.of("logs", container), 60).out())
          .contains("SIGTERM: finishing the update in progress");
    } finally {
      CcdImage.podman(List.of("rm", "-f", container), 60);
    }
  }
}
