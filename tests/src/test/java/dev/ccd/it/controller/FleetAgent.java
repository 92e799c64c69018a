package dev.ccd.it.controller;

import dev.ccd.agent.Applier;
import dev.ccd.agent.CrioControl;
import dev.ccd.agent.NodeAgent;
import dev.ccd.agent.NodeState;
import dev.ccd.agent.Reconciler;
import dev.ccd.agent.StatePaths;
import dev.ccd.agent.StateStore;
import dev.ccd.agent.UpdatePreparation;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.Fabric8ConfigSource;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.machineconfig.ContentValidator;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.observe.AgentMetrics;
import dev.ccd.plan.DisruptionPolicy;
import dev.ccd.plan.DisruptionRules;
import dev.ccd.plan.Planner;
import dev.ccd.testing.FakeEventSink;
import dev.ccd.testing.FakeHostFiles;
import dev.ccd.testing.FakeMounts;
import dev.ccd.testing.FakeSystemd;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One node of the simulated fleet: the real agent loop ({@link NodeAgent}, {@link Reconciler}, the
 * real planner and applier) talking to the mock API over HTTP through the real fabric8 adapters,
 * with fake host ports (in-memory files, mounts and systemd) so fifty fit in one JVM.
 */
final class FleetAgent implements AutoCloseable {
  static final String OS_REGISTRIES_CONF = "unqualified-search-registries = [\"docker.io\"]\n";
  static final String OS_POLICY = "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n";

  final String node;
  final FakeHostFiles files;
  final FakeSystemd systemd = new FakeSystemd();
  private final AgentMetrics metrics =
      new AgentMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
  private final NodeAgent agent;

  FleetAgent(KubernetesClient client, String node, NodeAnnotations keys, FakeHostFiles files)
      throws IOException {
    this.node = node;
    this.files = files;
    Clock clock = Clock.systemUTC();
    StateStore store = new StateStore(files, StatePaths.DEFAULT);
    CrioControl crio = CrioControl.using(systemd, "crio.service", Duration.ofSeconds(5));
    UpdatePreparation preparation =
        new UpdatePreparation(
            files,
            ManagedPaths.DEFAULT,
            StatePaths.DEFAULT,
            new Planner(
                new DisruptionPolicy(
                    DisruptionRules.defaults(), ContentValidator::parseRegistries)),
            ContentValidator::check);
    Applier applier = new Applier(files, new FakeMounts(), crio, store, clock);
    Fabric8NodeApi nodes = new Fabric8NodeApi(client);
    Fabric8ConfigSource configs = new Fabric8ConfigSource(client);
    NodeState state = new NodeState(node, nodes, new FakeEventSink(), keys, metrics, clock);
    agent =
        new NodeAgent(
            new NodeAgent.Settings(
                node,
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)),
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Optional.empty()),
            nodes,
            kick ->
                new Reconciler(
                    configs,
                    state,
                    preparation,
                    applier,
                    store,
                    files,
                    List.of("/etc/containers/registries.conf.d"),
                    metrics,
                    clock,
                    kick),
            clock);
    agent.start();
  }

  /** A host with the OS's registries.conf and policy.json, nothing of ccd's yet. */
  static FakeHostFiles freshHost() {
    return new FakeHostFiles()
        .put("/etc/containers/registries.conf", OS_REGISTRIES_CONF, 0644)
        .put("/etc/containers/policy.json", OS_POLICY, 0644);
  }

  @Override
  public void close() {
    agent.close();
    metrics.close();
  }
}
