package dev.ccd.cli;

import dev.ccd.kube.KubeClients;
import dev.ccd.kube.KubeconfigSource;
import dev.ccd.registries.SafeText;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The API server a command talks to and where it came from ({@code --kubeconfig}, {@code
 * KUBECONFIG}, {@code ~/.kube/config}, in-cluster): resolved once, the same way for {@code agent},
 * {@code controller} and {@code status}, so a wrong kubeconfig fails fast and by name.
 */
record ApiServer(Config config, KubeconfigSource source) {

  /** A kubeconfig that cannot be used; the message says which and why, in words. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }

  static ApiServer resolve(Optional<Path> kubeconfig) throws Unusable {
    KubeconfigSource source;
    try {
      source =
          KubeconfigSource.resolve(
              kubeconfig,
              System.getenv(),
              Optional.ofNullable(System.getProperty("user.home")).map(Path::of),
              Files::isRegularFile);
    } catch (KubeconfigSource.Missing e) {
      throw new Unusable(SafeText.escape(e.getMessage()));
    }
    try {
      return new ApiServer(KubeClients.config(source), source);
    } catch (RuntimeException e) {
      throw new Unusable(
          SafeText.escape(
              "kubeconfig "
                  + source.file().map(Path::toString).orElse(source.description())
                  + ": unreadable: "
                  + FailureText.of(e)));
    }
  }

  String url() {
    return config.getMasterUrl();
  }

  /** For logs and errors: {@code https://host:6443 (from KUBECONFIG=/path)}. */
  String describe() {
    return url() + " (from " + source.description() + ")";
  }
}
