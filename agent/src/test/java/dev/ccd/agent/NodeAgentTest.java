package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.Backoff;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAgentTest {

  static NodeAgent.Settings settings(Duration heartbeat, Duration jobTimeout) {
    return new NodeAgent.Settings(
        "n",
        new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)),
        heartbeat,
        Duration.ofMinutes(10),
        Duration.ofSeconds(25),
        jobTimeout,
        Optional.empty());
  }

  static Stream<Arguments> timeouts() {
    return Stream.of(
        Arguments.of(Duration.ofSeconds(10), Duration.ofSeconds(90)),
        Arguments.of(Duration.ofSeconds(10), Duration.ofMinutes(5)),
        Arguments.of(Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  @ParameterizedTest(name = "heartbeat {0}, job timeout {1}")
  @MethodSource("timeouts")
  void aFailingPassWithTwoFullCrioJobsIsStillAlive(Duration heartbeat, Duration jobTimeout) {
    // The attempt's job and the rollback's job may each run to the timeout.
    Duration worstPass = jobTimeout.multipliedBy(2).plusSeconds(30);

    assertThat(NodeAgent.livenessLimit(settings(heartbeat, jobTimeout)))
        .isGreaterThan(worstPass)
        .isGreaterThanOrEqualTo(heartbeat.multipliedBy(6));
  }
}
