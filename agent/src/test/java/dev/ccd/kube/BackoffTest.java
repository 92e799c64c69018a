package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromOneSecondToTheCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(IntStream.range(0, 8).mapToObj(b::delay).map(Duration::toSeconds))
        .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    assertThat(b.delay(10_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void defaultIsOneSecondToOneMinute() {
    assertThat(Backoff.WATCH_DEFAULT.delay(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.WATCH_DEFAULT.delay(100)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.WATCH_DEFAULT.delay(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
