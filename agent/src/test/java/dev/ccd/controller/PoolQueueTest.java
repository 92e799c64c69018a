package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PoolQueueTest {
  @Test
  void aBurstForOnePoolIsOnePass() throws Exception {
    List<String> passes = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    try (PoolQueue queue =
        new PoolQueue(
            "test",
            key -> {
              passes.add(key);
              done.countDown();
            },
            Duration.ofMillis(200),
            Duration.ofSeconds(1))) {
      for (int i = 0; i < 100; i++) {
        queue.add("worker");
        queue.add("infra");
      }
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(300);
    }
    assertThat(passes).containsExactly("worker", "infra");
  }

  @Test
  void aKeyAddedDuringItsPassRunsOnceMore() throws Exception {
    List<String> passes = new CopyOnWriteArrayList<>();
    CountDownLatch second = new CountDownLatch(2);
    PoolQueue[] self = new PoolQueue[1];
    try (PoolQueue queue =
        new PoolQueue(
            "test",
            key -> {
              passes.add(key);
              if (passes.size() == 1) {
                self[0].add(key);
              }
              second.countDown();
            },
            Duration.ZERO,
            Duration.ofSeconds(1))) {
      self[0] = queue;
      queue.add("worker");
      assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(passes).containsExactly("worker", "worker");
  }

  @Test
  void aFailedPassIsRetried() throws Exception {
    List<String> passes = new CopyOnWriteArrayList<>();
    CountDownLatch retried = new CountDownLatch(2);
    try (PoolQueue queue =
        new PoolQueue(
            "test",
            key -> {
              passes.add(key);
              retried.countDown();
              if (passes.size() == 1) {
                throw new IllegalStateException("API down");
              }
            },
            Duration.ZERO,
            Duration.ofMillis(50))) {
      queue.add("worker");
      assertThat(retried.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(passes).containsExactly("worker", "worker");
  }
}
