package dev.ccd.kube;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of a failure with its causes. fabric8 wraps transport errors in a {@link
 * io.fabric8.kubernetes.client.KubernetesClientException} whose own message says only "An error has
 * occurred."; what an operator needs (connection refused, timed out, certificate) is in the causes.
 */
public final class FailureMessage {
  private FailureMessage() {}

  /**
   * {@code e}'s message followed by each distinct cause, e.g. {@code "An error ... (caused by:
   * ConnectException: Connection refused)"}.
   */
  public static String of(Throwable e) {
    String head = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    List<String> causes = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    seen.put(e, true);
    for (Throwable c = e.getCause(); c != null && seen.put(c, true) == null; c = c.getCause()) {
      String text =
          c.getMessage() == null
              ? c.getClass().getSimpleName()
              : c.getClass().getSimpleName() + ": " + c.getMessage();
      if (!head.contains(text) && causes.stream().noneMatch(t -> t.contains(text))) {
        causes.add(text);
      }
    }
    return causes.isEmpty() ? head : head + " (caused by: " + String.join("; ", causes) + ")";
  }
}
