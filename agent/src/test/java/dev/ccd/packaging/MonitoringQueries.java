package dev.ccd.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of packaging/: every alert's expression (base/prometheusrule.yaml) and every dashboard
 * query (dashboards/ccd.json), and the metric names they read. Used by the unit test against the
 * agent's registry and by the IT against a running agent's /metrics.
 */
public final class MonitoringQueries {
  public static final Path PACKAGING = Path.of("../packaging");

  /** Series Prometheus makes itself for every target: not the agent's to export. */
  public static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "bool",
          "offset",
          "group_left",
          "group_right",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*\\}|\\[[^\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?=\\s*(\\()?)");

  private MonitoringQueries() {}

  /** packaging/base/prometheusrule.yaml. */
  public static PrometheusRule prometheusRule() throws IOException {
    return (PrometheusRule) ManifestsTest.objects("prometheusrule.yaml").get(0);
  }

  /** name → expression of every alert. */
  public static List<String[]> alerts() throws IOException {
    PrometheusRule rule = prometheusRule();
    List<String[]> out = new ArrayList<>();
    for (RuleGroup g : rule.getSpec().getGroups()) {
      for (Rule r : g.getRules()) {
        out.add(new String[] {r.getAlert(), r.getExpr().getStrVal()});
      }
    }
    return out;
  }

  /** title → expression of every dashboard query. */
  public static List<String[]> dashboardQueries() throws IOException {
    JsonNode dash = new ObjectMapper().readTree(PACKAGING.resolve("dashboards/ccd.json").toFile());
    List<String[]> out = new ArrayList<>();
    for (JsonNode panel : dash.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        out.add(new String[] {panel.get("title").asText(), target.get("expr").asText()});
      }
    }
    return out;
  }

  /** The metric names a PromQL expression reads (not functions, keywords or label names). */
  public static Set<String> metricNames(String promql) {
    String s = STRING.matcher(promql).replaceAll("\"\"");
    s = BRACES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String word = m.group();
      boolean call = m.group(1) != null;
      boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!call && !partOfNumber && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /** Every sample name in a Prometheus text exposition. */
  public static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(line);
        if (m.find()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }
}
