package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.RestartableApi;
import dev.ccd.it.support.SystemdSandbox;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code ccd agent} process whose API server stops: the log names the server and the
 * kubeconfig it came from within seconds, once for the whole outage, and says when it is back.
 */
class AgentApiOutageIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  static final String NODE = "worker-a";
  static final Duration OUTAGE = Duration.ofSeconds(12);
  static final Pattern RECONNECTED = Pattern.compile("reconnected after (\\d+(?:\\.\\d)?) s");

  @TempDir Path root;
  @TempDir Path work;
  RestartableApi api;
  Process agent;

  @AfterEach
  void stop() throws InterruptedException, IOException {
    if (Files.exists(work.resolve("agent.log"))) {
      System.out.println("agent log:\n" + log()); // for a failed run's report
    }
    if (agent != null) {
      agent.destroy();
      agent.waitFor(20, TimeUnit.SECONDS);
      agent.destroyForcibly();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aStoppedApiServerIsNamedOnceWithItsKubeconfigAndItsReturnSaysHowLongItWasDown()
      throws Exception {
    api = new RestartableApi();
    api.client()
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withAnnotations(
                    Map.of(
                        new dev.ccd.kube.NodeAnnotations().controlPlaneTopologyKey(),
                        dev.ccd.kube.DrainState.SINGLE_REPLICA))
                .endMetadata()
                .build())
        .create();
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    "java",
                    "-jar",
                    JAR.toString(),
                    "agent",
                    "--node",
                    NODE,
                    "--root",
                    root.toString(),
                    "--kubeconfig",
                    kubeconfig.toString()))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("agent.log").toFile());
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());
    agent = pb.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> log().contains("ccd agent on node " + NODE) && api.count("WATCH nodes") > 0);

    String named = "API server " + api.url() + " (from kubeconfig " + kubeconfig + ")";
    long stoppedAt = System.nanoTime();
    api.stop();
    // A few seconds on an idle machine (the dropped watch, one re-list); 20 s under heavy load.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> log().lines().anyMatch(l -> l.contains("WARN") && l.contains(named + ": ")));
    long namedAfterMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
    String firstLine =
        log()
            .lines()
            .filter(l -> l.contains("WARN") && l.contains(named + ": "))
            .findFirst()
            .orElseThrow();
    assertThat(firstLine)
        .contains("WARN")
        .containsAnyOf("connection refused", "the watch connection dropped");

    // The outage lasts on: the watches keep failing, the log does not repeat itself.
    LockSupport.parkNanos(Math.max(0, OUTAGE.toNanos() - (System.nanoTime() - stoppedAt)));
    List<String> warnings =
        log().lines().filter(l -> l.contains("WARN") && l.contains(api.url())).toList();
    assertThat(warnings)
        .as("one warning naming the server for the whole outage, not one per retry")
        .hasSize(1);

    long restartedAt = System.nanoTime();
    api.start(n -> n);
    await().atMost(Duration.ofSeconds(90)).until(() -> RECONNECTED.matcher(log()).find());
    Matcher m = RECONNECTED.matcher(log());
    assertThat(m.find()).isTrue();
    double downSeconds = Double.parseDouble(m.group(1));
    String back = log().lines().filter(l -> l.contains("reconnected after")).findFirst().get();
    assertThat(back).contains(named + " reconnected after");
    double seenDown = (restartedAt - stoppedAt - namedAfterMillis * 1_000_000L) / 1e9;
    double atMost = (System.nanoTime() - stoppedAt) / 1e9;
    assertThat(downSeconds)
        .as("from the first failure to the first answer: it was warned about until the restart")
        .isBetween(seenDown - 1.0, atMost + 1.0);
    assertThat(agent.isAlive()).isTrue();
    System.out.println(
        "API outage: named after "
            + namedAfterMillis
            + " ms; "
            + warnings.size()
            + " warning line(s) in "
            + OUTAGE.toSeconds()
            + " s down; reconnected line says "
            + downSeconds
            + " s");
  }

  String log() throws IOException {
    return Files.readString(work.resolve("agent.log"), StandardCharsets.UTF_8);
  }
}
