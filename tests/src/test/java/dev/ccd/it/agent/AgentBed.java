package dev.ccd.it.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.agent.AppliedConfig;
import dev.ccd.agent.StatePaths;
import dev.ccd.agent.StateStore;
import dev.ccd.cli.AgentRuntime;
import dev.ccd.cli.HostWiring;
import dev.ccd.host.DbusSystemd;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.Owner;
import dev.ccd.plan.DisruptionRules;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * One agent test's world: a fresh root under {@code target/}, the fabric8 mock API (CRUD) with one
 * Node, a recorder of the Node's states, and the real agent wired by {@link HostWiring} against the
 * class's systemd sandbox. Everything is real except the API server.
 */
public final class AgentBed implements AutoCloseable {
  public static final String NODE = "worker-0";
  public static final String POOL = "worker";
  public static final NodeAnnotations KEYS = new NodeAnnotations();
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  public static final String DROP_IN =
      "/etc/containers/registries.conf.d/99-worker-generated-registries.conf";
  public static final String POLICY = "/etc/containers/policy.json";
  public static final String REGISTRIES_CONF = "/etc/containers/registries.conf";

  /** The OS's files before ccd touches anything. */
  public static final String OS_REGISTRIES_CONF =
      "unqualified-search-registries = [\"docker.io\"]\n";

  public static final String OS_POLICY = "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n";

  private final SystemdSandbox sandbox;
  private final Path root;
  private final EmbeddedApi api;
  private final Fabric8NodeApi nodes;
  private final List<String> states = new CopyOnWriteArrayList<>();
  private final Watch recorder;
  private final List<AutoCloseable> agents = new ArrayList<>();

  /**
   * A one-node cluster: the Node says {@code controlPlaneTopology=SingleReplica}, so the agent
   * applies changes that call for a drain without one (no drain controller runs here).
   */
  public AgentBed(SystemdSandbox sandbox, String name) throws Exception {
    this(sandbox, name, new EmbeddedApi(), true);
  }

