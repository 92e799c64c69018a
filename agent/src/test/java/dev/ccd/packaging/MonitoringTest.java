package dev.ccd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.observe.AgentMetrics;
import dev.ccd.observe.ControllerMetrics;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts and the dashboard read only metrics the agent or the controller exports; README's
 * metrics tables list exactly the ccd_* metrics the two register; every alert links a section of
 * docs/runbook.md.
 */
class MonitoringTest {
  static final Path README = Path.of("../README.md");
  static final Path RUNBOOK = Path.of("../docs/runbook.md");
  static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

  static AgentMetrics metrics;
  static ControllerMetrics controller;
  static Set<String> exported;

  @BeforeAll
  static void scrape() {
    metrics = new AgentMetrics();
    metrics.eventsDropped(() -> 0);
    controller = new ControllerMetrics();
    controller.pool("worker", new ControllerMetrics.PoolSample(3, 1, 1, 1, 0, false, false));
    exported = new TreeSet<>(MonitoringQueries.sampleNames(metrics.scrape()));
    exported.addAll(MonitoringQueries.sampleNames(controller.scrape()));
  }

  @AfterAll
  static void close() {
    metrics.close();
    controller.close();
  }

  @Test
  void everyAlertReadsOnlyExportedMetrics() throws IOException {
    List<String[]> alerts = MonitoringQueries.alerts();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
    for (String[] alert : alerts) {
      Set<String> names = MonitoringQueries.metricNames(alert[1]);
      assertThat(names).as("metrics of alert %s", alert[0]).isNotEmpty();
      assertThat(names)
          .as("alert %s reads metrics neither the agent nor the controller exports", alert[0])
          .allMatch(n -> exported.contains(n) || MonitoringQueries.PROMETHEUS_OWN.contains(n));
    }
  }

  @Test
  void everyDashboardQueryReadsOnlyExportedMetrics() throws IOException {
    List<String[]> queries = MonitoringQueries.dashboardQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    for (String[] q : queries) {
      Set<String> names = MonitoringQueries.metricNames(q[1]);
      assertThat(names).as("metrics of panel %s", q[0]).isNotEmpty();
      assertThat(names)
          .as("panel %s reads metrics neither the agent nor the controller exports", q[0])
          .allMatch(exported::contains);
    }
  }

  @Test
  void metricNamesAreFoundInPromQl() {
    assertThat(
            MonitoringQueries.metricNames(
                "histogram_quantile(0.95, sum by (le, node) (rate(ccd_update_duration_seconds_bucket"
                    + "{job=\"ccd-agent\", state=~\"a|b\"}[$__rate_interval])))"))
        .containsExactly("ccd_update_duration_seconds_bucket");
    assertThat(
            MonitoringQueries.metricNames(
                "(sum(ccd_state{state=\"Done\"}) < count(ccd_state)) and on () (sum(increase("
                    + "ccd_updates_total[1h])) == 0) or absent(up{job=\"x\"} == 1) * 1e3"))
        .containsExactlyInAnyOrder("ccd_state", "ccd_updates_total", "up");
    assertThat(MonitoringQueries.metricNames("process_cpu_usage offset 5m > 0.5"))
        .containsExactly("process_cpu_usage");
  }

  /** `ccd_x{a,b}` → ccd_x, from the first column of README's metrics table. */
  static Set<String> readmeMetrics() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `(ccd_[a-z0-9_]+)(\\{[a-z_,]*\\})?` \\|")
            .matcher(Files.readString(README));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void readmesMetricsTablesListExactlyTheAgentsAndTheControllersMetrics() throws IOException {
    Set<String> documented = readmeMetrics();
    Set<String> families = new TreeSet<>();
    for (String sample : exported) {
      if (!sample.startsWith("ccd_")) {
        continue;
      }
      String family = sample;
      for (String suffix : HISTOGRAM_SUFFIXES) {
        if (sample.endsWith(suffix)
            && documented.contains(sample.substring(0, sample.length() - suffix.length()))) {
          family = sample.substring(0, sample.length() - suffix.length());
        }
      }
      families.add(family);
    }
    assertThat(documented).as("README.md's metrics tables").isEqualTo(families);
  }

  @Test
  void readmeListsEveryUpdateResult() throws IOException {
    String row =
        Files.readString(README)
            .lines()
            .filter(l -> l.startsWith("| `ccd_updates_total"))
            .findFirst()
            .orElseThrow();
    Matcher m =
        Pattern.compile("ccd_updates_total\\{[^}]*result=\"([a-z_]+)\"").matcher(metrics.scrape());
    List<String> results = new ArrayList<>();
    while (m.find()) {
      results.add(m.group(1));
    }
    assertThat(results).isNotEmpty();
    for (String r : results) {
      assertThat(row)
          .as("README's ccd_updates_total row names result %s", r)
          .contains("`" + r + "`");
    }
  }

  @Test
  void everyAlertLinksAnExistingRunbookSectionAndEverySectionHasAnAlert() throws IOException {
    PrometheusRule rule = (PrometheusRule) ManifestsTest.objects("prometheusrule.yaml").get(0);
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(RUNBOOK)) {
      if (line.startsWith("## ")) {
        anchors.add(anchor(line.substring(3)));
      }
    }
    Set<String> linked = new TreeSet<>();
    for (var group : rule.getSpec().getGroups()) {
      for (Rule r : group.getRules()) {
        String url = r.getAnnotations().get("runbook_url");
        assertThat(url)
            .as("%s's runbook_url", r.getAlert())
            .isEqualTo(
                "https://github.com/ccd-dev/ccd/blob/main/docs/runbook.md#"
                    + r.getAlert().toLowerCase(Locale.ROOT));
        String anchor = url.substring(url.indexOf('#') + 1);
        assertThat(anchors).as("docs/runbook.md sections").contains(anchor);
        assertThat(r.getAnnotations()).containsKey("summary");
        assertThat(r.getLabels()).containsKey("severity");
        linked.add(anchor);
      }
    }
    Set<String> alertSections = new TreeSet<>(anchors);
    alertSections.removeIf(a -> !a.startsWith("ccd"));
    assertThat(alertSections).as("runbook sections named after alerts").isEqualTo(linked);
  }

  /** GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String heading) {
    return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }
}
