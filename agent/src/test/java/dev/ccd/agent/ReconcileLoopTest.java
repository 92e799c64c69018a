package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.agent.ReconcileLoop.Next;
import dev.ccd.kube.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReconcileLoopTest {
  final List<String> passes = new CopyOnWriteArrayList<>();

  @Test
  void burstsCoalesceIntoOnePassWithTheNewestState() throws InterruptedException {
    CountDownLatch firstPassRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ReconcileLoop<String> loop =
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
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)),
                Clock.systemUTC(),
                Duration.ofMillis(50))
            .start()) {
      loop.offer("v1");
      assertThat(firstPassRunning.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 2; i <= 20; i++) {
        loop.offer("v" + i);
      }
      release.countDown();

      await().atMost(Duration.ofSeconds(5)).until(() -> passes.contains("v20"));
      assertThat(passes).containsExactly("v1", "v20");
    }
  }

  @Test
  void aFailedPassIsRetriedWithGrowingBackoffUntilItSucceeds() {
    try (ReconcileLoop<String> loop =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  passes.add(s);
                  return passes.size() < 4 ? Next.RETRY : Next.IDLE;
                },
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(80)),
                Clock.systemUTC(),
                Duration.ofMillis(50))
            .start()) {
      loop.offer("v1");
      await().atMost(Duration.ofSeconds(5)).until(() -> passes.size() == 4);
      await().atMost(Duration.ofSeconds(1)).until(() -> loop.failures() == 0);
      assertThat(passes).containsOnly("v1");
    }
  }

  @Test
  void aNewOfferDuringBackoffRunsAtOnce() {
    try (ReconcileLoop<String> loop =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  passes.add(s);
                  return s.equals("bad") ? Next.RETRY : Next.IDLE;
                },
                new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(5)),
                Clock.systemUTC(),
                Duration.ofMillis(50))
            .start()) {
      loop.offer("bad");
      await().atMost(Duration.ofSeconds(5)).until(() -> loop.failures() == 1);
      loop.offer("good");
      await().atMost(Duration.ofSeconds(5)).until(() -> passes.contains("good"));
      assertThat(passes).containsExactly("bad", "good");
    }
  }

  @Test
  void stopWaitsForThePassInProgress() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    ReconcileLoop<String> loop =
        new ReconcileLoop<String>(
                "test",
                s -> {
                  running.countDown();
                  try {
                    Thread.sleep(200); // a pass that takes a while, like an update in progress
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  passes.add(s);
                  return Next.IDLE;
                },
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)),
                Clock.systemUTC(),
                Duration.ofMillis(50))
            .start();
    loop.offer("v1");
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
    assertThat(passes).containsExactly("v1");
  }

  @Test
  void heartbeatMovesWhileIdle() {
    try (ReconcileLoop<String> loop =
        new ReconcileLoop<String>(
                "test",
                s -> Next.IDLE,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)),
                Clock.systemUTC(),
                Duration.ofMillis(20))
            .start()) {
      var first = loop.lastBeat();
      await().atMost(Duration.ofSeconds(2)).until(() -> loop.lastBeat().isAfter(first));
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
