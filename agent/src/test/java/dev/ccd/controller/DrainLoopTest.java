package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.kube.BlockedEviction;
import dev.ccd.kube.DrainApi;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodePod;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.observe.ControllerMetrics;
import dev.ccd.testing.FakeEventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The drain loop over a fake cluster: the order of its writes, its retries and its give-up. */
class DrainLoopTest {
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final String NODE = "n1";
  static final Duration DEADLINE = Duration.ofSeconds(10);

  /** Real time plus a jump a test makes by hand (the loop's timers run on real time). */
  static final class MovableClock extends Clock {
    private volatile Duration jump = Duration.ZERO;

    void advance(Duration d) {
      jump = jump.plus(d);
    }

    @Override
    public Instant instant() {
      return Clock.systemUTC().instant().plus(jump);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** One Node, its pods, and a budget that refuses evictions while {@code refuse} is set. */
  static final class FakeDrainApi implements DrainApi {
    final Map<String, String> annotations = new HashMap<>();
    boolean cordoned;
    final List<NodePod> pods = new ArrayList<>();
    volatile boolean refuse;
    final List<String> calls = new CopyOnWriteArrayList<>();
    Consumer<NodeView> listener;

    synchronized NodeView view() {
      return new NodeView(NODE, annotations, cordoned, "1");
    }

    synchronized void annotate(String key, String value) {
      annotations.put(key, value);
    }

    void changed() {
      listener.accept(view());
    }

    @Override
    public Watch watchNodes(Consumer<NodeView> l) {
      listener = l;
      l.accept(view());
      return () -> {};
    }

    @Override
    public NodeView node(String node) {
      return view();
    }

    @Override
    public synchronized List<NodePod> podsOn(String node) {
      return List.copyOf(pods);
    }

    @Override
    public void cordon(String node, boolean c) {
      synchronized (this) {
        cordoned = c;
      }
      calls.add(c ? "cordon" : "uncordon");
      changed();
    }

    @Override
    public Optional<BlockedEviction> evict(String namespace, String pod) {
      calls.add("evict " + namespace + "/" + pod);
      if (refuse) {
        return Optional.of(
            new BlockedEviction(namespace + "/" + pod, List.of(namespace + "/pdb"), "no"));
      }
      synchronized (this) {
        pods.removeIf(p -> p.name().equals(pod));
      }
      return Optional.empty();
    }

    @Override
    public NodeView patchAnnotations(String node, Map<String, String> set) throws KubeApiException {
      synchronized (this) {
        annotations.putAll(set);
      }
      calls.add("patch " + new java.util.TreeMap<>(set));
      changed();
      return view();
    }
  }

  final FakeDrainApi api = new FakeDrainApi();
  final FakeEventSink events = new FakeEventSink();
  final MovableClock clock = new MovableClock();
  final ControllerMetrics metrics = new ControllerMetrics();
  final DrainLoop loop =
      new DrainLoop(
          api,
          events,
          KEYS,
          clock,
          new DrainSettings(Duration.ofHours(1), Duration.ofMillis(50), Duration.ofMillis(100)),
          metrics);

  /** The samples of the controller's metrics whose line starts with {@code prefix}. */
  List<String> samples(String prefix) {
    return metrics.scrape().lines().filter(l -> l.startsWith(prefix)).toList();
  }

  @AfterEach
  void close() {
    loop.close();
  }

  static NodePod pod(String name, String ownerKind) {
    return new NodePod("ns", name, List.of(ownerKind), false, "Running", false);
  }

  @Test
  void cordonsEvictsOnlyWhatMovesThenAnswersAndLaterUncordons() {
    api.pods.add(pod("web", "ReplicaSet"));
    api.pods.add(pod("logs", "DaemonSet"));
    api.annotate(KEYS.desiredDrainKey(), "drain-B");

    loop.start();

    await()
        .atMost(DEADLINE)
        .until(() -> "drain-B".equals(api.view().annotation(KEYS.lastAppliedDrainKey())));
    assertThat(api.calls)
        .containsExactly(
            "cordon", "evict ns/web", "patch {" + KEYS.lastAppliedDrainKey() + "=drain-B}");
    assertThat(api.view().unschedulable()).isTrue();
    assertThat(events.reasons()).containsExactly("Cordon", "Drained");

    api.annotate(KEYS.desiredDrainKey(), "uncordon-B");
    api.changed();

    await()
        .atMost(DEADLINE)
        .until(() -> "uncordon-B".equals(api.view().annotation(KEYS.lastAppliedDrainKey())));
    assertThat(api.view().unschedulable()).isFalse();
    assertThat(events.reasons()).containsExactly("Cordon", "Drained", "Uncordon");
  }

  @Test
  void aDrainIsCountedUnderThePoolOfItsRenderedConfigWithItsDuration() {
    String config = "rendered-infra-a-0123456789abcdef0123456789abcdef";
    api.pods.add(pod("web", "ReplicaSet"));
    api.annotate(KEYS.desiredDrainKey(), "drain-" + config);

    loop.start();

    await()
        .atMost(DEADLINE)
        .until(() -> ("drain-" + config).equals(api.view().annotation(KEYS.lastAppliedDrainKey())));
    assertThat(samples("ccd_drains"))
        .containsExactlyInAnyOrder(
            "ccd_drains_started_total{pool=\"infra-a\"} 1.0",
            "ccd_drains_total{pool=\"infra-a\",result=\"succeeded\"} 1.0");
    assertThat(samples("ccd_drain_duration_seconds_count"))
        .containsExactly(
            "ccd_drain_duration_seconds_count{pool=\"infra-a\",result=\"succeeded\"} 1");
    assertThat(samples("ccd_drain_evictions_blocked")).isEmpty();

    api.annotate(KEYS.desiredDrainKey(), "uncordon-" + config);
    api.changed();
    await()
        .atMost(DEADLINE)
        .until(
            () -> ("uncordon-" + config).equals(api.view().annotation(KEYS.lastAppliedDrainKey())));
    assertThat(samples("ccd_drains_started_total"))
        .as("an uncordon is not a drain")
        .containsExactly("ccd_drains_started_total{pool=\"infra-a\"} 1.0");
  }

  @Test
  void aRefusedEvictionIsReportedRetriedAndAfterTheTimeoutGivenUp() {
    api.pods.add(pod("web", "ReplicaSet"));
    api.refuse = true;
    api.annotate(KEYS.desiredDrainKey(), "drain-B");

    loop.start();

    await()
        .atMost(DEADLINE)
        .until(() -> api.calls.stream().filter("evict ns/web"::equals).count() >= 3);
    assertThat(api.view().annotation(KEYS.reasonKey()))
        .startsWith("draining node n1 for B: pod ns/web blocked by PodDisruptionBudget ns/pdb");
    assertThat(events.reasons()).contains("DrainBlocked");
    assertThat(api.view().annotation(KEYS.lastAppliedDrainKey())).isNull();
    assertThat(samples("ccd_drain_evictions_blocked_total{pool=\"unknown\"}"))
        .singleElement()
        .matches(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 3, "3 or more");
    assertThat(samples("ccd_drains_total")).isEmpty();

    clock.advance(Duration.ofHours(1));

    await().atMost(DEADLINE).until(() -> !api.view().unschedulable());
    assertThat(api.view().annotation(KEYS.stateKey())).isEqualTo("Degraded");
    assertThat(api.view().annotation(KEYS.reasonKey()))
        .startsWith("gave up draining node n1 for B after 1h; last refused: pod ns/web blocked")
        .contains("the drain is tried again at");
    assertThat(events.reasons()).contains("DrainFailed").endsWith("Uncordon");
    assertThat(samples("ccd_drains"))
        .containsExactlyInAnyOrder(
            "ccd_drains_started_total{pool=\"unknown\"} 1.0",
            "ccd_drains_total{pool=\"unknown\",result=\"given_up\"} 1.0");
    assertThat(samples("ccd_drain_duration_seconds_sum{pool=\"unknown\",result=\"given_up\"}"))
        .singleElement()
        .matches(
            l -> Math.abs(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) - 3600) < 60,
            "about an hour");
    assertThat(api.view().annotation(KEYS.lastAppliedDrainKey())).isNull();
    int after = api.calls.size();
    api.changed(); // a Node change does not start the given-up request before the pause is over
    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> api.calls.size() == after);

