package dev.ccd.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Builds the fabric8 client (JDK HTTP client) the adapters of this package share. */
public final class KubeClients {
  private static final String USER_AGENT = "ccd";

  private KubeClients() {}

  /**
   * The client configuration from {@code source}: that kubeconfig file, or fabric8's own search
   * (which finds the same {@code KUBECONFIG} file or the in-cluster service account).
   */
  public static Config config(KubeconfigSource source) {
    return source.file().isPresent()
        ? Config.fromKubeconfig(source.file().get().toFile())
        : Config.autoConfigure(null);
  }

  /** A client for {@code config} (from {@link #config}). */
  public static KubernetesClient create(Config config) {
    return build(config);
  }

  /**
   * Whether a TCP connection to the API server of {@code url} opens within {@code timeout}: a fast
   * first word on an unreachable server, before fabric8's retries take their time.
   *
   * @return empty when it opens, else the cause in words
   */
  public static Optional<String> unreachable(String url, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Optional.of("not a URL");
    }
    if (uri.getHost() == null) {
      return Optional.of("no host in the URL");
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
      return Optional.empty();
    } catch (IOException e) {
      String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
      return Optional.of(
          m.contains("refused")
              ? "connection refused"
              : m.contains("timed out")
                  ? "no answer within " + timeout.toMillis() + " ms"
                  : e instanceof java.net.UnknownHostException
                      ? "unknown host " + uri.getHost()
                      : "cannot connect (" + e.getMessage() + ")");
    }
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
    // A watch whose connection drops is handed back at once: ResilientWatch re-lists it and says
    // so once per outage, naming the server (ApiOutage). fabric8's own reconnects (unlimited by
    // default) would retry a dead server in silence. Informers reconnect regardless of this limit.
    config.setWatchReconnectLimit(0);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }
}
