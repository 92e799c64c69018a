package dev.ccd.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's time per update phase over a run of updates, from two scrapes of its {@code
 * ccd_update_phase_seconds} sums (before and after the run).
 */
final class Phases {
  private static final Pattern SUM =
      Pattern.compile("(?m)^ccd_update_phase_seconds_sum\\{phase=\"([a-z]+)\"\\} ([0-9.Ee+-]+)$");

  private final Map<String, Double> meanMillis;

  private Phases(Map<String, Double> meanMillis) {
    this.meanMillis = meanMillis;
  }

  static Phases between(String before, String after, int updates) {
    Map<String, Double> start = sums(before);
    Map<String, Double> mean = new LinkedHashMap<>();
    sums(after)
        .forEach(
            (phase, sum) ->
                mean.put(phase, (sum - start.getOrDefault(phase, 0.0)) * 1000 / updates));
    if (mean.isEmpty()) {
      throw new IllegalStateException("the agent exported no ccd_update_phase_seconds");
    }
    return new Phases(mean);
  }

  private static Map<String, Double> sums(String scrape) {
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher m = SUM.matcher(scrape);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  double total() {
    return meanMillis.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  String describe() {
    StringBuilder b = new StringBuilder();
    meanMillis.forEach((p, ms) -> b.append(String.format("    %-8s %7.2f ms%n", p, ms)));
    b.append(String.format("    %-8s %7.2f ms%n", "sum", total()));
    return b.toString();
  }

  String inline() {
    StringBuilder b = new StringBuilder();
    meanMillis.forEach((p, ms) -> b.append(String.format("%s %.1f, ", p, ms)));
    return b.append(String.format("sum %.1f ms", total())).toString();
  }
}
