package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.agent.ReconcileLoop.Next;
import dev.ccd.kube.Backoff;
import dev.ccd.testing.ManualTicker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcileLoopTest {
  static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
  static final Backoff ONE_SECOND_DOUBLING =
      new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

  final List<String> passes = new CopyOnWriteArrayList<>();
  final List<Duration> passTimes = new CopyOnWriteArrayList<>();
  final ManualTicker ticker = new ManualTicker(T0);
  ReconcileLoop<String> loop;

  /** "name#n": the part before '#' is what the agent must do, the rest is an echo's noise. */
  static Intent intent(String state) {
    return new Intent(state.split("#")[0], "", "", false);
  }

  ReconcileLoop<String> onManualTime(Function<String, Next> pass) {
    loop =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  passes.add(s);
                  passTimes.add(Duration.between(T0, ticker.now()));
                  return pass.apply(s);
                },
                ReconcileLoopTest::intent,
                ONE_SECOND_DOUBLING,
                ticker,
                Duration.ofHours(1))
            .start();
    return loop;
  }

  static Next failOn(String s, String bad) {
    return s.contains(bad) ? new Next.Retry(intent(s)) : Next.IDLE;
  }

  /** Waits until the worker has weighed everything and waits on the ticker again. */
  void settled(long passCount) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> loop.passes() == passCount && ticker.waiting() == 1);
  }

  /** Moves time and waits until the worker has decided on the new time. */
  void advance(Duration d) {
    long before = ticker.waits();
    ticker.advance(d);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> ticker.waits() > before);
  }

  @AfterEach
  void stop() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void aFailingPassIsRetriedOncePerBackoffStep() {
    onManualTime(s -> new Next.Retry(intent(s)));
    loop.offer("bad");
    settled(1);

    for (int i = 0; i < 60; i++) {
      advance(Duration.ofSeconds(1));
    }

    assertThat(passTimes)
        .as("passes in 60 s with 1 s doubling")
        .containsExactly(
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(7),
            Duration.ofSeconds(15),
            Duration.ofSeconds(31));
    assertThat(loop.failures()).isEqualTo(6);
    assertThat(loop.retryAt()).contains(T0.plusSeconds(63));
  }

  @Test
  void anEchoDuringBackoffWaitsForTheRetryTime() {
    onManualTime(s -> failOn(s, "bad"));
    loop.offer("bad#1");
    settled(1);

    loop.offer("bad#2"); // our own Degraded patch coming back: same intent
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.deferrals() == 1);
    advance(Duration.ofMillis(999));
    assertThat(passes).as("nothing before the retry time").containsExactly("bad#1");

    advance(Duration.ofMillis(1));
    settled(2);
    assertThat(passes).as("the retry takes the newest state").containsExactly("bad#1", "bad#2");
  }

  @Test
  void aKickDuringBackoffWaitsForTheRetryTime() {
    onManualTime(s -> failOn(s, "bad"));
    loop.offer("bad");
    settled(1);

    loop.kick(); // drift the failed attempt and its rollback caused
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.deferrals() == 1);

    assertThat(loop.passes()).isEqualTo(1);
    assertThat(loop.retryAt()).contains(T0.plusSeconds(1));
  }

  @Test
  void theFailureCountSurvivesEchoes() {
    onManualTime(s -> failOn(s, "bad"));
    loop.offer("bad#1");
    settled(1);
    loop.offer("bad#2");
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.deferrals() == 1);
    advance(Duration.ofSeconds(1));
    settled(2);

    loop.offer("bad#3");
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.deferrals() == 2);

    assertThat(loop.failures()).isEqualTo(2);
    assertThat(loop.retryAt()).as("the second retry waits 2 s").contains(T0.plusSeconds(3));
  }

  @Test
  void aChangedIntentCutsTheBackoffShortAndStartsAFreshCount() {
    onManualTime(s -> failOn(s, "bad"));
    loop.offer("bad");
    settled(1);

    loop.offer("other-bad");
    settled(2);
    assertThat(passTimes).containsExactly(Duration.ZERO, Duration.ZERO);
    assertThat(loop.failures()).as("a new intent's count").isEqualTo(1);

    loop.offer("good");
    settled(3);
    assertThat(passes).containsExactly("bad", "other-bad", "good");
    assertThat(loop.failures()).isZero();
    assertThat(loop.retryAt()).isEmpty();
  }

  @Test
  void anUnexpectedExceptionIsRetriedWithBackoff() {
    onManualTime(
        s -> {
          throw new IllegalStateException("boom");
        });
    loop.offer("x");
    settled(1);

    assertThat(loop.failures()).isEqualTo(1);
    assertThat(loop.retryAt()).contains(T0.plusSeconds(1));
  }

  @Test
  void burstsCoalesceIntoOnePassWithTheNewestState() throws InterruptedException {
    CountDownLatch firstPassRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  passes.add(s);
                  if (s.equals("v1")) {
                    firstPassRunning.countDown();
                    awaitLatch(release);
                  }
                  return Next.IDLE;
                },
                ReconcileLoopTest::intent,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)),
                Ticker.of(Clock.systemUTC()),
                Duration.ofMillis(50))
            .start();
    loop.offer("v1");
    assertThat(firstPassRunning.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 2; i <= 20; i++) {
      loop.offer("v" + i);
    }
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> passes.contains("v20"));
    assertThat(passes).containsExactly("v1", "v20");
  }

  @Test
  void stopWaitsForThePassInProgress() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ReconcileLoop<String> own =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  running.countDown();
                  awaitLatch(release); // a pass that takes a while, like an update in progress
                  passes.add(s);
                  return Next.IDLE;
                },
                ReconcileLoopTest::intent,
                ONE_SECOND_DOUBLING,
                Ticker.of(Clock.systemUTC()),
                Duration.ofMillis(50))
            .start();
    own.offer("v1");
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(own.stop(Duration.ofMillis(50))).as("still in its pass").isFalse();
    release.countDown();
    assertThat(own.stop(Duration.ofSeconds(5))).isTrue();
    assertThat(passes).containsExactly("v1");
  }

  @Test
  void heartbeatMovesOnTheTickersTime() {
    onManualTime(s -> Next.IDLE);
    await().atMost(Duration.ofSeconds(5)).until(() -> ticker.waiting() == 1);
    Instant first = loop.lastBeat();

    advance(Duration.ofHours(1));

    assertThat(loop.lastBeat()).isEqualTo(first.plus(Duration.ofHours(1)));
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
