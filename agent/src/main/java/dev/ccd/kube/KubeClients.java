package dev.ccd.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Builds the fabric8 client (JDK HTTP client) the adapters of this package share. */
public final class KubeClients {
  private static final String USER_AGENT = "ccd";

  private KubeClients() {}

  /**
   * A client configured from {@code kubeconfig} when given, else fabric8's usual search: the {@code
   * KUBECONFIG} variable, {@code ~/.kube/config}, then the in-cluster service account.
   *
   * @throws IllegalArgumentException when the given kubeconfig file does not exist
   */
  public static KubernetesClient create(Optional<Path> kubeconfig) {
    Config config;
    if (kubeconfig.isPresent()) {
      Path file = kubeconfig.get();
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--kubeconfig " + file + ": no such file");
      }
      config = Config.fromKubeconfig(file.toFile());
    } else {
      config = Config.autoConfigure(null);
    }
    return build(config);
  }

  /** A client for an API server at {@code url} with no credentials (the demo's mock server). */
  public static KubernetesClient forUrl(String url) {
    return build(new ConfigBuilder(Config.empty()).withMasterUrl(url).withTrustCerts(true).build());
  }

  /**
   * A client like {@code client} whose requests fabric8 never repeats. fabric8 retries a request
   * answered 429 or 5xx up to {@code requestRetryBackoffLimit} times; for an eviction a 429 is the
   * answer (a PodDisruptionBudget forbids it), and the caller keeps its own cadence.
   */
  public static KubernetesClient withoutRetries(KubernetesClient client) {
    return build(
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build());
  }

  private static KubernetesClient build(Config config) {
    config.setUserAgent(USER_AGENT);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }
}
