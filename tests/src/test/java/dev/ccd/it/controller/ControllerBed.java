package dev.ccd.it.controller;

import static org.awaitility.Awaitility.await;

import dev.ccd.cli.ControllerRuntime;
import dev.ccd.cli.Main;
import dev.ccd.controller.PoolNode;
import dev.ccd.controller.PoolObjects;
import dev.ccd.controller.RenderedCollector;
import dev.ccd.it.support.EvictionDispatcher;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.LeaderLease;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.testing.FakeHostFiles;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * One controller test's world: the fabric8 mock API (CRUD) with a MachineConfigPool {@code worker}
 * and N Nodes, each running the real agent loop in this JVM ({@link FleetAgent}), a recorder that
 * sees every Node change in the API's order, and controllers ({@link ControllerRuntime}) started on
 * demand with short Lease timings.
 */
final class ControllerBed implements AutoCloseable {
  static final String POOL = "worker";
  static final String WORKER_LABEL = "node-role.kubernetes.io/worker";
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final Duration DEADLINE = Duration.ofSeconds(45);
  static final int SETUP_THREADS = 8;
  static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private final EvictionDispatcher dispatcher = new EvictionDispatcher();
  private final EmbeddedApi api = new EmbeddedApi(dispatcher);
  private final Path dir;
  private final List<String> nodeNames = new ArrayList<>();
  private final Map<String, FleetAgent> agents = new LinkedHashMap<>();
  private final List<ControllerRuntime> controllers = new ArrayList<>();
  private final Recorder recorder = new Recorder();
  private final SharedIndexInformer<Node> nodeInformer;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final Map<String, Integer> patches = new ConcurrentHashMap<>();
  private static final String NODES_PATH = "/api/v1/nodes/";

