package dev.ccd.cli;

import dev.ccd.cli.status.Fabric8StatusSource;
import dev.ccd.cli.status.StatusPrinter;
import dev.ccd.controller.PoolNode;
import dev.ccd.controller.PoolObjects;
import dev.ccd.controller.RenderedCollector;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.LeaderLease;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.registries.MirrorSets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The cluster half of {@code ccd demo}: on an embedded API, a MachineConfigPool of three nodes
 * (maxUnavailable 1), each running the real agent against its own temporary root, and the real
 * controller loops (render, rollout, drain) in this process. An ImageDigestMirrorSet rolls out
 * without a drain; then an ImageTagMirrorSet rolls out with cordon → drain → apply → uncordon per
 * node. Every Node change is printed as a timeline line with the pool's unavailable count, and
 * {@code ccd status}'s table after each node is done.
 */
final class DemoRollout {
  static final int NODES = 3;
  static final int MAX_UNAVAILABLE = 1;
  static final String WORKER_LABEL = "node-role.kubernetes.io/worker";
  private static final NodeAnnotations KEYS = new NodeAnnotations();
  private static final Duration PHASE_DEADLINE = Duration.ofSeconds(60);
  private static final String CORDONED = "cordoned";

  private final PrintWriter out;
  private final PrintWriter err;
  private final String pool;
  private final BlockingQueue<Node> changes = new LinkedBlockingQueue<>();
  private final Map<String, PoolNode> latest = new HashMap<>();
  private final Map<String, Drains> drains = new HashMap<>();
  private final StatusPrinter printer;
  private Fabric8StatusSource statusSource;
  private Instant start;

  DemoRollout(PrintWriter out, PrintWriter err, String pool) {
    this.out = out;
    this.err = err;
    this.pool = pool;
    this.printer = new StatusPrinter(StatusPrinter.Format.table, Clock.systemUTC(), KEYS, out);
  }