    // The next round starts once the pause is over (the loop's timer runs on real time, so the
    // test's jump is noticed on a Node change; DrainIT sees the timer fire): cordon and evict
    // again; refused three times, it is given up again and the node uncordoned.
    clock.advance(DrainSettings.PAUSE);
    api.changed();
    await()
        .atMost(DEADLINE)
        .until(() -> events.reasons().stream().filter("DrainFailed"::equals).count() == 2);
    await().atMost(DEADLINE).until(() -> !api.view().unschedulable());
    List<String> round2 = api.calls.subList(after, api.calls.size());
    assertThat(round2.get(0)).isEqualTo("cordon");
    assertThat(round2.stream().filter("evict ns/web"::equals).count())
        .isEqualTo(DrainSettings.PROBE_TRIES);
    assertThat(events.reasons()).contains("DrainRetry");
    assertThat(api.view().annotation(KEYS.reasonKey()))
        .startsWith("gave up draining node n1 for B again in round 2 after 3 tries");

    // Round 3 finds the budget relaxed: the drain goes through.
    api.refuse = false;
    clock.advance(DrainSettings.PAUSE.multipliedBy(2));
    api.changed();
    await()
        .atMost(DEADLINE)
        .until(() -> "drain-B".equals(api.view().annotation(KEYS.lastAppliedDrainKey())));
    assertThat(api.view().unschedulable()).isTrue();
  }

  @Test
  void aNodeWithoutARequestIsLeftAlone() {
    api.annotate(KEYS.desiredDrainKey(), "drain-A");
    api.annotate(KEYS.lastAppliedDrainKey(), "drain-A");

    loop.start();
    api.changed();

    await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> api.calls.isEmpty());
  }
}
