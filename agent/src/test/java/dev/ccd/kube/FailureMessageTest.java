package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class FailureMessageTest {

  @Test
  void fabric8sGenericMessageGetsTheTransportCause() {
    KubernetesClientException e =
        new KubernetesClientException(
            "An error has occurred.", new IOException(new ConnectException("Connection refused")));
    assertThat(FailureMessage.of(e))
        .isEqualTo(
            "An error has occurred. (caused by: IOException: java.net.ConnectException: Connection"
                + " refused)");
  }

  @Test
  void causesWithoutMessageAreNamedByClassAndRepeatsAreDropped() {
    ConnectException refused = new ConnectException();
    Exception e = new IllegalStateException("patch failed", new IOException("boom", refused));
    assertThat(FailureMessage.of(e))
        .isEqualTo("patch failed (caused by: IOException: boom; ConnectException)");
    assertThat(
            FailureMessage.of(
                new IllegalStateException("java.io.IOException: boom", new IOException("boom"))))
        .as("a cause already in the message adds nothing")
        .isEqualTo("java.io.IOException: boom");
  }

  @Test
  void noCauseIsJustTheMessageOrTheClass() {
    assertThat(FailureMessage.of(new IOException("disk full"))).isEqualTo("disk full");
    assertThat(FailureMessage.of(new NullPointerException())).isEqualTo("NullPointerException");
  }

  @Test
  void reasonSaysRefusedTlsAndCredentialsInWords() {
    assertThat(
            FailureMessage.reason(
                new KubernetesClientException(
                    "An error has occurred.", new IOException(new ConnectException()))))
        .isEqualTo("connection refused");
    assertThat(
            FailureMessage.reason(
                new KubernetesClientException(
                    "An error has occurred.",
                    new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))))
        .isEqualTo("TLS failure: PKIX path building failed");
    assertThat(FailureMessage.reason(new KubernetesClientException("Unauthorized", 401, null)))
        .startsWith("401 Unauthorized: the server rejected the credentials");
    assertThat(
            FailureMessage.reason(
                new KubernetesClientException(
                    "nodes \"n\" is forbidden: User \"system:anonymous\" cannot patch", 403, null)))
        .isEqualTo(
            "403 Forbidden: the credentials are not allowed this call (nodes \"n\" is forbidden:"
                + " User \"system:anonymous\" cannot patch)");
    assertThat(
            FailureMessage.reason(
                new KubernetesClientException(
                    "An error has occurred.", new java.net.http.HttpConnectTimeoutException("x"))))
        .isEqualTo("no answer in time");
    assertThat(
            FailureMessage.reason(
                new io.fabric8.kubernetes.client.WatcherException("Exhausted reconnects")))
        .isEqualTo("the watch connection dropped (the server closed it or went away)");
    assertThat(FailureMessage.reason(new IOException("disk full"))).isEqualTo("disk full");
  }
}
