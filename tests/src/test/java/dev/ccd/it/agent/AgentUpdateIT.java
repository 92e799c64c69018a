package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.DEADLINE;
import static dev.ccd.it.agent.AgentBed.DROP_IN;
import static dev.ccd.it.agent.AgentBed.KEYS;
import static dev.ccd.it.agent.AgentBed.POLICY;
import static dev.ccd.it.agent.AgentBed.dropIn;
import static dev.ccd.it.agent.AgentBed.file;
import static dev.ccd.it.agent.AgentBed.policy;
import static dev.ccd.it.agent.AgentBed.twoFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.cli.AgentRuntime;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.DisruptionRules;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The node agent end to end in this JVM: real files under a temporary root, real systemd (sandbox)
 * reloading a fake crio over D-Bus, the fabric8 mock API in CRUD mode as the cluster.
 */
class AgentUpdateIT {

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  private AgentBed bed;

  @BeforeEach
  void start(TestInfo test) throws Exception {
    bed =
        new AgentBed(
            SANDBOX,
            "update-"
                + test.getTestMethod().orElseThrow().getName()
                + test.getDisplayName().replaceAll("[^A-Za-z0-9]", ""));
  }

  @AfterEach
  void stop() throws Exception {
    bed.close();
  }

  @Test
  void anInPlaceEditOfTheDesiredMachineConfigIsApplied() throws Exception {
    bed.startAgent();
    String a = bed.createConfig("hand-made", twoFiles(1));
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);