  /**
   * A bed on {@code api}; {@code singleReplica} false leaves the Node's topology unset, so changes
   * that call for a drain wait for a drain controller.
   */
  public AgentBed(SystemdSandbox sandbox, String name, EmbeddedApi api, boolean singleReplica)
      throws Exception {
    this.sandbox = sandbox;
    resetSandbox(sandbox);
    root = Path.of("target", "agent-it", name).toAbsolutePath();
    deleteTree(root);
    Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    Files.createDirectories(root.resolve("etc/containers/registries.d"));
    Files.writeString(root.resolve(REGISTRIES_CONF.substring(1)), OS_REGISTRIES_CONF);
    Files.writeString(root.resolve(POLICY.substring(1)), OS_POLICY);
    this.api = api;
    client()
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withAnnotations(
                    singleReplica
                        ? Map.of(KEYS.controlPlaneTopologyKey(), "SingleReplica")
                        : Map.of())
                .endMetadata()
                .build())
        .create();
    nodes = new Fabric8NodeApi(client());
    recorder = nodes.watch(NODE, stateRecorder(states));
  }

  /** Deletes the failure flags, truncates crio.log and restarts crio if a test left it failed. */
  public static void resetSandbox(SystemdSandbox sandbox) throws IOException {
    for (String flag :
        List.of("crio.fail", "crio.reload-fail", "crio.start-delay", "crio.reload-delay")) {
      Files.deleteIfExists(sandbox.dir().resolve(flag));
    }
    DbusSystemd systemd = new DbusSystemd(sandbox.address());
    if (!"active".equals(systemd.activeState("crio.service"))) {
      assertThat(systemd.restart("crio.service", Duration.ofSeconds(30)).succeeded())
          .as("reset restart of crio.service")
          .isTrue();
    }
    Files.writeString(sandbox.dir().resolve("crio.log"), "");
  }

  public KubernetesClient client() {
    return api.client();
  }

  public EmbeddedApi api() {
    return api;
  }

  public Path root() {
    return root;
  }

  /** The host wiring the commands use, with the sandbox's system bus. */
  public HostWiring.Settings settings() {
    return HostWiring.Settings.agent("crio.service", Duration.ofSeconds(30))
        .withEnvironment(Map.of("DBUS_SYSTEM_BUS_ADDRESS", sandbox.address()));
  }

  public AgentRuntime startAgent() throws IOException {
    return startAgent(DisruptionRules.defaults());
  }

  public AgentRuntime startAgent(DisruptionRules rules) throws IOException {
    return startAgent(rules, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)));
  }

  /** The real agent in this JVM, metrics on 127.0.0.1:0; closed with the bed. */
  public AgentRuntime startAgent(DisruptionRules rules, Backoff retry) throws IOException {
    HostWiring host = HostWiring.forAgent(root, settings().withRules(rules));
    host.applier().recover();
    AgentRuntime runtime =
        AgentRuntime.start(
            host,
            client(),
            new AgentRuntime.Options(
                NODE,
                KEYS,
                Optional.of("127.0.0.1:0"),
                retry,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10)));
    agents.add(runtime);
    return runtime;
  }

  /** Stops the agents started in this JVM so far. */
  public void stopAgents() throws Exception {
    for (AutoCloseable a : agents) {
      a.close();
    }
    agents.clear();
  }

  /** Creates a MachineConfig named {@code name} holding {@code files}; returns the name. */
  public String createConfig(String name, List<DesiredFile> files) {
    String json = IgnitionEncoder.machineConfig(name, POOL, files).toString();
    client().resource(Serialization.unmarshal(json, GenericKubernetesResource.class)).create();
    return name;
  }

  /** Replaces the MachineConfig {@code name} in the API (an in-place edit). */
  public void replaceConfig(String name, List<DesiredFile> files) {
    String json = IgnitionEncoder.machineConfig(name, POOL, files).toString();
    client().resource(Serialization.unmarshal(json, GenericKubernetesResource.class)).update();
  }

  public void desire(String config) throws Exception {
    annotate(Map.of(KEYS.desiredConfigKey(), config));
  }

  public void annotate(Map<String, String> annotations) throws Exception {
    nodes.patchAnnotations(NODE, annotations);
  }

  public ConfigStatus status() throws Exception {
    return KEYS.read(nodes.get(NODE).annotations());
  }

  public Map<String, String> annotations() throws Exception {
    return nodes.get(NODE).annotations();
  }

  /** Waits until the Node says {@code state} for desiredConfig {@code desired}. */
  public ConfigStatus awaitState(ConfigState state, String desired) {
    return await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(
            this::status,
            s ->
                s.state() == state
                    && s.desiredConfig().equals(desired)
                    && (state != ConfigState.DONE || s.currentConfig().equals(desired))
                    // and the recording watch has seen it too, so states() is up to date
                    && lastRecorded().equals(state.wire()));
  }

  private String lastRecorded() {
    List<String> seen = List.copyOf(states);
    return seen.isEmpty() ? "" : seen.get(seen.size() - 1);
  }

  /** Each distinct state annotation in the order the Node showed it ({@code Done} etc.). */
  public List<String> states() {
    return List.copyOf(states);
  }

  /** Events the agent wrote about the Node, oldest first. */
  public List<Event> events() {
    return client().v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> NODE.equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
        .toList();
  }

  /**
   * The action word of each crio.log line ({@code reload}, {@code stop}, …), timestamps checked.
   */
  public List<String> crioActions() throws IOException {
    return Files.readAllLines(sandbox.dir().resolve("crio.log")).stream()
        .filter(l -> !l.isBlank())
        .map(
            l -> {
              String[] f = l.split(" ");
              Instant.parse(f[1]);
              return f[0];
            })
        .toList();
  }

  public long count(String action) throws IOException {
    return crioActions().stream().filter(action::equals).count();
  }

  public Path sandboxFile(String name) {
    return sandbox.dir().resolve(name);
  }

  public Path host(String path) {
    return root.resolve(path.substring(1));
  }

  public byte[] read(String path) throws IOException {
    return Files.readAllBytes(host(path));
  }

  public String mode(String path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(host(path), LinkOption.NOFOLLOW_LINKS));
  }

  /** The config the agent recorded as applied completely ({@code /var/lib/ccd}). */
  public AppliedConfig recorded() throws IOException {
    return new StateStore(new PosixHostFiles(root), StatePaths.DEFAULT).applied();
  }

  /** Every path under the root with its mode and bytes (directories as "dir"). */
  public Map<String, String> tree() throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String perms =
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String what =
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? "dir"
                : Arrays.toString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(readAll(p)));
        all.put(root.relativize(p).toString(), perms + " " + what);
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return all;
  }

  private static byte[] readAll(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Override
  public void close() throws Exception {
    stopAgents();
    recorder.close();
    api.close();
  }

  public static DesiredFile file(String path, String content) {
    return new DesiredFile(path, content.getBytes(UTF_8), 0644, Owner.ROOT);
  }

  /** A valid drop-in mirroring quay.io/team{n}. */
  public static String dropIn(int n) {
    return "[[registry]]\n"
        + "prefix = \"quay.io/team"
        + n
        + "\"\n"
        + "location = \"quay.io/team"
        + n
        + "\"\n\n"
        + "[[registry.mirror]]\n"
        + "location = \"mirror.example.com/team"
        + n
        + "\"\n";
  }

  /** A valid policy.json that differs for each {@code n}. */
  public static String policy(int n) {
    return "{\"default\":[{\"type\":\"insecureAcceptAnything\"}],"
        + "\"transports\":{\"docker\":{\"quay.io/team"
        + n
        + "\":[{\"type\":\"insecureAcceptAnything\"}]}}}\n";
  }

  /** A two-file config: drop-in and policy.json. */
  public static List<DesiredFile> twoFiles(int n) {
    return List.of(file(DROP_IN, dropIn(n)), file(POLICY, policy(n)));
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static NodeListener stateRecorder(List<String> states) {
    return new NodeListener() {
      @Override
      public void onNode(NodeView node) {
        String s = node.annotations().get(KEYS.stateKey());
        if (s != null && (states.isEmpty() || !states.get(states.size() - 1).equals(s))) {
          states.add(s);
        }
      }

      @Override
      public void onClose(Exception cause) {}
    };
  }
}
