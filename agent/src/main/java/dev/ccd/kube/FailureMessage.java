package dev.ccd.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The text of a failure with its causes. fabric8 wraps transport errors in a {@link
 * io.fabric8.kubernetes.client.KubernetesClientException} whose own message says only "An error has
 * occurred."; what an operator needs (connection refused, timed out, certificate) is in the causes.
 */
public final class FailureMessage {
  private static final String EXHAUSTED = "Exhausted reconnects";

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

  /**
   * The HTTP status of a failed API call: the first status found along the causes ({@link
   * KubernetesClientException}, {@link KubeApiException}), 0 when the call got no answer.
   */
  public static int code(Throwable e) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = e; c != null && seen.put(c, true) == null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return k.getCode();
      }
      if (c instanceof KubeApiException k && k.code() > 0) {
        return k.code();
      }
    }
    return 0;
  }

  /**
   * Why an API call failed, in the words an operator acts on: {@code connection refused}, {@code
   * TLS failure: ...}, {@code 401 Unauthorized: the credentials were rejected}, {@code 403
   * Forbidden: ...}; anything else is {@link #of}.
   */
  public static String reason(Throwable e) {
    int code = code(e);
    if (code == 401) {
      return "401 Unauthorized: the server rejected the credentials (token or client certificate)";
    }
    if (code == 403) {
      return "403 Forbidden: the credentials are not allowed this call (" + of(e) + ")";
    }
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = e; c != null && seen.put(c, true) == null; c = c.getCause()) {
      if (c instanceof WatcherException && EXHAUSTED.equals(c.getMessage())) {
        // fabric8's words when it hands back a dropped watch (reconnect limit 0, KubeClients)
        return "the watch connection dropped (the server closed it or went away)";
      }
      if (c instanceof ConnectException) {
        String m = c.getMessage() == null ? "" : c.getMessage();
        return m.contains("timed out")
            ? "no answer in time (connect timed out)"
            : "connection refused";
      }
      if (c instanceof SSLException || c instanceof CertificateException) {
        return "TLS failure: "
            + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
      }
      if (c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
        return "no answer in time";
      }
      if (c instanceof UnknownHostException) {
        return "unknown host " + c.getMessage();
      }
    }
    return of(e);
  }
}
