package dev.ccd.it.controller;

import static dev.ccd.it.agent.AgentBed.DROP_IN;
import static dev.ccd.it.agent.AgentBed.KEYS;
import static dev.ccd.it.agent.AgentBed.NODE;
import static dev.ccd.it.agent.AgentBed.file;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.controller.DrainLoop;
import dev.ccd.controller.DrainSettings;
import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.EvictionDispatcher;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.Fabric8Drain;
import dev.ccd.kube.Fabric8EventSink;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drain protocol end to end: the controller's {@link DrainLoop} with the real {@link
 * Fabric8Drain} against the fabric8 mock in CRUD mode (plus the Eviction API, {@link
 * EvictionDispatcher}), and the real agent in this JVM asking for drains.
 */
class DrainIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Duration DEADLINE = Duration.ofSeconds(30);
  static final String NS = "shop";

  private EvictionDispatcher dispatcher;
  private AgentBed bed;
  private Fabric8Drain drainApi;
  private Fabric8EventSink events;
  private DrainLoop loop;
  private final List<NodeView> seen = new CopyOnWriteArrayList<>();
  private Watch recorder;

  @BeforeEach
  void start(TestInfo test) throws Exception {
    dispatcher = new EvictionDispatcher();
    bed =
        new AgentBed(
            SANDBOX,
            "drain-" + test.getTestMethod().orElseThrow().getName(),
            new EmbeddedApi(dispatcher),
            false);
    drainApi = new Fabric8Drain(client());
    events = new Fabric8EventSink(client(), Fabric8EventSink.Reporter.controller("ccd-7f9c"));
    recorder =
        new Fabric8NodeApi(client())
            .watch(
                NODE,
                new NodeListener() {
                  @Override
                  public void onNode(NodeView node) {
                    seen.add(node);
                  }

                  @Override
                  public void onClose(Exception cause) {}
                });
  }

  @AfterEach
  void stop() throws Exception {
    if (loop != null) {
      loop.close();
    }
    recorder.close();
    events.close();
    drainApi.close();
    bed.close();
  }

  KubernetesClient client() {
    return bed.client();
  }

  void startLoop(DrainSettings settings) {
    loop = new DrainLoop(drainApi, events, Clock.systemUTC(), settings);
    loop.start();
  }

  void pod(
      String name, Map<String, String> labels, String ownerKind, boolean mirror, String phase) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName(name)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withNodeName(NODE)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (ownerKind != null) {
      b.editMetadata()
          .addNewOwnerReference()
          .withApiVersion("apps/v1")
          .withKind(ownerKind)
          .withName(name + "-owner")
          .withUid("uid-" + name)
          .endOwnerReference()
          .endMetadata();
    }
    if (mirror) {
      b.editMetadata().addToAnnotations("kubernetes.io/config.mirror", "hash").endMetadata();
    }
    client().pods().inNamespace(NS).resource(b.build()).create();
  }

  /** A pod of another node: never the drain's business. */
  void podElsewhere(String name) {
    client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("worker-9")
                .endSpec()
                .build())
        .create();
  }

  PodDisruptionBudget budget(int allowed) {
    PodDisruptionBudget pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName("web-pdb")
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewMinAvailable(1)
            .endSpec()
            .withNewStatus()
            .withDisruptionsAllowed(allowed)
            .withCurrentHealthy(1)
            .withDesiredHealthy(1)
            .withExpectedPods(1)
            .endStatus()
            .build();
    return client().policy().v1().podDisruptionBudget().inNamespace(NS).resource(pdb).create();
  }

  void allow() {
    client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NS)
        .withName("web-pdb")
        .editStatus(
            p ->
                new PodDisruptionBudgetBuilder(p)
                    .editStatus()
                    .withDisruptionsAllowed(1)
                    .endStatus()
                    .build());
  }

  Node node() {
    return client().nodes().withName(NODE).get();
  }

  boolean cordoned() {
    return Boolean.TRUE.equals(node().getSpec().getUnschedulable());
  }

  String annotation(String key) {
    return node().getMetadata().getAnnotations().getOrDefault(key, "");
  }

  List<String> podNames() {
    return client().pods().inNamespace(NS).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  List<Event> events(String reason) {
    return client().v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> NODE.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  @Test
  void aBudgetThatBlocksEvictionIsReportedAndRetriedThenTheDrainSucceeds() throws Exception {
    pod("web-1", Map.of("app", "web"), "ReplicaSet", false, "Running");
    pod("logs", Map.of("app", "web"), "DaemonSet", false, "Running");
    pod("etcd-static", Map.of("app", "web"), null, true, "Running");
    pod("job-done", Map.of("app", "web"), "Job", false, "Succeeded");
    podElsewhere("web-2");
    budget(0);
    startLoop(new DrainSettings(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));

    bed.annotate(Map.of(KEYS.desiredDrainKey(), "drain-rendered-worker-b"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.reasonKey()))
                    .contains("pod shop/web-1 blocked by PodDisruptionBudget shop/web-pdb")
                    .contains("(try 2 at "));
    // One POST per try: a 429 is an answer, not something for the HTTP client to repeat.
    assertThat(dispatcher.evictions()).containsExactly("shop/web-1");
    assertThat(cordoned()).isTrue();
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(events("DrainBlocked")).isNotEmpty());
    assertThat(events("DrainBlocked").get(0).getMessage())
        .contains("pod shop/web-1 blocked by PodDisruptionBudget shop/web-pdb");
    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(dispatcher.evictions()).hasSizeGreaterThanOrEqualTo(2));
    assertThat(annotation(KEYS.lastAppliedDrainKey())).isEmpty();

    allow();

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.lastAppliedDrainKey()))
                    .isEqualTo("drain-rendered-worker-b"));
    assertThat(podNames()).containsExactly("etcd-static", "job-done", "logs", "web-2");
    assertThat(dispatcher.evictions()).containsOnly("shop/web-1");
    assertThat(cordoned()).isTrue();

    bed.annotate(Map.of(KEYS.desiredDrainKey(), "uncordon-rendered-worker-b"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.lastAppliedDrainKey()))
                    .isEqualTo("uncordon-rendered-worker-b"));
    assertThat(cordoned()).isFalse();
  }

  @Test
  void aDrainThatTimesOutDegradesTheNodeAndUncordonsIt() throws Exception {
    pod("web-1", Map.of("app", "web"), "ReplicaSet", false, "Running");
    budget(0);
    startLoop(
        new DrainSettings(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(400)));

    bed.annotate(Map.of(KEYS.desiredDrainKey(), "drain-rendered-worker-b"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(annotation(KEYS.stateKey())).isEqualTo("Degraded"));
    assertThat(annotation(KEYS.reasonKey()))
        .startsWith("gave up draining node worker-0 for rendered-worker-b after 2s")
        .contains("pod shop/web-1 blocked by PodDisruptionBudget shop/web-pdb");
    await().atMost(DEADLINE).until(() -> !cordoned());
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(events("DrainFailed")).hasSize(1));
    assertThat(seen).anyMatch(NodeView::unschedulable);
    assertThat(annotation(KEYS.lastAppliedDrainKey())).isEmpty();
    assertThat(podNames()).containsExactly("web-1");
  }

  @Test
  void aGivenUpDrainIsTriedAgainInRoundsAndCompletesOnceTheBudgetAllows() throws Exception {
    pod("web-1", Map.of("app", "web"), "ReplicaSet", false, "Running");
    budget(0);
    // Round 1 lasts 2 s; the pauses are 1 s then 2 s; a later round gives up after 2 refusals.
    startLoop(
        new DrainSettings(
            Duration.ofSeconds(2),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            2));

    bed.annotate(Map.of(KEYS.desiredDrainKey(), "drain-rendered-worker-b"));

    // Round 2 starts on the loop's own timer (no Node change after the give-up's own writes),
    // cordons again and is given up after two refused tries.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.reasonKey()))
                    .startsWith(
                        "gave up draining node worker-0 for rendered-worker-b again in round 2"
                            + " after 2 tries")
                    .contains("(round 3;"));
    await().atMost(DEADLINE).until(() -> !cordoned());
    assertThat(annotation(KEYS.stateKey())).isEqualTo("Degraded");
    assertThat(annotation(KEYS.lastAppliedDrainKey())).isEmpty();
    assertThat(events("DrainRetry")).hasSize(1);
    assertThat(events("DrainRetry").get(0).getMessage())
        .isEqualTo("Draining node again for drain-rendered-worker-b (round 2)");
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(events("DrainFailed")).hasSize(2));
    assertThat(podNames()).containsExactly("web-1");
    long cordons = seen.stream().filter(NodeView::unschedulable).count();
    assertThat(cordons).as("Node changes seen cordoned").isPositive();

    allow();

    // Round 3, 2 s after the second give-up, finds the budget relaxed: drained, answered.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.lastAppliedDrainKey()))
                    .isEqualTo("drain-rendered-worker-b"));
    assertThat(cordoned()).isTrue();
    assertThat(podNames()).isEmpty();
    assertThat(events("Drained")).hasSize(1);
  }

  @Test
  void theControllersEventsNameTheControllerNotTheAgent() throws Exception {
    startLoop(
        new DrainSettings(Duration.ofHours(1), Duration.ofMillis(200), Duration.ofMillis(400)));

    bed.annotate(Map.of(KEYS.desiredDrainKey(), "drain-rendered-worker-b"));

    await().atMost(DEADLINE).untilAsserted(() -> assertThat(events("Drained")).hasSize(1));
    for (Event e : List.of(events("Cordon").get(0), events("Drained").get(0))) {
      assertThat(e.getSource().getComponent()).isEqualTo("ccd-controller");
      assertThat(e.getReportingComponent()).isEqualTo("ccd-controller");
      assertThat(e.getReportingInstance()).isEqualTo("ccd-7f9c");
      assertThat(e.getSource().getHost()).as("a controller is not on the node").isNull();
      assertThat(e.getInvolvedObject().getName()).isEqualTo(NODE);
    }
  }

  @Test
  void anAgentWhoseChangeNeedsADrainWaitsForItThenAppliesAndAsksForTheUncordon() throws Exception {
    pod("web-1", Map.of("app", "web"), "ReplicaSet", false, "Running");
    budget(0);
    startLoop(
        new DrainSettings(Duration.ofHours(1), Duration.ofMillis(200), Duration.ofMillis(400)));
    bed.startAgent();
    // A new registry with a mirror that serves tags: not safe, so it needs a drain.
    String b = bed.createConfig("rendered-worker-b", List.of(file(DROP_IN, AgentBed.dropIn(1))));

    bed.desire(b);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.reasonKey()))
                    .contains("pod shop/web-1 blocked by PodDisruptionBudget shop/web-pdb"));
    assertThat(annotation(KEYS.desiredDrainKey())).isEqualTo("drain-rendered-worker-b");
    assertThat(annotation(KEYS.stateKey())).isEqualTo("Working");
    assertThat(cordoned()).isTrue();
    assertThat(Files.exists(bed.host(DROP_IN))).as("files wait for the drain").isFalse();
    assertThat(bed.crioActions()).isEmpty();
    assertThat(events("DrainRequested")).hasSize(1);
    Event asked = events("DrainRequested").get(0);
    assertThat(asked.getReportingComponent()).as("the agent's own Event").isEqualTo("ccd-agent");
    assertThat(asked.getReportingInstance()).isEqualTo(NODE);
    assertThat(asked.getSource().getHost()).isEqualTo(NODE);

    allow();

    bed.awaitState(ConfigState.DONE, b);
    assertThat(bed.read(DROP_IN)).isEqualTo(AgentBed.dropIn(1).getBytes(UTF_8));
    assertThat(podNames()).isEmpty();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(annotation(KEYS.lastAppliedDrainKey()))
                    .isEqualTo("uncordon-rendered-worker-b"));
    assertThat(cordoned()).isFalse();
    // The files were written only after the drain was carried out.
    int drained =
        indexOf(v -> "drain-rendered-worker-b".equals(v.annotation(KEYS.lastAppliedDrainKey())));
    int done = indexOf(v -> "Done".equals(v.annotation(KEYS.stateKey())));
    assertThat(drained).isNotNegative().isLessThan(done);
    assertThat(bed.crioActions()).containsExactly("reload");
  }

  @Test
  void aDigestOnlyMirrorAdditionNeverCordons() throws Exception {
    startLoop(
        new DrainSettings(Duration.ofHours(1), Duration.ofMillis(200), Duration.ofMillis(400)));
    bed.startAgent();
    String a =
        bed.createConfig(
            "rendered-worker-a", List.of(file(DROP_IN, digestOnly("mirror-a.example.com"))));
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);
    String b =
        bed.createConfig(
            "rendered-worker-b",
            List.of(file(DROP_IN, digestOnly("mirror-a.example.com", "mirror-b.example.com"))));

    bed.desire(b);

    bed.awaitState(ConfigState.DONE, b);
    assertThat(bed.read(DROP_IN)).asString(UTF_8).contains("mirror-b.example.com");
    assertThat(seen).isNotEmpty().noneMatch(NodeView::unschedulable);
    assertThat(seen).allMatch(v -> v.annotation(KEYS.desiredDrainKey()) == null);
    assertThat(events("Cordon")).isEmpty();
    assertThat(events("DrainRequested")).isEmpty();
  }

  private int indexOf(java.util.function.Predicate<NodeView> p) {
    List<NodeView> all = List.copyOf(seen);
    for (int i = 0; i < all.size(); i++) {
      if (p.test(all.get(i))) {
        return i;
      }
    }
    return -1;
  }

  static String digestOnly(String... mirrors) {
    StringBuilder s = new StringBuilder("[[registry]]\nprefix = \"quay.io/team1\"\n");
    s.append("location = \"quay.io/team1\"\n");
    for (String m : mirrors) {
      s.append("\n[[registry.mirror]]\nlocation = \"")
          .append(m)
          .append("/team1\"\npull-from-mirror = \"digest-only\"\n");
    }
    return s.toString();
  }
}
