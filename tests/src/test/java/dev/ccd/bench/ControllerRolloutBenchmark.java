package dev.ccd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.controller.PoolNode;
import dev.ccd.controller.PoolObjects;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.packaging.JvmOptionsFile;
import dev.ccd.registries.MirrorSetsReader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A rollout of 1,000 nodes (pool maxUnavailable 10%) by {@code ccd controller} as a process (the
 * packaged jar) against the fabric8 mock API (CRUD). The agents are simulated in this JVM: one
 * informer over the Nodes, and for each node asked for a new desiredConfig the two merge patches a
 * real agent sends on the reload path (state Working, then currentConfig + state Done). The
 * controller runs with the JVM flags of {@code ccd.jvmopts} (as the launcher and the Deployment run
 * it). Prints wall time, the controller's CPU seconds, its RSS, heap and threads at their peak
 * during the rollout (sampled every 200 ms: /proc and its own /metrics) and idle 20 s after it, and
 * the requests and writes the mock API served, per node update. Not run by {@code mvn verify}:
 * {@code -Dit.test=ControllerRolloutBenchmark}.
 */
@Tag("benchmark")
class ControllerRolloutBenchmark {
  static final int NODES = Integer.getInteger("ccd.bench.nodes", 1000);
  static final String MAX_UNAVAILABLE = System.getProperty("ccd.bench.maxUnavailable", "10%");
  static final String POOL = "worker";
  static final String WORKER_LABEL = "node-role.kubernetes.io/worker";
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final Path JAR =
      Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar")).toAbsolutePath();
  static final String JAVA_BIN = Path.of(System.getProperty("java.home"), "bin").toString();
  static final String IDMS =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      """;

  /** Counts every request the mock API serves, and writes by kind of resource. */
  static final class CountingDispatcher extends KubernetesCrudDispatcher {
    final AtomicInteger requests = new AtomicInteger();
    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.incrementAndGet();
      if (!"GET".equals(request.getMethod())) {
        writes
            .computeIfAbsent(
                request.getMethod() + " " + kind(request.getPath()), k -> new AtomicInteger())
            .incrementAndGet();
      }
      return super.dispatch(request);
    }

    static String kind(String path) {
      String p = path.replaceFirst("\\?.*", "");
      String[] parts = p.split("/");
      // /api/v1/nodes/x, /apis/g/v/kind/x, /apis/g/v/namespaces/ns/kind/x, .../status
      List<String> segs = new ArrayList<>(List.of(parts));
      int ns = segs.indexOf("namespaces");
      int at = ns >= 0 && segs.size() > ns + 2 ? ns + 2 : (p.startsWith("/api/") ? 3 : 4);
      String kind = segs.size() > at ? segs.get(at) : p;
      return p.endsWith("/status") ? kind + "/status" : kind;
    }

    int writes() {
      return writes.values().stream().mapToInt(AtomicInteger::get).sum();
    }
  }

  @Test
  void rollout() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "bench-controller").toAbsolutePath());
    CountingDispatcher dispatcher = new CountingDispatcher();
    try (EmbeddedApi api = new EmbeddedApi(dispatcher)) {
      KubernetesClient client = api.client();
      for (int i = 0; i < NODES; i++) {
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(String.format("node-%04d", i))
                    .withCreationTimestamp("2026-01-01T00:00:00Z")
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
      client
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
                  .withMaxUnavailable(new IntOrString(MAX_UNAVAILABLE))
                  .endSpec()
                  .build())
          .create();
      MirrorSetsReader.parse(IDMS, "idms.yaml").objects().forEach(o -> client.resource(o).create());

      Fleet fleet = new Fleet(client);
      SharedIndexInformer<Node> informer = client.nodes().inform(fleet);
      int setupRequests = dispatcher.requests.get();
      int setupWrites = dispatcher.writes();
      Map<String, Integer> setupByKind = snapshot(dispatcher);

      Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> cmd = new ArrayList<>(List.of(JAVA_BIN + "/java"));
      cmd.addAll(JvmOptionsFile.read(JvmOptionsFile.FROM_MODULE));
      cmd.addAll(
          List.of(
              "-jar",
              JAR.toString(),
              "controller",
              "--kubeconfig",
              kubeconfig.toString(),
              "--metrics-address",
              "127.0.0.1:" + port,
              "--namespace",
              "ccd-system"));
      long start = System.nanoTime();
      Process controller =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("controller.log").toFile())
              .start();
      Sampler peak = new Sampler(controller.pid(), port);
      Thread sampling = new Thread(peak::run, "sampler");
      sampling.setDaemon(true);
      sampling.start();
      try {
        long deadline = start + TimeUnit.MINUTES.toNanos(15);
        while (fleet.done() < NODES) {
          assertThat(controller.isAlive()).as("controller running").isTrue();
          assertThat(System.nanoTime()).as("rollout within 15 min").isLessThan(deadline);
          Thread.sleep(50);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double rollout = (fleet.lastDone - fleet.firstDesired) / 1e9;
        double cpu = cpuSeconds(controller.pid());
        peak.stop();
        sampling.join();
        Thread.sleep(20_000);
        Sampler idle = new Sampler(controller.pid(), port);
        idle.sample();
        String rss =
            procStatus(controller.pid(), "VmRSS")
                + " (peak "
                + procStatus(controller.pid(), "VmHWM")
                + ")";
        String heap = run(JAVA_BIN + "/jcmd", String.valueOf(controller.pid()), "GC.heap_info");
        int requests = dispatcher.requests.get() - setupRequests;
        int writes = dispatcher.writes() - setupWrites;
        Map<String, Integer> byKind = snapshot(dispatcher);
        setupByKind.forEach((k, v) -> byKind.merge(k, -v, Integer::sum));
        byKind.values().removeIf(v -> v == 0);

        StringBuilder out = new StringBuilder();
        out.append(
            String.format(
                "Controller rollout: %d nodes, maxUnavailable %s%n", NODES, MAX_UNAVAILABLE));
        out.append(
            String.format("  wall time, controller start -> all nodes Done: %.1f s%n", wall));
        out.append(String.format("  first desiredConfig -> last Done: %.1f s%n", rollout));
        out.append(
            String.format(
                "  max unavailable seen (every Node change): %d%n", fleet.maxUnavailable));
        out.append(String.format("  controller CPU (utime+stime): %.1f s%n", cpu));
        out.append("  JVM flags: ").append(cmd.subList(1, cmd.indexOf("-jar"))).append('\n');
        out.append(String.format("  controller RSS: %s%n", rss));
        out.append(
            String.format(
                "  peak during the rollout (%d samples): RSS %.0f MiB, heap used %.0f MiB,"
                    + " threads %d%n",
                peak.samples, peak.rssKib / 1024.0, peak.heapBytes / 1048576.0, peak.threads));
        out.append(
            String.format(
                "  idle 20 s after: RSS %.0f MiB, heap used %.0f MiB, threads %d%n",
                idle.rssKib / 1024.0, idle.heapBytes / 1048576.0, idle.threads));
        out.append("  controller heap (jcmd GC.heap_info):\n");
        heap.lines().skip(1).forEach(l -> out.append("    ").append(l.strip()).append('\n'));
        out.append(
            String.format(
                "  API requests served: %d, %.2f per node update%n",
                requests, (double) requests / NODES));
        out.append(
            String.format(
                "  API writes: %d, %.2f per node update (simulated agents' %d included)%n",
                writes, (double) writes / NODES, fleet.patches.get()));
        out.append("  writes by kind: ").append(byKind).append('\n');
        System.out.print(out);
        if (MAX_UNAVAILABLE.equals("10%")) {
          assertThat(fleet.maxUnavailable).as("max unavailable").isLessThanOrEqualTo(NODES / 10);
        }
        Files.writeString(Path.of("target", "bench-controller-rollout.txt"), out.toString());
      } finally {
        controller.destroy();
        controller.waitFor(30, TimeUnit.SECONDS);
        informer.close();
        fleet.close();
      }
    }
  }

  /**
   * The controller's RSS and threads (/proc/PID/status) and heap used (its /metrics: the sum of
   * {@code jvm_memory_used_bytes{area="heap"}}), the maximum of each over the samples taken.
   */
  static final class Sampler {
    private final long pid;
    private final URI metrics;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean running = true;
    volatile long rssKib;
    volatile double heapBytes;
    volatile int threads;
    volatile int samples;

    Sampler(long pid, int port) {
      this.pid = pid;
      this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    void run() {
      while (running) {
        try {
          sample();
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // not serving yet (start-up) or gone: the next sample tries again
          try {
            Thread.sleep(200);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    void stop() {
      running = false;
    }

    void sample() throws Exception {
      rssKib = Math.max(rssKib, Long.parseLong(procStatus(pid, "VmRSS").replace(" kB", "")));
      threads = Math.max(threads, Integer.parseInt(procStatus(pid, "Threads")));
      String body =
          http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      double heap =
          body.lines()
              .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      heapBytes = Math.max(heapBytes, heap);
      samples++;
    }
  }

  private static Map<String, Integer> snapshot(CountingDispatcher d) {
    Map<String, Integer> m = new TreeMap<>();
    d.writes.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14 and 15 of /proc/PID/stat (utime, stime), in clock ticks of 1/100 s
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static String procStatus(long pid, String key) throws IOException {
    return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).strip())
        .findFirst()
        .orElseThrow();
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /**
   * The simulated agents: one informer's view of the Nodes; a node asked for a config it does not
   * run gets the two merge patches of a real agent's reload path, from a small pool of threads.
   */
  static final class Fleet implements ResourceEventHandler<Node>, AutoCloseable {
    private final KubernetesClient client;
    private final ExecutorService agents = Executors.newFixedThreadPool(8);
    private final Map<String, String> handled = new ConcurrentHashMap<>();
    private final Map<String, PoolNode> latest = new ConcurrentHashMap<>();
    final AtomicInteger patches = new AtomicInteger();
    volatile int maxUnavailable;
    volatile long firstDesired;
    volatile long lastDone;

    Fleet(KubernetesClient client) {
      this.client = client;
    }

    @Override
    public void onAdd(Node n) {
      seen(n);
    }

    @Override
    public void onUpdate(Node old, Node n) {
      seen(n);
    }

    @Override
    public void onDelete(Node n, boolean unknown) {}

    synchronized void seen(Node node) {
      PoolNode p = PoolObjects.node(node, KEYS);
      latest.put(p.name(), p);
      int unavailable = (int) latest.values().stream().filter(PoolNode::unavailable).count();
      maxUnavailable = Math.max(maxUnavailable, unavailable);
      String desired = p.config().desiredConfig();
      if (desired.isEmpty()) {
        return;
      }
      if (firstDesired == 0) {
        firstDesired = System.nanoTime();
      }
      if (p.updatedTo(desired)) {
        lastDone = System.nanoTime();
        return;
      }
      if (!desired.equals(p.config().currentConfig())
          && !desired.equals(handled.put(p.name(), desired))) {
        agents.submit(() -> update(p.name(), desired));
      }
    }

    private void update(String node, String desired) {
      patch(node, Map.of(KEYS.stateKey(), "Working"));
      patch(node, Map.of(KEYS.currentConfigKey(), desired, KEYS.stateKey(), "Done"));
    }

    private void patch(String node, Map<String, String> annotations) {
      StringBuilder json = new StringBuilder("{\"metadata\":{\"annotations\":{");
      annotations.forEach(
          (k, v) -> json.append('"').append(k).append("\":\"").append(v).append("\","));
      json.setLength(json.length() - 1);
      json.append("}}}");
      client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), json.toString());
      patches.incrementAndGet();
    }

    int done() {
      return (int)
          latest.values().stream()
              .filter(
                  p ->
                      !p.config().desiredConfig().isEmpty()
                          && p.updatedTo(p.config().desiredConfig()))
              .count();
    }

    @Override
    public void close() {
      agents.shutdownNow();
    }
  }
}
