package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KubeconfigSourceTest {
  static final Optional<Path> HOME = Optional.of(Path.of("/home/u"));
  static final Path USER_CONFIG = Path.of("/home/u/.kube/config");
  static final Map<String, String> IN_CLUSTER = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1");

  static KubeconfigSource resolve(Optional<Path> flag, Map<String, String> env, Set<Path> files)
      throws KubeconfigSource.Missing {
    return KubeconfigSource.resolve(flag, env, HOME, files::contains);
  }

  @Test
  void theFlagComesFirstAndMustExist() throws Exception {
    Path f = Path.of("/etc/k");
    assertThat(resolve(Optional.of(f), Map.of("KUBECONFIG", "/x"), Set.of(f, Path.of("/x"))))
        .isEqualTo(new KubeconfigSource("--kubeconfig /etc/k", Optional.of(f)));
    assertThatThrownBy(() -> resolve(Optional.of(f), Map.of(), Set.of(USER_CONFIG)))
        .hasMessage("--kubeconfig /etc/k: no such file");
  }

  @Test
  void kubeconfigNamingAMissingFileIsAnErrorNamingThePathNotAFallThrough() {
    assertThatThrownBy(
            () ->
                resolve(
                    Optional.empty(),
                    Map.of("KUBECONFIG", "/nonexistent", "KUBERNETES_SERVICE_HOST", "h"),
                    Set.of(USER_CONFIG, KubeconfigSource.SERVICE_ACCOUNT_TOKEN)))
        .hasMessage("KUBECONFIG=/nonexistent: no such file /nonexistent");
  }

  @Test
  void thenKubeconfigThenTheUserFileThenTheServiceAccount() throws Exception {
    Path k = Path.of("/k/config");
    assertThat(resolve(Optional.empty(), Map.of("KUBECONFIG", "/k/config"), Set.of(k)))
        .isEqualTo(new KubeconfigSource("KUBECONFIG=/k/config", Optional.of(k)));
    assertThat(
            resolve(
                Optional.empty(),
                IN_CLUSTER,
                Set.of(USER_CONFIG, KubeconfigSource.SERVICE_ACCOUNT_TOKEN)))
        .isEqualTo(new KubeconfigSource(USER_CONFIG.toString(), Optional.of(USER_CONFIG)));
    KubeconfigSource pod =
        resolve(Optional.empty(), IN_CLUSTER, Set.of(KubeconfigSource.SERVICE_ACCOUNT_TOKEN));
    assertThat(pod.description()).isEqualTo("in-cluster service account");
    assertThat(pod.inCluster()).isTrue();
  }

  @Test
  void nothingAtAllSaysWhatWasLookedFor() {
    assertThatThrownBy(() -> resolve(Optional.empty(), Map.of(), Set.of()))
        .hasMessage(
            "no kubeconfig: no --kubeconfig, KUBECONFIG unset, no /home/u/.kube/config, and not"
                + " in a cluster (KUBERNETES_SERVICE_HOST unset)");
    assertThatThrownBy(() -> resolve(Optional.empty(), IN_CLUSTER, Set.of()))
        .hasMessageEndingWith(
            "not in a cluster (no /var/run/secrets/kubernetes.io/serviceaccount/token)");
  }

  @Test
  void anUnreachableServerIsSaidInWordsQuickly() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThat(
            KubeClients.unreachable("https://127.0.0.1:" + closed, java.time.Duration.ofSeconds(2)))
        .contains("connection refused");
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(
              KubeClients.unreachable(
                  "https://127.0.0.1:" + s.getLocalPort(), java.time.Duration.ofSeconds(2)))
          .isEmpty();
    }
  }
}
