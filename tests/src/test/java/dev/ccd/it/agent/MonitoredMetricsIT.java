package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.twoFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.cli.AgentRuntime;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.packaging.MonitoringQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running agent (the real wiring, against the systemd sandbox and the mock API) exports every
 * metric that an alert of packaging/base/prometheusrule.yaml or a query of the Grafana dashboard
 * reads, on the /metrics the ServiceMonitor scrapes.
 */
class MonitoredMetricsIT {

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

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

      Set<String> exported = MonitoringQueries.sampleNames(http.scrape());

      Set<String> used = new TreeSet<>();
      List<String[]> queries = new ArrayList<>(MonitoringQueries.alerts());
      queries.addAll(MonitoringQueries.dashboardQueries());
      for (String[] q : queries) {
        used.addAll(MonitoringQueries.metricNames(q[1]));
      }
      used.removeAll(MonitoringQueries.PROMETHEUS_OWN);
      assertThat(used).as("metrics the alerts and the dashboard read").hasSizeGreaterThan(8);
      assertThat(exported).as("the agent's /metrics").containsAll(used);
    }
  }
}
