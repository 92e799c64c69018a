package dev.ccd.it.reliability;

import static org.awaitility.Awaitility.await;

import dev.ccd.cli.AgentRuntime;
import dev.ccd.cli.HostWiring;
import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.RestartableApi;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.KubeClients;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One outage test's world: a fresh root, the class's systemd sandbox (flags cleared), a {@link
 * RestartableApi} with one Node, and the real agent in this JVM ({@link AgentRuntime}, as {@code
 * ccd agent} wires it) with its own API client, so that the test can take either peer away.
 */
final class OutageBed implements AutoCloseable {
  static final String NODE = "worker-outage";
  static final NodeAnnotations KEYS = new NodeAnnotations();

  /** The agent's retry schedule in these tests: 0.5 s doubling to 30 s. */
  static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final SystemdSandbox sandbox;
  private final Path root;
  private final RestartableApi api;
  private KubernetesClient agentClient;
  private AgentRuntime agent;

  OutageBed(SystemdSandbox sandbox, String name) throws Exception {
    this.sandbox = sandbox;
    AgentBed.resetSandbox(sandbox);
    root = Path.of("target", "reliability-outage", name).toAbsolutePath();
    AgentBed.deleteTree(root);
    TortureConfigs.seedRoot(root);
    api = new RestartableApi();
    api.client()
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
  }

  RestartableApi api() {
    return api;
  }

  Path root() {
    return root;
  }

  Path sandboxFile(String name) {
    return sandbox.dir().resolve(name);
  }

  void startAgent(String crioUnit, Duration jobTimeout) throws IOException {
    HostWiring host =
        HostWiring.forAgent(
            root,
            HostWiring.Settings.agent(crioUnit, jobTimeout)
                .withEnvironment(Map.of("DBUS_SYSTEM_BUS_ADDRESS", sandbox.address())));
    host.applier().recover();
    agentClient = KubeClients.forUrl(api.url());
    agent =
        AgentRuntime.start(
            host,
            agentClient,
            new AgentRuntime.Options(
                NODE,
                KEYS,
                Optional.empty(),
                RETRY,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10)));
  }

  String createConfig(String name, List<DesiredFile> files) {
    String json = IgnitionEncoder.machineConfig(name, "worker", files).toString();
    api.client().resource(Serialization.unmarshal(json, GenericKubernetesResource.class)).create();
    return name;
  }

  void desire(String config) {
    api.client()
        .nodes()
        .withName(NODE)
        .edit(
            n -> {
              Map<String, String> a = new TreeMap<>();
              if (n.getMetadata().getAnnotations() != null) {
                a.putAll(n.getMetadata().getAnnotations());
              }
              a.put(KEYS.desiredConfigKey(), config);
              n.getMetadata().setAnnotations(a);
              return n;
            });
  }

  Map<String, String> annotations() {
    Map<String, String> a =
        api.client().nodes().withName(NODE).get().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  String state() {
    return annotations().getOrDefault(KEYS.stateKey(), "");
  }

  void awaitState(String state, String config, Duration deadline) {
    try {
      awaitStateOrTimeout(state, config, deadline);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      Map<String, String> now;
      try {
        now = annotations();
      } catch (RuntimeException r) {
        now = Map.of("(unreadable)", String.valueOf(r.getMessage()));
      }
      throw new AssertionError(
          "no "
              + state
              + " for "
              + config
              + " within "
              + deadline
              + "; the Node says "
              + now
              + "; requests served "
              + api.counts(),
          e);
    }
  }

  private void awaitStateOrTimeout(String state, String config, Duration deadline) {
    await()
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              Map<String, String> a = annotations();
              return state.equals(a.get(KEYS.stateKey()))
                  && config.equals(a.get(KEYS.desiredConfigKey()))
                  && (!state.equals("Done") || config.equals(a.get(KEYS.currentConfigKey())));
            });
  }

  /** crio.log as (action, time) pairs. */
  List<Map.Entry<String, Instant>> crioLog() throws IOException {
    return Files.readAllLines(sandbox.dir().resolve("crio.log")).stream()
        .filter(l -> !l.isBlank())
        .map(l -> l.split(" "))
        .map(f -> Map.entry(f[0], Instant.parse(f[1])))
        .toList();
  }

  long crio(String action) throws IOException {
    return crioLog().stream().filter(e -> e.getKey().equals(action)).count();
  }

  byte[] read(String path) throws IOException {
    return Files.readAllBytes(root.resolve(path.substring(1)));
  }

  void stopAgent() throws IOException {
    if (agent != null) {
      agent.close();
      agent = null;
    }
    if (agentClient != null) {
      agentClient.close();
      agentClient = null;
    }
  }

  @Override
  public void close() throws Exception {
    stopAgent();
    api.close();
  }
}
