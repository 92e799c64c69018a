package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.agent.RetryGate.Backlog;
import dev.ccd.agent.RetryGate.Decision;
import dev.ccd.kube.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryGateTest {
  static final Instant T = Instant.parse("2026-12-04T12:00:00Z");
  static final Intent A = new Intent("rendered-a", "", "7", false);
  static final Intent A_EDITED = new Intent("rendered-a", "", "8", false);
  static final Intent A_FORCED = new Intent("rendered-a", "2026-12-04", "7", false);
  static final Intent A_FORCE_FILE = new Intent("rendered-a", "", "7", true);
  static final Intent B = new Intent("rendered-b", "", "3", false);
  static final Backlog FAILED_ON_A = new Backlog(A, 3, T.plusSeconds(4));

  static Stream<Arguments> decisions() {
    Decision run = new Decision.RunNow();
    Decision waitForRetry = new Decision.WaitUntil(T.plusSeconds(4));
    return Stream.of(
        Arguments.of("nothing new, no failure", false, null, A, T, new Decision.Idle()),
        Arguments.of("an offer, no failure", true, null, A, T, run),
        Arguments.of("an echo during backoff", true, FAILED_ON_A, A, T, waitForRetry),
        Arguments.of("no offer during backoff", false, FAILED_ON_A, A, T, waitForRetry),
        Arguments.of("retry time reached", false, FAILED_ON_A, A, T.plusSeconds(4), run),
        Arguments.of("new desiredConfig", true, FAILED_ON_A, B, T, run),
        Arguments.of("desired MachineConfig edited", true, FAILED_ON_A, A_EDITED, T, run),
        Arguments.of("force annotation", true, FAILED_ON_A, A_FORCED, T, run),
        Arguments.of("force file", true, FAILED_ON_A, A_FORCE_FILE, T, run));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(
      String what, boolean pending, Backlog backlog, Intent current, Instant now, Decision want) {
    assertThat(RetryGate.decide(pending, Optional.ofNullable(backlog), () -> current, now))
        .as(what)
        .isEqualTo(want);
  }

  static Stream<Arguments> failures() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
    return Stream.of(
        Arguments.of("first failure", null, A, b, 1, T.plusSeconds(1)),
        Arguments.of("again on the same intent", FAILED_ON_A, A, b, 4, T.plusSeconds(8)),
        Arguments.of("on a new intent", FAILED_ON_A, B, b, 1, T.plusSeconds(1)),
        Arguments.of("capped", new Backlog(A, 20, T), A, b, 21, T.plus(Duration.ofMinutes(5))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void countsFailures(
      String what, Backlog before, Intent actedOn, Backoff b, int count, Instant retryAt) {
    Backlog after = RetryGate.failed(Optional.ofNullable(before), actedOn, b, T);
    assertThat(after.failures()).as(what).isEqualTo(count);
    assertThat(after.retryAt()).as(what).isEqualTo(retryAt);
    assertThat(after.failedOn()).isEqualTo(actedOn);
  }
}