    bed.replaceConfig(a, twoFiles(2));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8)));
    bed.awaitState(ConfigState.DONE, a);
    assertThat(bed.read(POLICY)).isEqualTo(policy(2).getBytes(UTF_8));
    assertThat(bed.crioActions()).containsExactly("reload", "reload");
  }

  @Test
  void reloadPathWritesTheFilesAndReloadsCrioExactlyOnce() throws Exception {
    bed.startAgent();
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));

    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);

    assertThat(bed.states()).as("state annotations seen").containsSubsequence("Working", "Done");
    assertThat(bed.status().reason()).isEmpty();
    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(1).getBytes(UTF_8));
    assertThat(bed.read(POLICY)).isEqualTo(policy(1).getBytes(UTF_8));
    assertThat(bed.mode(DROP_IN)).isEqualTo("rw-r--r--");
    assertThat(bed.mode(POLICY)).isEqualTo("rw-r--r--");
    assertThat(bed.crioActions()).as("crio.log after one update").containsExactly("reload");
    assertThat(bed.recorded().name()).isEqualTo(a);

    // Another rendered config with the same files: Done on it, crio left alone.
    String same = bed.createConfig("rendered-worker-a-again", twoFiles(1));
    bed.desire(same);
    bed.awaitState(ConfigState.DONE, same);
    // The same desiredConfig written again (a no-op annotation update).
    bed.annotate(Map.of(KEYS.desiredConfigKey(), same, "example.com/touch", "1"));
    await().atMost(DEADLINE).until(() -> bed.annotations().containsKey("example.com/touch"));
    bed.awaitState(ConfigState.DONE, same);

    assertThat(bed.crioActions())
        .as("no crio action when nothing changed")
        .containsExactly("reload");
    assertThat(bed.recorded().name()).isEqualTo(same);

    // A real change: exactly one more reload.
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.desire(b);
    bed.awaitState(ConfigState.DONE, b);
    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
    assertThat(bed.crioActions()).containsExactly("reload", "reload");
  }

  @Test
  void aRestartRuleStopsAndStartsCrioOnce() throws Exception {
    DisruptionRules rules =
        DisruptionRules.defaults().toBuilder()
            .rule(POLICY, CrioAction.RESTART, DisruptionRules.Drain.NEVER)
            .build();
    bed.startAgent(rules);
    String a = bed.createConfig("rendered-worker-policy", List.of(file(POLICY, policy(7))));

    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);

    assertThat(bed.read(POLICY)).isEqualTo(policy(7).getBytes(UTF_8));
    assertThat(bed.crioActions()).as("crio.log").containsExactly("stop", "start");
  }

  @Test
  void aFailedReloadRollsBackReloadsAgainAndTheRetryFinishesIt() throws Exception {
    bed.startAgent();
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);
    byte[] dropInA = bed.read(DROP_IN);
    byte[] policyA = bed.read(POLICY);
    Files.createFile(bed.sandboxFile("crio.reload-fail"));

    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.desire(b);

    // Between two retries the old files are back and the Node says why.
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              ConfigStatus s = bed.status();
              assertThat(s.state()).isEqualTo(ConfigState.DEGRADED);
              assertThat(s.reason()).contains("crio", "crio.service", b);
              assertThat(s.currentConfig()).isEqualTo(a);
              assertThat(bed.read(DROP_IN)).isEqualTo(dropInA);
              assertThat(bed.read(POLICY)).isEqualTo(policyA);
            });
    List<String> log = bed.crioActions();
    assertThat(log.subList(0, 3))
        .as("update A, the failed reload of B, the reload after the rollback")
        .containsExactly("reload", "reload-failed", "reload-failed");
    assertThat(bed.recorded().name()).isEqualTo(a);

    Files.delete(bed.sandboxFile("crio.reload-fail"));
    bed.awaitState(ConfigState.DONE, b); // no new annotation: the backoff retry does it

    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
    assertThat(bed.read(POLICY)).isEqualTo(policy(2).getBytes(UTF_8));
    List<String> after = bed.crioActions();
    assertThat(after.get(after.size() - 1)).isEqualTo("reload");
    assertThat(after.stream().filter("reload"::equals).count())
        .as("successful reloads: A and the retried B")
        .isEqualTo(2);
    assertThat(bed.recorded().name()).isEqualTo(b);
  }

  @Test
  void aMissingMachineConfigIsUnreconcilableUntilItIsCreated() throws Exception {
    bed.startAgent();
    String name = "rendered-worker-late";

    bed.desire(name);
    ConfigStatus s = bed.awaitState(ConfigState.UNRECONCILABLE, name);
    assertThat(s.reason()).contains(name, "not found");

    // Its Event is written by a background thread; once it is there, the waiting agent sends
    // no request at all for 1.5 s: it watches the MachineConfig, it does not poll.
    await()
        .atMost(DEADLINE)
        .until(() -> bed.events().stream().anyMatch(e -> "Unreconcilable".equals(e.getReason())));
    int waiting = bed.api().server().getRequestCount();
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> bed.api().server().getRequestCount() == waiting);

    bed.createConfig(name, twoFiles(3)); // the agent's watch on it sees this
    bed.awaitState(ConfigState.DONE, name);

    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(3).getBytes(UTF_8));
    assertThat(bed.crioActions()).containsExactly("reload");
  }

  static Stream<Arguments> unreconcilable() {
    return Stream.of(
        Arguments.of(
            "path outside the allowlist",
            List.of(file("/etc/crio/crio.conf.d/10-x.conf", "[crio]\n")),
            List.of("/etc/crio/crio.conf.d/10-x.conf")),
        Arguments.of(
            "invalid TOML",
            List.of(file(DROP_IN, "[[registry]\nlocation = \"quay.io\"\n")),
            List.of(DROP_IN)),
        Arguments.of(
            "invalid mirror rule",
            List.of(
                file(
                    DROP_IN,
                    "[[registry]]\nprefix = \"quay.io/x\"\nlocation = \"quay.io/x\"\n"
                        + "[[registry.mirror]]\nlocation = \"mirror.example.com/x\"\n"
                        + "pull-from-mirror = \"sometimes\"\n")),
            List.of(DROP_IN, "mirror[0].pull-from-mirror", "sometimes")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreconcilable")
  void unreconcilableInputChangesNothingOnDisk(
      String what, List<DesiredFile> files, List<String> named) throws Exception {
    bed.startAgent();
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);
    var before = bed.tree();

    String bad = bed.createConfig("rendered-worker-bad", files);
    bed.desire(bad);
    ConfigStatus s = bed.awaitState(ConfigState.UNRECONCILABLE, bad);

    assertThat(s.reason()).as("reason for %s", what).contains(named);
    assertThat(s.currentConfig()).isEqualTo(a);
    assertThat(bed.tree()).as("root byte for byte").isEqualTo(before);
    assertThat(bed.crioActions()).containsExactly("reload");
    // Events are written by the agent's background writer: wait for it, do not race it.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> assertThat(bed.events()).anyMatch(e -> "Unreconcilable".equals(e.getReason())));
  }

  @Test
  void driftIsReportedRepairedByHandAndByForceReapply() throws Exception {
    bed.startAgent();
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    bed.desire(a);
    bed.awaitState(ConfigState.DONE, a);
    byte[] good = bed.read(DROP_IN);

    // content drift, then put back by hand
    Files.writeString(bed.host(DROP_IN), dropIn(9));
    ConfigStatus s = bed.awaitState(ConfigState.DEGRADED, a);
    assertThat(s.reason()).contains(DROP_IN, "content mismatch");
    await().atMost(DEADLINE).until(() -> bed.events().stream().anyMatch(this::driftEvent));
    Files.write(bed.host(DROP_IN), good);
    bed.awaitState(ConfigState.DONE, a);

    // mode drift, then put back by hand
    Files.setPosixFilePermissions(bed.host(POLICY), PosixFilePermissions.fromString("rw-------"));
    s = bed.awaitState(ConfigState.DEGRADED, a);
    assertThat(s.reason()).contains(POLICY, "mode mismatch", "0644", "0600");
    Files.setPosixFilePermissions(bed.host(POLICY), PosixFilePermissions.fromString("rw-r--r--"));
    bed.awaitState(ConfigState.DONE, a);
    assertThat(bed.crioActions()).as("drift alone changes nothing").containsExactly("reload");

    // content drift repaired by the agent on request
    Files.writeString(bed.host(DROP_IN), dropIn(9));
    bed.awaitState(ConfigState.DEGRADED, a);
    assertThat(bed.read(DROP_IN))
        .as("drift is not overwritten unasked")
        .isEqualTo(dropIn(9).getBytes(UTF_8));
    bed.annotate(Map.of(KEYS.forceReapplyKey(), "2025-01-01T00:00:00Z"));
    await()
        .atMost(DEADLINE)
        .until(
            () -> "2025-01-01T00:00:00Z".equals(bed.annotations().get(KEYS.forceReapplyDoneKey())));
    bed.awaitState(ConfigState.DONE, a);
    assertThat(bed.read(DROP_IN)).isEqualTo(good);
    assertThat(bed.mode(DROP_IN)).isEqualTo("rw-r--r--");
    assertThat(bed.crioActions())
        .as("the re-apply reloads crio")
        .containsExactly("reload", "reload");
  }

  private boolean driftEvent(Event e) {
    return "ConfigDriftDetected".equals(e.getReason())
        && "Warning".equals(e.getType())
        && e.getMessage().contains(DROP_IN);
  }

  @Test
  void aBurstOfDesiredConfigsCoalescesAndEndsOnTheLast() throws Exception {
    AgentRuntime agent = bed.startAgent();
    List<String> names =
        java.util.stream.IntStream.rangeClosed(1, 5)
            .mapToObj(i -> bed.createConfig("rendered-worker-c" + i, twoFiles(10 + i)))
            .toList();
    // each reload takes a second, so the burst lands while the first update runs
    Files.writeString(bed.sandboxFile("crio.reload-delay"), "1\n");

    for (String n : names) {
      bed.desire(n);
    }
    bed.awaitState(ConfigState.DONE, names.get(4));

    assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(15).getBytes(UTF_8));
    assertThat(bed.read(POLICY)).isEqualTo(policy(15).getBytes(UTF_8));
    assertThat(bed.recorded().name()).isEqualTo(names.get(4));
    long reloads = bed.count("reload");
    double applied =
        Metrics.value(agent.metrics().scrape(), "ccd_updates_total", "result", "success");
    assertThat(reloads).as("reloads for 5 desired configs").isBetween(1L, 4L);
    assertThat(applied).as("updates applied for 5 desired configs").isBetween(1.0, 4.0);
    // Events are written in the background: the last update's may land after its Done.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(
                        bed.events().stream().filter(e -> "Applied".equals(e.getReason())).count())
                    .isEqualTo((long) applied));
  }

  @Test
  void metricsAndHealthFollowTheUpdates() throws Exception {
    AgentRuntime agent = bed.startAgent();
    var address = agent.health().orElseThrow().address();
    Metrics http = new Metrics("http://127.0.0.1:" + address.getPort());
    await().atMost(DEADLINE).until(() -> http.status("/healthz") == 200);
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    Files.writeString(bed.sandboxFile("crio.reload-delay"), "1\n");

    bed.desire(a);
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> http.gauge("ccd_state", "state", "Working") == 1.0);
    bed.awaitState(ConfigState.DONE, a);
    await().atMost(DEADLINE).until(() -> http.gauge("ccd_state", "state", "Done") == 1.0);
    assertThat(http.gauge("ccd_state", "state", "Working")).isZero();
    assertThat(http.gauge("ccd_updates_total", "result", "success")).isEqualTo(1.0);
    assertThat(http.status("/readyz")).isEqualTo(200);
    assertThat(http.status("/healthz")).isEqualTo(200);

    Files.delete(bed.sandboxFile("crio.reload-delay"));
    Files.createFile(bed.sandboxFile("crio.reload-fail"));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.desire(b);
    bed.awaitState(ConfigState.DEGRADED, b);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(http.gauge("ccd_state", "state", "Degraded")).isEqualTo(1.0);
              assertThat(http.gauge("ccd_state", "state", "Done")).isZero();
              assertThat(http.gauge("ccd_updates_total", "result", "rolled_back"))
                  .isGreaterThanOrEqualTo(1.0);
            });
    assertThat(http.gauge("ccd_updates_total", "result", "success")).isEqualTo(1.0);
    assertThat(http.status("/healthz")).as("a degraded node is still alive").isEqualTo(200);
  }
}
