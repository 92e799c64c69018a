package dev.ccd.cli;

import dev.ccd.host.InstanceLock;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.KubeClients;
import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ccd agent}: the per-node daemon (a privileged DaemonSet pod). */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the node agent: apply the MachineConfig named by this Node's desiredConfig.",
      "Watches the Node, writes the MachineConfig's files under /etc/containers in --root,"
          + " reloads or restarts crio over D-Bus, reports state annotations, Events and"
          + " Prometheus metrics, and watches the files for drift. Stops cleanly on SIGTERM."
    })
final class AgentCommand implements Callable<Integer> {
  /**
   * The logger, made when the command runs: picocli instantiates every command to print {@code
   * --help}, and a static logger there would start logback for it (≈ 350 classes).
   */
  private static Logger log() {
    return LoggerFactory.getLogger(AgentCommand.class);
  }

  /** How long the first connection to the API server may take before the agent says so. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  @Spec CommandSpec spec;

  @Option(
      names = "--node",
      defaultValue = "${env:NODE_NAME}",
      description = "this Node's name (default: $NODE_NAME)")
  String node;

  @Option(
      names = "--root",
      defaultValue = "/",
      description = "host root, /host in the DaemonSet (default: ${DEFAULT-VALUE})")
  Path root;

  @Option(
      names = "--annotation-prefix",
      defaultValue = NodeAnnotations.MCO_PREFIX,
      description =
          "prefix of currentConfig/desiredConfig/state/reason (default: ${DEFAULT-VALUE})")
  String prefix;

  @Option(
      names = "--crio-unit",
      defaultValue = "crio.service",
      description = "systemd unit of the container runtime (default: ${DEFAULT-VALUE})")
  String crioUnit;

  @Option(
      names = "--kubeconfig",
      description = "kubeconfig file (default: in-cluster, else $KUBECONFIG, else ~/.kube/config)")
  Optional<Path> kubeconfig;

  @Option(
      names = "--metrics-address",
      defaultValue = ":8797",
      description =
          "address of /metrics, /healthz, /readyz, empty for none (default: ${DEFAULT-VALUE})")
  String metricsAddress;

  @Option(
      names = "--drift-period",
      defaultValue = "PT10M",
      description = "period of the full drift check (default: ${DEFAULT-VALUE}, 10 minutes)")
  Duration driftPeriod;

  @Option(
      names = "--job-timeout",
      defaultValue = "PT90S",
      description = "how long to wait for crio's reload/restart job (default: ${DEFAULT-VALUE})")
  Duration jobTimeout;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "PT25S",
      description =
          "on SIGTERM, how long an update in progress may take to finish or roll back"
              + " (default: ${DEFAULT-VALUE})")
  Duration shutdownGrace;

  @Option(
      names = "--desired-config",
      paramLabel = "PATH",
      description =
          "host mode, no Kubernetes: apply the MachineConfig file (or directory of them) at PATH;"
              + " state goes to "
              + LocalNodeApi.STATUS_FILE
              + " under --root, events to the log")
  Optional<Path> desiredConfig;

  @Override
  public Integer call() throws Exception {
    if (desiredConfig.isPresent() && (node == null || node.isBlank())) {
      node = java.net.InetAddress.getLocalHost().getHostName(); // only names the status and log
    }
    if (node == null || node.isBlank()) {
      spec.commandLine().getErr().println("agent: --node or NODE_NAME is required");
      return 2;
    }
    // The API server and where it came from, first: a wrong kubeconfig fails fast and by name.
    // Host mode (--desired-config) talks to no API server.
    Config config = null;
    if (desiredConfig.isEmpty()) {
      ApiServer api;
      try {
        api = ApiServer.resolve(kubeconfig);
      } catch (ApiServer.Unusable e) {
        spec.commandLine().getErr().println("agent: " + e.getMessage());
        return 2;
      }
      config = api.config();
      log().info("API server {}", api.describe());
      KubeClients.unreachable(api.url(), PROBE_TIMEOUT)
          .ifPresent(
              cause ->
                  log()
                      .warn(
                          "API server {} is not reachable: {}; the agent keeps trying",
                          api.describe(),
                          cause));
    }
    HostWiring host;
    try {
      host = HostWiring.forAgent(root, HostWiring.Settings.agent(crioUnit, jobTimeout));
    } catch (IOException e) {
      spec.commandLine().getErr().println("agent: " + e.getMessage());
      return 1;
    }
    try (InstanceLock lock = InstanceLock.acquire(host.root())) {
      List<String> restored = host.mounts().restoreAfterCrash();
      restored.forEach(m -> log().warn("made {} read-only again after a crash", m));
      host.applier().recover().ifPresent(r -> log().warn("start-up: {}", r));
      KubernetesClient client = desiredConfig.isPresent() ? null : KubeClients.create(config);
      AgentRuntime.Edges edges =
          desiredConfig.isPresent()
              ? HostMode.edges(desiredConfig.get(), host, keys())
              : AgentRuntime.kubernetes(client);
      AgentRuntime.Options options =
          new AgentRuntime.Options(
              node,
              keys(),
              Optional.of(metricsAddress).filter(a -> !a.isBlank()), // empty: no server
              new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)),
              Duration.ofSeconds(10),
              driftPeriod,
              shutdownGrace);
      CountDownLatch stopped = new CountDownLatch(1);
      try (AgentRuntime runtime = AgentRuntime.start(host, edges, options)) {
        log()
            .info(
                "ccd agent on node {} (root {}, crio {}); metrics on {}",
                node,
                host.root(),
                host.crio().unit(),
                runtime.health().map(h -> h.address().toString()).orElse("-"));
        Thread hook =
            new Thread(
                () -> {
                  log().info("SIGTERM: finishing the update in progress, then stopping");
                  runtime.close();
                  stopped.countDown();
                },
                "ccd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
      } finally {
        if (client != null) {
          client.close();
        }
      }
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("agent: " + e.getMessage());
      return 1;
    }
  }

  private NodeAnnotations keys() {
    return new NodeAnnotations(prefix, NodeAnnotations.CCD_PREFIX);
  }
}
