package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.twoFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.cli.AgentRuntime;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.packaging.MonitoringQueries;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running agent (the real wiring, against the systemd sandbox and the mock API) and a running
 * {@code ccd controller} (the packaged jar as a process, against the same mock API with one pool)
 * together export every metric that an alert of packaging/base/prometheusrule.yaml or a query of
 * the Grafana dashboard reads, on the /metrics the ServiceMonitor scrapes.
 */
class MonitoredMetricsIT {

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path JAR =
      Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar")).toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void everyMetricOfTheAlertsAndTheDashboardIsExported() throws Exception {
    try (AgentBed bed = new AgentBed(SANDBOX, "monitored-metrics")) {
      AgentRuntime agent = bed.startAgent();
      Metrics http =
          new Metrics("http://127.0.0.1:" + agent.health().orElseThrow().address().getPort());
      await().atMost(AgentBed.DEADLINE).until(() -> http.status("/healthz") == 200);
      String a = bed.createConfig("rendered-worker-a", twoFiles(1));
      bed.desire(a);
      bed.awaitState(ConfigState.DONE, a);
      Set<String> fromAgent = MonitoringQueries.sampleNames(http.scrape());

      Set<String> fromController = scrapeController(bed);

      Set<String> used = new TreeSet<>();
      List<String[]> queries = new ArrayList<>(MonitoringQueries.alerts());
      queries.addAll(MonitoringQueries.dashboardQueries());
      for (String[] q : queries) {
        used.addAll(MonitoringQueries.metricNames(q[1]));
      }
      used.removeAll(MonitoringQueries.PROMETHEUS_OWN);
      assertThat(used).as("metrics the alerts and the dashboard read").hasSizeGreaterThan(8);
      Set<String> controllerOnly = new TreeSet<>(used);
      controllerOnly.removeAll(fromAgent);
      assertThat(controllerOnly)
          .as("metrics read by alerts or the dashboard that the agent does not export")
          .contains("ccd_pool_machines", "ccd_drains_total", "ccd_drain_duration_seconds_bucket");
      assertThat(fromController)
          .as("the controller's /metrics, for what the agent's does not carry")
          .containsAll(controllerOnly);
    }
  }

  /**
   * Starts {@code ccd controller} against the bed's API with a pool that selects no node, waits
   * until its /metrics shows the pool, and returns the sample names of that scrape.
   */
  private static Set<String> scrapeController(AgentBed bed) throws Exception {
    bed.client()
        .resources(MachineConfigPool.class)
        .resource(
            new MachineConfigPoolBuilder()
                .withNewMetadata()
                .withName("monitored")
                .endMetadata()
                .withNewSpec()
                .withMachineConfigSelector(
                    new LabelSelectorBuilder()
                        .withMatchLabels(Map.of("machineconfiguration.openshift.io/role", "none"))
                        .build())
                .withNodeSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("ccd.dev/none", "")).build())
                .endSpec()
                .build())
        .create();
    Path work = Files.createDirectories(Path.of("target", "monitored-metrics").toAbsolutePath());
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), bed.api().url());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = work.resolve("controller.log");
    Process controller =
        new ProcessBuilder(
                JAVA,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString(),
                "controller",
                "--kubeconfig",
                kubeconfig.toString(),
                "--metrics-address",
                "127.0.0.1:" + port,
                "--namespace",
                "ccd-system")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Metrics http = new Metrics("http://127.0.0.1:" + port);
      String[] scrape = new String[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .failFast("the controller exited; its log: " + log, () -> !controller.isAlive())
          .ignoreExceptions()
          .until(
              () -> {
                scrape[0] = http.scrape();
                return scrape[0].contains("ccd_pool_machines{pool=\"monitored\"} 0.0");
              });
      return MonitoringQueries.sampleNames(scrape[0]);
    } finally {
      controller.destroy();
      if (!controller.waitFor(20, TimeUnit.SECONDS)) {
        controller.destroyForcibly();
      }
    }
  }
}
