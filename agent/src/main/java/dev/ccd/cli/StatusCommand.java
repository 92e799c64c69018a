package dev.ccd.cli;

import dev.ccd.cli.status.Fabric8StatusSource;
import dev.ccd.cli.status.StatusPrinter;
import dev.ccd.kube.KubeClients;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.registries.SafeText;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ccd status}: pools and nodes at a glance, as {@code oc get mcp} users expect. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the pools and nodes at a glance, read from the API server.",
      "MachineConfigPools with oc get mcp's columns (config, conditions, machine counts), then"
          + " the Nodes (pool, state, current and desired config, drain, reason)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "1:the API server could not be read", "2:invalid command line"})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "wide, json or yaml (default: the tables)")
  StatusPrinter.Format output = StatusPrinter.Format.table;

  @Option(
      names = {"-w", "--watch"},
      description = "print again whenever a pool or node changes")
  boolean watch;

  @Option(
      names = "--kubeconfig",
      description = "kubeconfig (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)")
  Optional<Path> kubeconfig;

  @Option(
      names = "--annotation-prefix",
      defaultValue = NodeAnnotations.MCO_PREFIX,
      description = "prefix of the node annotations (default: ${DEFAULT-VALUE})")
  String prefix;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    NodeAnnotations keys;
    try {
      keys = new NodeAnnotations(prefix, NodeAnnotations.CCD_PREFIX);
    } catch (IllegalArgumentException e) {
      err.println("status: --annotation-prefix: " + SafeText.escape(e.getMessage()));
      return 2;
    }
    StatusPrinter printer =
        new StatusPrinter(output, Clock.systemUTC(), keys, spec.commandLine().getOut());
    ApiServer api;
    try {
      api = ApiServer.resolve(kubeconfig);
    } catch (ApiServer.Unusable e) {
      err.println("status: " + e.getMessage());
      return 2;
    }
    try (KubernetesClient client = KubeClients.create(api.config());
        Fabric8StatusSource source = new Fabric8StatusSource(client)) {
      if (watch) {
        printer.watch(source);
      } else {
        printer.once(source);
      }
      return 0;
    } catch (IllegalArgumentException | KubernetesClientException e) {
      err.println("status: API server " + api.describe() + ": " + FailureText.of(e));
      return 1;
    }
  }
}
