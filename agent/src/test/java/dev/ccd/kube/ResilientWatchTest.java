package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The relist/rewatch logic with a fake source and a scheduler the test steps by hand. */
class ResilientWatchTest {

  /** Runs scheduled tasks only when the test says so, remembering the delays asked for. */
  static final class ManualScheduler implements ResilientWatch.Scheduler {
    final Deque<Runnable> tasks = new ArrayDeque<>();
    final List<Duration> delays = new ArrayList<>();

    @Override
    public void after(Duration delay, Runnable task) {
      delays.add(delay);
      tasks.add(task);
    }

    void runNext() {
      assertThat(tasks).as("a scheduled task").isNotEmpty();
      tasks.poll().run();
    }
  }

  /** A source whose list answers and watch failures the test scripts. */
  static final class FakeSource implements ResilientWatch.Source<String> {
    static final Object ABSENT = new Object();
    final Deque<Object> listAnswers = new ArrayDeque<>();
    final List<ResilientWatch.Events<String>> watches = new ArrayList<>();
    final List<String> watchedFrom = new ArrayList<>();
    int lists;
    int closedWatches;

    @Override
    public ResilientWatch.Listed<String> list() throws Exception {
      lists++;
      Object next = listAnswers.poll();
      if (next instanceof Exception e) {
        throw e;
      }
      Optional<String> object = next == ABSENT ? Optional.empty() : Optional.of((String) next);
      return new ResilientWatch.Listed<>(object, "rv" + lists);
    }

    @Override
    public AutoCloseable watch(String resourceVersion, ResilientWatch.Events<String> events) {
      watchedFrom.add(resourceVersion);
      watches.add(events);
      return () -> closedWatches++;
    }
  }

  static final class RecordingSink implements ResilientWatch.Sink<String> {
    final List<String> seen = new ArrayList<>();

    @Override
    public void current(Optional<String> object) {
      seen.add(object.orElse("<absent>"));
    }

    @Override
    public void lost(Exception cause) {
      seen.add("lost: " + cause.getMessage());
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakeSource source = new FakeSource();
  private final RecordingSink sink = new RecordingSink();
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4));

  private final ApiOutage outage =
      new ApiOutage(
          new ApiEndpoint("https://127.0.0.1:6443", "--kubeconfig /k"),
          java.time.Clock.systemUTC());

  private ResilientWatch<String> start() {
    return ResilientWatch.start("test", source, sink, backoff, scheduler, outage);
  }

  @Test
  void listsThenWatchesFromTheListedVersion() {
    source.listAnswers.add("v1");
    start();
    scheduler.runNext();
    assertThat(sink.seen).containsExactly("v1");
    assertThat(source.watchedFrom).containsExactly("rv1");
    source.watches.get(0).changed("v2");
    assertThat(sink.seen).containsExactly("v1", "v2");
    assertThat(scheduler.delays).containsExactly(Duration.ZERO);
  }

  @Test
  void watchErrorRelistsAfterBackoffAndDropsLateEventsOfTheDeadWatch() {
    source.listAnswers.add("v1");
    source.listAnswers.add("v3");
    start();
    scheduler.runNext();
    ResilientWatch.Events<String> first = source.watches.get(0);

    first.failed(new Exception("410 Gone"));
    assertThat(source.closedWatches).as("the failed watch is closed").isEqualTo(1);
    first.changed("stale"); // a late event of the dead watch must not reach the sink
    first.failed(new Exception("second report of the same failure"));
    assertThat(scheduler.delays).containsExactly(Duration.ZERO, Duration.ofSeconds(1));

    scheduler.runNext();
    assertThat(source.lists).isEqualTo(2);
    assertThat(sink.seen).containsExactly("v1", "lost: 410 Gone", "v3");
    assertThat(source.watchedFrom).containsExactly("rv1", "rv2");
  }

  @Test
  void consecutiveFailuresDoubleTheDelayToTheCapAndSuccessResetsIt() {
    for (int i = 0; i < 4; i++) {
      source.listAnswers.add(new Exception("connection refused " + i));
    }
    source.listAnswers.add("v1");
    source.listAnswers.add("v2");
    start();
    for (int i = 0; i < 5; i++) {
      scheduler.runNext();
    }
    assertThat(scheduler.delays)
        .containsExactly(
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4));
    assertThat(sink.seen).last().isEqualTo("v1");

    source.watches.get(0).failed(new Exception("reset"));
    assertThat(scheduler.delays)
        .last()
        .as("backoff restarts after a good connect")
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aDeadServerOpensOneOutageEpisodeThatTheNextGoodListCloses() {
    source.listAnswers.add(new java.io.IOException(new java.net.ConnectException()));
    source.listAnswers.add(new java.io.IOException(new java.net.ConnectException()));
    source.listAnswers.add("v1");
    start();
    scheduler.runNext();
    assertThat(outage.down()).as("a refused connection opens an episode").isTrue();
    scheduler.runNext();
    assertThat(outage.failed("another call", new java.net.ConnectException()))
        .as("still the same episode: nothing more to say")
        .isEmpty();
    scheduler.runNext();
    assertThat(sink.seen)
        .containsExactly(
            "lost: java.net.ConnectException", "lost: java.net.ConnectException", "v1");
    assertThat(outage.down()).as("the good list ended the episode").isFalse();
  }

  @Test
  void anAnswerAboutTheObjectIsNoOutage() {
    source.listAnswers.add("v1");
    start();
    scheduler.runNext();
    source.watches.get(0).failed(new KubeApiException(410, "410 Gone"));
    assertThat(outage.down()).isFalse();
  }

  @Test
  void absentObjectIsReported() {
    source.listAnswers.add(FakeSource.ABSENT);
    start();
    scheduler.runNext();
    assertThat(sink.seen).containsExactly("<absent>");
  }

  @Test
  void closeStopsEventsAndReconnects() {
    source.listAnswers.add("v1");
    ResilientWatch<String> w = start();
    scheduler.runNext();
    w.close();
    assertThat(source.closedWatches).isEqualTo(1);
    source.watches.get(0).changed("after close");
    source.watches.get(0).failed(new Exception("after close"));
    assertThat(sink.seen).containsExactly("v1");
    assertThat(scheduler.tasks).as("no reconnect scheduled").isEmpty();
  }

  @Test
  void closeBeforeTheFirstConnectMeansNoList() {
    ResilientWatch<String> w = start();
    w.close();
    scheduler.runNext();
    assertThat(source.lists).isZero();
  }
}
