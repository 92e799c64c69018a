package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ccd --help} is a start-up path: it must not load what only a running command needs (the
 * logging backend, metrics, the Kubernetes client). Run in a fresh JVM with {@code
 * -Xlog:class+load}, since this test JVM has loaded everything already.
 */
class HelpClassLoadingTest {

  @Test
  void helpLoadsNoLoggingMetricsOrKubernetesClient() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xlog:class+load=info:stdout",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Usage: ccd");
    List<String> heavy =
        out.lines()
            .filter(l -> l.contains("class,load"))
            .filter(
                l ->
                    l.contains(" ch.qos.logback.")
                        || l.contains(" io.micrometer.")
                        || l.contains(" io.fabric8.kubernetes.client.impl.")
                        || l.contains(" com.fasterxml.jackson.databind.ObjectMapper "))
            .toList();
    assertThat(heavy).as("classes --help does not need").isEmpty();
  }
}
