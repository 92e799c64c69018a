package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The once-per-episode wording of API failures, on a clock the test moves. */
class ApiOutageTest {
  static final ApiEndpoint SERVER =
      new ApiEndpoint("https://127.0.0.1:6443", "KUBECONFIG=/etc/ccd/kubeconfig");

  /** A clock that stands still until the test moves it. */
  static final class SteppedClock extends Clock {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final SteppedClock clock = new SteppedClock();
  final ApiOutage outage = new ApiOutage(SERVER, clock);

  static KubernetesClientException refused() {
    return new KubernetesClientException(
        "An error has occurred.", new IOException(new ConnectException()));
  }

  @Test
  void theFirstFailureNamesServerSourceAndCauseTheRestAreQuietUntilItAnswers() {
    assertThat(outage.answered()).as("no episode, nothing to say").isEmpty();

    assertThat(outage.failed("watch of node worker-a", refused()))
        .contains(
            "watch of node worker-a failed: API server https://127.0.0.1:6443 (from"
                + " KUBECONFIG=/etc/ccd/kubeconfig): connection refused; retrying (further"
                + " failures are logged at debug level until it answers)");
    clock.now = clock.now.plusSeconds(3);
    assertThat(outage.failed("patch annotations of node worker-a", refused())).isEmpty();
    assertThat(outage.failed("record event", refused())).isEmpty();

    clock.now = clock.now.plus(Duration.ofMillis(9_400));
    assertThat(outage.answered())
        .contains(
            "API server https://127.0.0.1:6443 (from KUBECONFIG=/etc/ccd/kubeconfig) reconnected"
                + " after 12.4 s (3 failed calls meanwhile)");
    assertThat(outage.answered()).as("said once").isEmpty();

    assertThat(outage.failed("watch of node worker-a", refused()))
        .as("a new outage is a new episode")
        .isPresent();
    clock.now = clock.now.plusSeconds(2);
    assertThat(outage.answered()).get().asString().endsWith("after 2 s (1 failed call meanwhile)");
  }

  @Test
  void deniedAndUnauthorisedAreOutagesAnswersAboutAnObjectAreNot() {
    assertThat(ApiOutage.isOutage(refused())).isTrue();
    assertThat(ApiOutage.isOutage(new KubernetesClientException("Unauthorized", 401, null)))
        .isTrue();
    assertThat(ApiOutage.isOutage(new KubernetesClientException("Forbidden", 403, null))).isTrue();
    assertThat(ApiOutage.isOutage(new KubernetesClientException("boom", 503, null))).isTrue();
    assertThat(ApiOutage.isOutage(new KubeApiException(404, "node n not found"))).isFalse();
    assertThat(ApiOutage.isOutage(new KubeApiException(410, "Gone"))).isFalse();
    assertThat(ApiOutage.isOutage(new KubernetesClientException("Conflict", 409, null))).isFalse();
  }

  @Test
  void anEndpointFromAClientConfigurationNamesTheFileOrTheServiceAccount() {
    var inCluster =
        new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
            .withMasterUrl("https://10.96.0.1:443/")
            .build();
    assertThat(ApiEndpoint.of(inCluster))
        .hasToString(
            "API server https://10.96.0.1:443 (from no kubeconfig file: the in-cluster service"
                + " account or a URL given directly)");
  }
}