  ControllerBed(String name, int nodes, String maxUnavailable, boolean paused) throws Exception {
    dir = Path.of("target", "controller-it", name).toAbsolutePath();
    Files.createDirectories(dir);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      names.add(String.format("node-%02d", i));
    }
    nodeNames.addAll(names);
    inParallel(names, this::createNode);
    client()
        .resources(MachineConfigPool.class)
        .resource(
            new MachineConfigPoolBuilder()
                .withNewMetadata()
                .withName(POOL)
                .endMetadata()
                .withNewSpec()
                .withMachineConfigSelector(
                    new LabelSelectorBuilder()
                        .withMatchLabels(Map.of("machineconfiguration.openshift.io/role", POOL))
                        .build())
                .withNodeSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of(WORKER_LABEL, "")).build())
                .withMaxUnavailable(new IntOrString(maxUnavailable))
                .withPaused(paused)
                .endSpec()
                .build())
        .create();
    nodeInformer = client().nodes().inform(recorder);
  }

  private void createNode(String n) {
    client()
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(n)
                .withCreationTimestamp(CREATED.toString())
                .withLabels(Map.of(WORKER_LABEL, ""))
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  /** A node that joins the pool now, with its agent running on a fresh host. */
  void join(String node) throws Exception {
    nodeNames.add(node);
    createNode(node);
    agents.put(node, new FleetAgent(client(), node, KEYS, FleetAgent.freshHost()));
  }

  /** A pod of a ReplicaSet on {@code node}: evicted by a drain. */
  void podOn(String node, String name) {
    client()
        .pods()
        .inNamespace("shop")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName(name)
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName("web")
                .withUid("uid-web")
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }

  /** Every eviction the API served, as {@code ns/pod}, in order. */
  List<String> evictions() {
    return dispatcher.evictions();
  }

  KubernetesClient client() {
    return api.client();
  }

  /** The mock API's URL, for a kubeconfig given to {@code ccd} processes. */
  String url() {
    return api.url();
  }

  List<String> nodes() {
    return List.copyOf(nodeNames);
  }

  void startAgents() throws Exception {
    startAgents(n -> FleetAgent.freshHost());
  }

  /** Starts the agent of every node; {@code host} gives each its host files. */
  void startAgents(java.util.function.Function<String, FakeHostFiles> host) throws Exception {
    Map<String, FleetAgent> started = new ConcurrentHashMap<>();
    inParallel(nodeNames, n -> started.put(n, new FleetAgent(client(), n, KEYS, host.apply(n))));
    nodeNames.forEach(n -> agents.put(n, started.get(n)));
  }

  /** A step that may throw, run for each of a list. */
  interface Each {
    void run(String name) throws Exception;
  }

  /**
   * Runs {@code each} for every name on {@link #SETUP_THREADS} threads: setting up 50 nodes and
   * their agents is 50 round trips each, which one thread waits for one after another. Fails with
   * the first failure once all have ended.
   */
  static void inParallel(List<String> names, Each each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String n : names) {
        done.add(
            pool.submit(
                () -> {
                  each.run(n);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  FleetAgent agent(String node) {
    return agents.get(node);
  }

  /** A controller in this JVM holding Lease ccd-system/ccd-controller as {@code identity}. */
  ControllerRuntime startController(String identity) throws Exception {
    ControllerRuntime c =
        ControllerRuntime.start(
            countingClient(),
            new ControllerRuntime.Settings(
                new LeaderLease.Settings(
                    "ccd-system",
                    "ccd-controller",
                    identity,
                    Duration.ofSeconds(2),
                    Duration.ofMillis(1500),
                    Duration.ofMillis(200)),
                Optional.of("127.0.0.1:0"),
                KEYS,
                new RenderedCollector.Policy(Duration.ofHours(1), 5),
                Duration.ofHours(1),
                Duration.ofMillis(100)));
    controllers.add(c);
    return c;
  }

  /**
   * Creates the mirror sets in {@code yaml} in the API and keeps the file for {@code ccd render}.
   */
  Path createMirrorSets(String fileName, String yaml) throws Exception {
    Path file = dir.resolve(fileName);
    Files.writeString(file, yaml);
    MirrorSets sets = MirrorSetsReader.parse(yaml, file.toString());
    sets.objects().forEach(o -> client().resource(o).create());
    return file;
  }

  /** What {@code ccd render} prints for {@code args}; fails on a non-zero exit. */
  static String ccdRender(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    if (code != 0) {
      throw new AssertionError(
          "ccd render " + String.join(" ", args) + " exited " + code + ": " + err);
    }
    return out.toString();
  }

  MachineConfigPool pool() {
    return client().resources(MachineConfigPool.class).withName(POOL).get();
  }

  void editPool(UnaryOperator<MachineConfigPool> change) {
    client().resources(MachineConfigPool.class).withName(POOL).edit(change);
  }

  /** The pool's {@code spec.configuration.name}, empty while none. */
  String target() {
    MachineConfigPool p = pool();
    return p.getSpec().getConfiguration() == null
        ? ""
        : Optional.ofNullable(p.getSpec().getConfiguration().getName()).orElse("");
  }

  /** Waits for a rendered target, then for every node Done on it; returns it. */
  String awaitRolledOut() {
    return awaitRolledOut("");
  }

  /** Waits for a rendered target other than {@code previous}, then for every node Done on it. */
  String awaitRolledOut(String previous) {
    String target =
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(100))
            .until(this::target, t -> !t.isEmpty() && !t.equals(previous));
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> nodeNames.stream().allMatch(n -> recorder.doneOn(n, target)));
    return target;
  }

  Recorder recorder() {
    return recorder;
  }

  /** The Events about {@code node} with one of {@code reasons}, in any namespace. */
  List<io.fabric8.kubernetes.api.model.Event> nodeEvents(String node, String... reasons) {
    List<String> wanted = List.of(reasons);
    return client().v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> node.equals(e.getInvolvedObject().getName()))
        .filter(e -> wanted.contains(e.getReason()))
        .toList();
  }

  /**
   * How many PATCH requests the controllers sent to set each node's desiredConfig, counted on the
   * controllers' HTTP client as they left it.
   */
  Map<String, Integer> desiredConfigPatches() {
    return new TreeMap<>(patches);
  }

  /** A client for the controllers that counts their desiredConfig PATCH requests per node. */
  private KubernetesClient countingClient() {
    KubernetesClient c =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).build())
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "count-desired-config",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            String path = request.uri().getPath();
                            String body = request.bodyString();
                            if ("PATCH".equals(request.method())
                                && path.startsWith(NODES_PATH)
                                && body != null
                                && body.contains(KEYS.desiredConfigKey())) {
                              patches.merge(path.substring(NODES_PATH.length()), 1, Integer::sum);
                            }
                          }
                        }))
            .build();
    clients.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (ControllerRuntime c : controllers) {
      c.close();
    }
    clients.forEach(KubernetesClient::close);
    for (FleetAgent a : agents.values()) {
      a.close();
    }
    nodeInformer.close();
    api.close();
  }

  /**
   * Every Node change in the order the API's watch delivers them: the unavailable count after each
   * (issue 9's definition, {@link PoolNode#unavailable()}), and each node's desiredConfig values in
   * order.
   */
  static final class Recorder implements ResourceEventHandler<Node> {
    /** One recorded state of a node. */
    record Step(boolean cordoned, String currentConfig, String lastAppliedDrain) {}

    private final Map<String, PoolNode> latest = new HashMap<>();
    private final Map<String, List<String>> desired = new HashMap<>();
    private final Map<String, List<Step>> history = new HashMap<>();
    private int maxUnavailable;
    private int changes;

    @Override
    public synchronized void onAdd(Node n) {
      record(n);
    }

    @Override
    public synchronized void onUpdate(Node oldObj, Node n) {
      record(n);
    }

    @Override
    public synchronized void onDelete(Node n, boolean unknown) {
      latest.remove(n.getMetadata().getName());
    }

    private void record(Node n) {
      PoolNode p = PoolObjects.node(n, KEYS);
      latest.put(p.name(), p);
      List<String> seen = desired.computeIfAbsent(p.name(), k -> new ArrayList<>());
      String d = p.config().desiredConfig();
      if (!d.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(d))) {
        seen.add(d);
      }
      Map<String, String> a =
          Optional.ofNullable(n.getMetadata().getAnnotations()).orElse(Map.of());
      history
          .computeIfAbsent(p.name(), k -> new ArrayList<>())
          .add(
              new Step(
                  p.unschedulable(),
                  p.config().currentConfig(),
                  a.getOrDefault(KEYS.lastAppliedDrainKey(), "")));
      int unavailable = (int) latest.values().stream().filter(PoolNode::unavailable).count();
      maxUnavailable = Math.max(maxUnavailable, unavailable);
      changes++;
    }

    synchronized int maxUnavailable() {
      return maxUnavailable;
    }

    /** Every change of {@code node} in order: cordoned, currentConfig, lastAppliedDrain. */
    synchronized List<Step> history(String node) {
      return List.copyOf(history.getOrDefault(node, List.of()));
    }

    /** The nodes seen cordoned at any recorded moment. */
    synchronized List<String> everCordoned() {
      return history.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(Step::cordoned))
          .map(Map.Entry::getKey)
          .sorted()
          .toList();
    }

    synchronized int changes() {
      return changes;
    }

    synchronized boolean doneOn(String node, String config) {
      PoolNode p = latest.get(node);
      return p != null && p.updatedTo(config);
    }

    synchronized Optional<PoolNode> node(String node) {
      return Optional.ofNullable(latest.get(node));
    }

    /** Each node's desiredConfig values in the order they appeared (repeats collapsed). */
    synchronized Map<String, List<String>> desired() {
      Map<String, List<String>> copy = new TreeMap<>();
      desired.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }
  }
}
