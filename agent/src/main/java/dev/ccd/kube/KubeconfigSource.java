package dev.ccd.kube;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the agent's API server and credentials come from, said so a person can check it: {@code
 * --kubeconfig FILE}, {@code KUBECONFIG=FILE}, {@code ~/.kube/config} or the in-cluster service
 * account, in the order fabric8 prefers them (a kubeconfig file wins over the service account).
 * {@link #resolve} is pure: the environment and the file test are given.
 */
public record KubeconfigSource(String description, Optional<Path> file) {

  /** The service account token of a Pod: present when running in a cluster. */
  public static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** A source that cannot be used, in words naming the path or what is missing. */
  public static final class Missing extends Exception {
    private static final long serialVersionUID = 1L;

    Missing(String message) {
      super(message);
    }
  }

  /** The in-cluster service account, with no file. */
  public boolean inCluster() {
    return file.isEmpty();
  }

  /**
   * The first source that is set: a named file must exist (an explicit {@code --kubeconfig} or
   * {@code KUBECONFIG} naming a missing file is an error, not a fall-through).
   *
   * @throws Missing when a named file does not exist, or no source is there at all
   */
  public static KubeconfigSource resolve(
      Optional<Path> flag, Map<String, String> env, Optional<Path> home, Predicate<Path> exists)
      throws Missing {
    if (flag.isPresent()) {
      Path f = flag.get();
      if (!exists.test(f)) {
        throw new Missing("--kubeconfig " + f + ": no such file");
      }
      return new KubeconfigSource("--kubeconfig " + f, Optional.of(f));
    }
    String variable = env.getOrDefault("KUBECONFIG", "");
    if (!variable.isEmpty()) {
      // Several files joined by ':' are merged by fabric8; the first names the server.
      for (String part : variable.split(":")) {
        if (!part.isEmpty() && !exists.test(Path.of(part))) {
          throw new Missing("KUBECONFIG=" + variable + ": no such file " + part);
        }
      }
      return new KubeconfigSource(
          "KUBECONFIG=" + variable, Optional.of(Path.of(variable.split(":")[0])));
    }
    Optional<Path> userConfig = home.map(h -> h.resolve(".kube/config")).filter(exists);
    if (userConfig.isPresent()) {
      return new KubeconfigSource(userConfig.get().toString(), userConfig);
    }
    String host = env.getOrDefault("KUBERNETES_SERVICE_HOST", "");
    if (!host.isEmpty() && exists.test(SERVICE_ACCOUNT_TOKEN)) {
      return new KubeconfigSource("in-cluster service account", Optional.empty());
    }
    throw new Missing(
        "no kubeconfig: no --kubeconfig, KUBECONFIG unset, no "
            + home.map(h -> h.resolve(".kube/config").toString()).orElse("~/.kube/config")
            + ", and not in a cluster ("
            + (host.isEmpty() ? "KUBERNETES_SERVICE_HOST unset" : "no " + SERVICE_ACCOUNT_TOKEN)
            + ")");
  }
}
