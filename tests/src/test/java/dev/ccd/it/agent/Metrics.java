package dev.ccd.it.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes the agent's health server and reads single samples from Prometheus text. */
final class Metrics {
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Metrics(String base) {
    this.base = base;
  }

  int status(String path) throws IOException, InterruptedException {
    return get(path).statusCode();
  }

  double gauge(String name, String label, String value) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + r.statusCode());
    }
    return value(r.body(), name, label, value);
  }

  /** The whole /metrics text; fails unless it answers 200. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + r.statusCode());
    }
    return r.body();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The sample {@code name{label="value"}} in {@code scrape}; fails when there is none. */
  static double value(String scrape, String name, String label, String value) {
    Pattern p =
        Pattern.compile(
            "(?m)^"
                + Pattern.quote(name)
                + "\\{[^}]*"
                + Pattern.quote(label + "=\"" + value + "\"")
                + "[^}]*\\} ([0-9.eE+-]+)$");
    Matcher m = p.matcher(scrape);
    if (!m.find()) {
      throw new AssertionError(
          "no sample " + name + "{" + label + "=\"" + value + "\"} in:\n" + scrape);
    }
    return Double.parseDouble(m.group(1));
  }
}
