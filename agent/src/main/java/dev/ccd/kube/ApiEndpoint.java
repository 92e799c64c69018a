package dev.ccd.kube;

import io.fabric8.kubernetes.client.Config;
import java.io.File;

/**
 * An API server and where its address came from, as an operator checks it: {@code
 * https://10.0.0.1:6443 (from kubeconfig /root/.kube/config)}. Every line about a failed API call
 * names it, so a wrong or dead server is found without reading the kubeconfig.
 */
public record ApiEndpoint(String url, String source) {

  /**
   * The endpoint of a client configuration: the file fabric8 read the server from; with none, the
   * in-cluster service account (or a URL a command was given, as the demo's).
   */
  public static ApiEndpoint of(Config config) {
    File file = config.getFile();
    return new ApiEndpoint(
        trimSlash(config.getMasterUrl()),
        file == null
            ? "no kubeconfig file: the in-cluster service account or a URL given directly"
            : "kubeconfig " + file);
  }

  private static String trimSlash(String url) {
    if (url == null) {
      return "(no server)";
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "API server " + url + " (from " + source + ")";
  }
}
