package dev.ccd.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccd.packaging.MonitoringQueries;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule's rules as Prometheus reads them: `promtool check rules` accepts them, and
 * `promtool test rules` runs tests/src/test/resources/promtool/ccd-alerts-test.yaml (synthetic
 * series: each alert fires on its series after its `for`, not before, not on a healthy one).
 */
class PromtoolRulesIT {
  static final Path WORK = Path.of("target/promtool");

  @Test
  void theAlertsPassPromtoolsCheckAndTheirTests() throws Exception {
    Files.createDirectories(WORK);
    PrometheusRule rule = MonitoringQueries.prometheusRule();
    Map<?, ?> spec = new ObjectMapper().convertValue(rule.getSpec(), Map.class);
    new ObjectMapper(new YAMLFactory()).writeValue(WORK.resolve("ccd-rules.yaml").toFile(), spec);
    try (InputStream test = getClass().getResourceAsStream("/promtool/ccd-alerts-test.yaml")) {
      assertThat(test).as("the promtool test file on the classpath").isNotNull();
      Files.write(WORK.resolve("ccd-alerts-test.yaml"), test.readAllBytes());
    }
    Tool promtool = new Tool("promtool");

    String check = promtool.output(WORK, "check", "rules", "ccd-rules.yaml");
    int rules = MonitoringQueries.alerts().size();
    assertThat(rules).isGreaterThanOrEqualTo(12);
    assertThat(check).contains("SUCCESS: " + rules + " rules found");

    Tool.Result tests = promtool.run(WORK, "test", "rules", "ccd-alerts-test.yaml");
    assertThat(tests.exit()).as(tests.output()).isZero();
    assertThat(tests.output()).contains("SUCCESS");
  }
}
