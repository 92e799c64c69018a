package dev.ccd.cli;

import dev.ccd.agent.NodeAgent;
import dev.ccd.agent.NodeState;
import dev.ccd.agent.Reconciler;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.EventSink;
import dev.ccd.kube.Fabric8ConfigSource;
import dev.ccd.kube.Fabric8EventSink;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodeApi;
import dev.ccd.observe.AgentMetrics;
import dev.ccd.observe.HealthServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent assembled from real adapters: fabric8 for the Node, MachineConfigs and Events, the host
 * wiring for files and crio, Prometheus metrics and the health server. Shared by {@code ccd agent}
 * and {@code ccd demo}.
 */
public final class AgentRuntime implements AutoCloseable {
  /** How the agent runs; read once from the command line. */
  public record Options(
      String node,
      NodeAnnotations keys,
      Optional<String> metricsAddress,
      Backoff retry,
      Duration heartbeat,
      Duration driftPeriod,
      Duration shutdownGrace) {}

  private final NodeAgent agent;
  private final AgentMetrics metrics;
  private final HealthServer health;
  private final Edges edges;

  /** How long close waits for the event writer to send what it holds (Fabric8EventSink's own). */
  private static final Duration EVENTS_GRACE = Duration.ofSeconds(5);

  private AgentRuntime(NodeAgent agent, AgentMetrics metrics, HealthServer health, Edges edges) {
    this.agent = agent;
    this.metrics = metrics;
    this.health = health;
    this.edges = edges;
  }

  /**
   * Where the agent reads its Node and MachineConfigs and writes Events: the Kubernetes API, or
   * local files in host mode. {@code close} stops the event writer, waiting at most {@code wait}.
   */
  public record Edges(
      NodeApi nodes,
      ConfigSource configs,
      EventSink events,
      java.util.function.Consumer<Duration> close,
      java.util.function.Consumer<AgentMetrics> meters) {}

  /** The Kubernetes edges: the Node, MachineConfigs and Events through {@code client}. */
  public static Edges kubernetes(KubernetesClient client) {
    Fabric8EventSink sink = new Fabric8EventSink(client);
    return new Edges(
        new Fabric8NodeApi(client),
        new Fabric8ConfigSource(client),
        sink,
        sink::close,
        m -> m.eventsDropped(sink::dropped));
  }

  /**
   * Starts the agent (and the health server when an address is given); close stops both. When
   * starting fails, whatever was started already (health server, event writer, metrics) is stopped
   * before the error is thrown.
   */
  public static AgentRuntime start(HostWiring host, KubernetesClient client, Options o)
      throws IOException {
    return start(host, kubernetes(client), o);
  }

  /** {@link #start(HostWiring, KubernetesClient, Options)} on the given edges. */
  public static AgentRuntime start(HostWiring host, Edges edges, Options o) throws IOException {
    Clock clock = Clock.systemUTC();
    AgentMetrics metrics = new AgentMetrics();
    HealthServer health = null;
    NodeAgent agent = null;
    try {
      NodeApi nodes = edges.nodes();
      ConfigSource configs = edges.configs();
      edges.meters().accept(metrics);
      NodeState state = new NodeState(o.node(), nodes, edges.events(), o.keys(), metrics, clock);
      agent =
          new NodeAgent(
              new NodeAgent.Settings(
                  o.node(),
                  o.retry(),
                  o.heartbeat(),
                  o.driftPeriod(),
                  o.shutdownGrace(),
                  host.crio().timeout(),
                  Optional.of(host.root())),
              nodes,
              kick ->
                  new Reconciler(
                      configs,
                      state,
                      host.preparation(),
                      host.applier(),
                      host.store(),
                      host.files(),
                      List.of("/etc/containers/registries.conf.d"),
                      metrics,
                      clock,
                      kick),
              clock);
      agent.start();
      if (o.metricsAddress().isPresent()) {
        NodeAgent probed = agent;
        health =
            HealthServer.start(
                HealthServer.parseAddress(o.metricsAddress().get()),
                metrics::scrape,
                probed::liveness,
                probed::readiness);
      }
      return new AgentRuntime(agent, metrics, health, edges);
    } catch (IOException | RuntimeException e) {
      stopQuietly(agent, health, edges, metrics);
      throw e;
    }
  }

  private static void stopQuietly(
      NodeAgent agent, HealthServer health, Edges edges, AgentMetrics metrics) {
    if (agent != null) {
      agent.close();
    }
    if (health != null) {
      health.stop();
    }
    edges.close().accept(Duration.ZERO);
    metrics.close();
  }

  public NodeAgent agent() {
    return agent;
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  public Optional<HealthServer> health() {
    return Optional.ofNullable(health);
  }

  @Override
  public void close() {
    agent.close();
    if (health != null) {
      health.stop();
    }
    edges.close().accept(EVENTS_GRACE);
    metrics.close();
  }
}
