package dev.ccd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.machineconfig.Owner;
import dev.ccd.machineconfig.RenderedName;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node-loop half of {@code ccd demo}: an embedded Kubernetes API (fabric8 mock server, CRUD
 * mode, used only here and in tests), one Node, the rendered MachineConfig, and the real agent
 * against a temporary root; a printed timeline of the Node's state, first Working → Done, then a
 * config that fails validation → Unreconcilable.
 */
final class DemoAgent {
  static final String NODE = "demo-worker-0";
  private static final NodeAnnotations KEYS = new NodeAnnotations();

  private final PrintWriter out;
  private final PrintWriter err;
  private final String pool;

  DemoAgent(PrintWriter out, PrintWriter err, String pool) {
    this.out = out;
    this.err = err;
    this.pool = pool;
  }

  int run(Path demoRoot, String generatedConfigYaml) throws Exception {
    Path root = demoRoot.resolve("node");
    Files.createDirectories(root.resolve("etc/containers"));
    Files.writeString(
        root.resolve("etc/containers/registries.conf"),
        DemoCommand.OS_REGISTRIES_CONF,
        StandardCharsets.UTF_8);

    DemoCommand.heading(out, "8. The node agent against an embedded Kubernetes API");
    try (EmbeddedApi api = new EmbeddedApi()) {
      KubernetesClient client = api.client();
      client
          .nodes()
          // One node and no drain controller: a single-replica control plane, never drained.
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .withAnnotations(
                      java.util.Map.of(
                          new dev.ccd.kube.NodeAnnotations().controlPlaneTopologyKey(),
                          dev.ccd.kube.DrainState.SINGLE_REPLICA))
                  .endMetadata()
                  .build())
          .create();
      String good = rendered(generatedConfigYaml);
      String goodName = create(client, good);
      out.println("  API " + api.url() + ", Node " + NODE + ", MachineConfig " + goodName);
      out.println("  agent root " + root + " (" + DemoCommand.RECORDED.recordedBecause() + ")");

      HostWiring host = HostWiring.forRoot(root, DemoCommand.RECORDED);
      List<String> timeline = new CopyOnWriteArrayList<>();
      Instant start = Instant.now();
      Fabric8NodeApi nodes = new Fabric8NodeApi(client);
      try (Watch watch = nodes.watch(NODE, recorder(timeline, start));
          AgentRuntime runtime =
              AgentRuntime.start(
                  host,
                  client,
                  new AgentRuntime.Options(
                      NODE,
                      KEYS,
                      Optional.of("127.0.0.1:0"),
                      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)),
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(10),
                      Duration.ofSeconds(10)))) {
        var address = runtime.health().orElseThrow().address();
        out.println(
            "  metrics on http://"
                + address.getHostString()
                + ":"
                + address.getPort()
                + "/metrics");
        nodes.patchAnnotations(NODE, Map.of(KEYS.desiredConfigKey(), goodName));
        if (!awaitState(nodes, timeline, goodName, "Done")) {
          err.println("demo: the node did not reach Done; timeline: " + timeline);
          return 1;
        }

        String bad = invalidConfig();
        String badName = create(client, bad);
        out.println("  now desiredConfig=" + badName + " (its registries.conf uses https://)");
        nodes.patchAnnotations(NODE, Map.of(KEYS.desiredConfigKey(), badName));
        if (!awaitState(nodes, timeline, badName, "Unreconcilable")) {
          err.println("demo: the node did not reach Unreconcilable; timeline: " + timeline);
          return 1;
        }
        out.println();
        out.println("  timeline of Node " + NODE + " (state, currentConfig, reason):");
        timeline.forEach(t -> out.println("    " + t));
        out.println("  Events on Node " + NODE + ":");
        awaitEvent(client, "Unreconcilable"); // Events are written by a background thread
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> NODE.equals(e.getInvolvedObject().getName()))
            .sorted(java.util.Comparator.comparing(e -> e.getFirstTimestamp()))
            .forEach(
                e ->
                    out.printf(
                        "    %-7s %-18s %s%n",
                        e.getType(), e.getReason(), shorten(e.getMessage())));
        String scrape = runtime.metrics().scrape();
        out.println("  from /metrics:");
        scrape
            .lines()
            .filter(l -> l.startsWith("ccd_state{") || l.startsWith("ccd_updates_total{"))
            .forEach(l -> out.println("    " + l));
      }
    }
    return 0;
  }

  private static void awaitEvent(KubernetesClient client, String reason)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline
        && client.v1().events().inNamespace("default").list().getItems().stream()
            .noneMatch(e -> reason.equals(e.getReason()))) {
      Thread.sleep(50); // the demo's own look at a local API
    }
  }

  private static String shorten(String message) {
    return message.length() <= 110 ? message : message.substring(0, 107) + "...";
  }

  /**
   * Until the Node is in {@code state} for {@code desired} and the timeline's watch has recorded it
   * too (a GET can see the state before the watch event arrives, and the timeline is printed next).
   */
  private boolean awaitState(
      Fabric8NodeApi nodes, List<String> timeline, String desired, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      NodeView v = nodes.get(NODE);
      var status = KEYS.read(v.annotations());
      if (status.desiredConfig().equals(desired)
          && status.state().wire().equals(state)
          && lastRecordedState(timeline).equals(state)) {
        return true;
      }
      Thread.sleep(50); // polling a local demo API; the agent itself never polls
    }
    return false;
  }

  /** The state of the timeline's last line ({@code + 385 ms Working current=…}). */
  private static String lastRecordedState(List<String> timeline) {
    if (timeline.isEmpty()) {
      return "";
    }
    String last = timeline.get(timeline.size() - 1);
    return last.substring(last.indexOf(" ms  ") + 5).split(" ", 2)[0];
  }

  private static NodeListener recorder(List<String> timeline, Instant start) {
    return new NodeListener() {
      private String last = "";

      @Override
      public void onNode(NodeView node) {
        var s = KEYS.read(node.annotations());
        if (node.annotations().get(KEYS.stateKey()) == null) {
          return;
        }
        String line =
            String.format(
                "%-15s current=%s%s",
                s.state().wire(),
                s.currentConfig().isEmpty() ? "-" : s.currentConfig(),
                s.reason().isEmpty() ? "" : "  reason: " + s.reason());
        if (!line.equals(last)) {
          last = line;
          timeline.add(
              String.format(
                  "+%5d ms  %s", Duration.between(start, Instant.now()).toMillis(), line));
        }
      }

      @Override
      public void onClose(Exception cause) {}
    };
  }

  /** The generated MachineConfig renamed as the controller would: rendered-<pool>-<hash>. */
  private String rendered(String yaml) {
    var doc = MachineConfigReader.parse(yaml, "generated");
    ObjectNode mc = IgnitionEncoder.machineConfig("x", pool, List.of());
    mc.set("spec", doc.spec());
    ((ObjectNode) mc.get("metadata")).put("name", RenderedName.of(pool, doc.spec()));
    return mc.toString();
  }

  private String invalidConfig() {
    byte[] conf =
        ("[[registry]]\nprefix = \"quay.io\"\nlocation = \"https://quay.io\"\n")
            .getBytes(StandardCharsets.UTF_8);
    ObjectNode mc =
        IgnitionEncoder.machineConfig(
            "x",
            pool,
            List.of(
                new DesiredFile(
                    "/etc/containers/registries.conf.d/99-" + pool + "-generated-registries.conf",
                    conf,
                    0644,
                    Owner.ROOT)));
    ((ObjectNode) mc.get("metadata")).put("name", RenderedName.of(pool, mc.get("spec")));
    return mc.toString();
  }

  private static String create(KubernetesClient client, String json) {
    GenericKubernetesResource r = Serialization.unmarshal(json, GenericKubernetesResource.class);
    client.resource(r).create();
    return r.getMetadata().getName();
  }
}