  int run(Path demoRoot, MirrorSets sets) throws Exception {
    List<HasMetadata> digest = ofKind(sets, "ImageDigestMirrorSet");
    List<HasMetadata> tag = ofKind(sets, "ImageTagMirrorSet");
    DemoCommand.heading(
        out,
        "9. The whole chain: controller + MachineConfigPool "
            + pool
            + " of "
            + NODES
            + " nodes (maxUnavailable "
            + MAX_UNAVAILABLE
            + ")");
    try (EmbeddedApi api = new EmbeddedApi();
        Fabric8StatusSource source = new Fabric8StatusSource(api.client())) {
      KubernetesClient client = api.client();
      statusSource = source;
      List<String> names = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        names.add("demo-" + pool + "-" + i);
      }
      createPool(client, names);
      out.println("  API " + api.url() + " (embedded, in this process; no cluster)");
      out.println(
          "  nodes "
              + String.join(", ", names)
              + ": each runs the agent against its own root under "
              + demoRoot.resolve("nodes")
              + " (crio actions recorded, not performed)");
      out.println(
          "  no pods run on the demo nodes, so a drain is cordon, evict nothing, then uncordon");
      List<AgentRuntime> agents = new ArrayList<>();
      SharedIndexInformer<Node> informer = null;
      try {
        for (String n : names) {
          agents.add(agent(client, demoRoot.resolve("nodes").resolve(n), n));
        }
        informer = client.nodes().inform(recorder());
        try (ControllerRuntime controller = ControllerRuntime.start(client, controllerSettings())) {
          out.println("  controller: render, rollout and drain loops, in this process");
          start = Instant.now();
          String first = awaitRollout(client, "", List.of(), "the pool's first rendered config");
          if (first.isEmpty()) {
            return 1;
          }
          String second = awaitRollout(client, first, digest, "digest mirrors: no drain needed");
          if (second.isEmpty()) {
            return 1;
          }
          String third = awaitRollout(client, second, tag, "tag mirrors: each node is drained");
          if (third.isEmpty()) {
            return 1;
          }
        }
      } finally {
        if (informer != null) {
          informer.close();
        }
        agents.forEach(AgentRuntime::close);
      }
    }
    return 0;
  }

  private static List<HasMetadata> ofKind(MirrorSets sets, String kind) {
    return sets.objects().stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  private void createPool(KubernetesClient client, List<String> names) {
    String created = Instant.now().toString();
    for (String n : names) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(n)
                  .withCreationTimestamp(created)
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
                .withName(pool)
                .withCreationTimestamp(created)
                .endMetadata()
                .withNewSpec()
                .withMachineConfigSelector(
                    new LabelSelectorBuilder()
                        .withMatchLabels(Map.of("machineconfiguration.openshift.io/role", pool))
                        .build())
                .withNodeSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of(WORKER_LABEL, "")).build())
                .withMaxUnavailable(new IntOrString(MAX_UNAVAILABLE))
                .endSpec()
                .build())
        .create();
  }

  private static AgentRuntime agent(KubernetesClient client, Path root, String node)
      throws Exception {
    Files.createDirectories(root.resolve("etc/containers"));
    Files.writeString(
        root.resolve("etc/containers/registries.conf"),
        DemoCommand.OS_REGISTRIES_CONF,
        StandardCharsets.UTF_8);
    return AgentRuntime.start(
        HostWiring.forRoot(root, DemoCommand.RECORDED),
        client,
        new AgentRuntime.Options(
            node,
            KEYS,
            Optional.empty(),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofSeconds(10)));
  }

  private static ControllerRuntime.Settings controllerSettings() {
    return new ControllerRuntime.Settings(
        new LeaderLease.Settings(
            "ccd-system",
            "ccd-controller",
            "ccd-demo",
            Duration.ofSeconds(2),
            Duration.ofMillis(1500),
            Duration.ofMillis(200)),
        Optional.empty(),
        KEYS,
        RenderedCollector.Policy.DEFAULT,
        Duration.ofMinutes(1),
        Duration.ofMillis(50));
  }

  private ResourceEventHandler<Node> recorder() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node n) {
        changes.add(n);
      }

      @Override
      public void onUpdate(Node oldObj, Node n) {
        changes.add(n);
      }

      @Override
      public void onDelete(Node n, boolean unknown) {}
    };
  }

  /**
   * Creates {@code objects}, then prints every Node change ({@code quiet}: only counts them) until
   * the pool's target differs from {@code previous}, every node is Done on it and available, and
   * the pool's status says so; returns the target, or empty (said on err) when the deadline passes
   * first. {@code ccd status}'s table is printed when the first node is done and at the end.
   */
  private String awaitRollout(
      KubernetesClient client, String previous, List<HasMetadata> objects, String why)
      throws InterruptedException {
    boolean quiet = objects.isEmpty();
    out.println();
    if (quiet) {
      out.println("  -- the controller renders the pool (" + why + ")");
    }
    for (HasMetadata o : objects) {
      client.resource(o).create();
      out.println("  -- created " + MirrorSets.key(o) + " (" + why + ")");
    }
    out.flush();
    long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
    int cordons = 0;
    long mostUnavailable = 0;
    boolean tablePrinted = false;
    while (System.nanoTime() < deadline) {
      Node n = changes.poll(100, TimeUnit.MILLISECONDS);
      if (n != null) {
        PoolNode now = PoolObjects.node(n, KEYS);
        PoolNode before = latest.put(now.name(), now);
        List<String> events = events(before, now, n);
        cordons += events.contains(CORDONED) ? 1 : 0;
        long unavailable = latest.values().stream().filter(PoolNode::unavailable).count();
        mostUnavailable = Math.max(mostUnavailable, unavailable);
        for (String e : quiet ? List.<String>of() : events) {
          out.printf(
              "  +%5d ms  unavailable %d/%d  %-15s %s%n",
              Duration.between(start, Instant.now()).toMillis(), unavailable, NODES, now.name(), e);
        }
        if (!quiet && !tablePrinted && events.stream().anyMatch(e -> e.startsWith("Done"))) {
          status();
          tablePrinted = true;
        }
        out.flush();
      }
      String t = target(client);
      if (!t.isEmpty()
          && !t.equals(previous)
          && latest.size() == NODES
          && latest.values().stream().allMatch(p -> p.updatedTo(t) && !p.unavailable())
          && poolUpdatedTo(client, t)) {
        if (!quiet) {
          status();
        }
        out.println(
            "  -- every node Done on "
                + t
                + "; nodes cordoned: "
                + cordons
                + "; at most "
                + mostUnavailable
                + " of "
                + NODES
                + " nodes unavailable after any Node change");
        out.flush();
        return t;
      }
    }
    err.println("demo: the pool did not converge within " + PHASE_DEADLINE.toSeconds() + " s");
    return "";
  }

  private void status() {
    out.print(indent(printer.text(statusSource.read())));
  }

  private boolean poolUpdatedTo(KubernetesClient client, String target) {
    MachineConfigPool p = client.resources(MachineConfigPool.class).withName(pool).get();
    return p.getStatus() != null
        && p.getStatus().getConfiguration() != null
        && target.equals(p.getStatus().getConfiguration().getName())
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Updated".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String target(KubernetesClient client) {
    MachineConfigPool p = client.resources(MachineConfigPool.class).withName(pool).get();
    return p == null || p.getSpec().getConfiguration() == null
        ? ""
        : Optional.ofNullable(p.getSpec().getConfiguration().getName()).orElse("");
  }

  /** What changed on a node, in words; the drain protocol's annotations named by their step. */
  private List<String> events(PoolNode before, PoolNode now, Node node) {
    List<String> events = new ArrayList<>();
    var b = before == null ? null : before.config();
    var c = now.config();
    Map<String, String> annotations =
        node.getMetadata().getAnnotations() == null
            ? Map.of()
            : node.getMetadata().getAnnotations();
    Drains d =
        new Drains(
            annotations.getOrDefault(KEYS.desiredDrainKey(), ""),
            annotations.getOrDefault(KEYS.lastAppliedDrainKey(), ""));
    Drains was = Optional.ofNullable(drains.put(now.name(), d)).orElse(new Drains("", ""));
    if (!c.desiredConfig().isEmpty()
        && (b == null || !b.desiredConfig().equals(c.desiredConfig()))) {
      events.add("desiredConfig " + c.desiredConfig());
    }
    boolean asked = !d.desired().isEmpty() && !d.desired().equals(was.desired());
    if (asked && d.desired().startsWith("uncordon-")) {
      events.add("files applied; agent asks uncordon");
    }
    if ((b == null || b.state() != c.state()) && annotations.containsKey(KEYS.stateKey())) {
      String s = c.state().wire();
      events.add(
          "Done".equals(s)
              ? "Done on " + c.currentConfig()
              : s + (c.reason().isEmpty() ? "" : ": " + shorten(c.reason())));
    }
    if (asked && !d.desired().startsWith("uncordon-")) {
      events.add("agent asks drain");
    }
    if (now.unschedulable() && (before == null || !before.unschedulable())) {
      events.add(CORDONED);
    }
    if (d.lastApplied().startsWith("drain-") && !d.lastApplied().equals(was.lastApplied())) {
      events.add("drained (no pods to evict)");
    }
    if (!now.unschedulable() && before != null && before.unschedulable()) {
      events.add("uncordoned");
    }
    return events;
  }

  /** A node's drain annotations: what its agent asks, what the controller last carried out. */
  private record Drains(String desired, String lastApplied) {}

  private static String shorten(String reason) {
    return reason.length() <= 50 ? reason : reason.substring(0, 47) + "...";
  }

  private static String indent(String table) {
    StringBuilder b = new StringBuilder();
    table.lines().forEach(l -> b.append("      ").append(l).append('\n'));
    return b.toString();
  }
}
