package dev.ccd.cli;

import dev.ccd.controller.RenderedCollector;
import dev.ccd.kube.FailureMessage;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.KubeClients;
import dev.ccd.kube.LeaderLease;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.OpenShiftCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ccd controller}: the cluster half (a Deployment; replicas share a leader Lease). */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
      "Run the controller: render mirror sets into pool configs and roll them out node by node.",
      "Renders mirror sets and MachineConfigs into each MachineConfigPool's rendered config,"
          + " sets the nodes' desiredConfig at most maxUnavailable at a time (paused pools wait),"
          + " drains nodes whose agent asks for it, and writes pool status. Replicas elect a"
          + " leader with a Lease; only the leader acts. Refuses to run where the"
          + " machine-config-operator runs."
    })
final class ControllerCommand implements Callable<Integer> {
  /**
   * The logger, made when the command runs: picocli instantiates every command to print {@code
   * --help}, and a static logger there would start logback for it (≈ 350 classes).
   */
  private static Logger log() {
    return LoggerFactory.getLogger(ControllerCommand.class);
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      description = "kubeconfig (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)")
  Optional<Path> kubeconfig;

  @Option(
      names = "--namespace",
      defaultValue = "${env:POD_NAMESPACE:-ccd-system}",
      description = "namespace of the leader Lease (default: $POD_NAMESPACE, else ccd-system)")
  String namespace;

  @Option(
      names = "--lease-name",
      defaultValue = "ccd-controller",
      description = "name of the leader Lease (default: ${DEFAULT-VALUE})")
  String leaseName;

  @Option(
      names = "--identity",
      description = "this replica's name in the Lease (default: the pod's host name)")
  String identity;

  @Option(
      names = "--metrics-address",
      defaultValue = ":8798",
      description = "address of /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE})")
  String metricsAddress;

  @Option(
      names = "--rendered-keep",
      defaultValue = "5",
      description =
          "rendered configs kept per pool when no pool or node refers to them (default:"
              + " ${DEFAULT-VALUE})")
  int renderedKeep;

  @Option(
      names = "--drain-timeout",
      defaultValue = "PT1H",
      description = "how long a node's drain may take before it is given up (default: PT1H)")
  Duration drainTimeout;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    if (renderedKeep < 0) {
      err.println("controller: --rendered-keep must not be negative, got " + renderedKeep);
      return 2;
    }
    if (drainTimeout.isNegative() || drainTimeout.isZero()) {
      err.println("controller: --drain-timeout must be positive, got " + drainTimeout);
      return 2;
    }
    String me = identity != null && !identity.isBlank() ? identity : hostName();
    if (me.isEmpty()) {
      err.println("controller: this host has no name to hold the Lease with; give --identity");
      return 2;
    }
    ApiServer api;
    try {
      api = ApiServer.resolve(kubeconfig);
    } catch (ApiServer.Unusable e) {
      err.println("controller: " + e.getMessage());
      return 2;
    }
    log().info("API server {}", api.describe());
    KubernetesClient client = KubeClients.create(api.config());
    try {
      Optional<String> mco;
      try {
        mco = OpenShiftCheck.machineConfigOperator(client);
      } catch (KubeApiException e) {
        err.println("controller: " + e.getMessage());
        return 1;
      }
      if (mco.isPresent()) {
        err.println(
            "controller: the machine-config-operator runs in this cluster ("
                + mco.get()
                + "); refusing to start, because two controllers must never fight over the same"
                + " node annotations and pool fields");
        return 2;
      }
      ControllerRuntime.Settings settings =
          new ControllerRuntime.Settings(
              LeaderLease.Settings.defaults(namespace, leaseName, me),
              Optional.of(metricsAddress),
              new NodeAnnotations(),
              new RenderedCollector.Policy(Duration.ofHours(1), renderedKeep),
              drainTimeout,
              Duration.ofMillis(200));
      CountDownLatch stopped = new CountDownLatch(1);
      try (ControllerRuntime runtime = ControllerRuntime.start(client, settings)) {
        log()
            .info(
                "ccd controller {} (Lease {}/{}); metrics on {}",
                me,
                namespace,
                leaseName,
                runtime.health().map(h -> h.address().toString()).orElse("-"));
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      log().info("SIGTERM: releasing the Lease and stopping");
                      runtime.close();
                      stopped.countDown();
                    },
                    "ccd-shutdown"));
        stopped.await();
      }
      return 0;
    } catch (RuntimeException e) {
      err.println("controller: " + FailureMessage.of(e));
      return 1;
    } finally {
      client.close();
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // Two replicas with one made-up name would both think they hold the Lease.
      return "";
    }
  }
}
