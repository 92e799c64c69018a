package dev.ccd.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.agent.Journal;
import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash torture of the real {@code ccd agent} process (the shaded jar) against the mock API and the
 * systemd sandbox: the agent is SIGKILLed at a random moment of an update, a new agent process is
 * started on the same root, and it must end Done on the desired config with whole files, no
 * journal, no temporary file, and crio told once per completed update (plus once per rollback of an
 * update crio may have seen).
 *
 * <p>{@code -Dccd.torture.agentKills=N} (default 50) and {@code -Dccd.torture.seed=S}.
 */
class AgentCrashTortureIT {
  static final int KILLS = Integer.getInteger("ccd.torture.agentKills", 50);
  static final long SEED = Long.getLong("ccd.torture.seed", System.nanoTime());
  static final String NODE = "worker-torture";
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final Duration DONE_DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final FaultRows ROWS = new FaultRows("crash-torture-agent");

  private EmbeddedApi api;
  private Process agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void everyKilledAgentIsFollowedByOneThatEndsDoneOnTheDesiredConfig() throws Exception {
    Path work = Path.of("target", "torture-agent").toAbsolutePath();
    AgentBed.deleteTree(work);
    Path root = work.resolve("root");
    TortureConfigs.seedRoot(root);
    AgentBed.resetSandbox(SANDBOX);
    List<Path> configs = TortureConfigs.write(work.resolve("configs"));
    Path trainingRoot = work.resolve("training-root");
    TortureConfigs.seedRoot(trainingRoot);
    ChildJava java =
        ChildJava.withArchive(
            work.resolve("ccd.jsa"),
            List.of(
                "apply",
                "--config",
                configs.get(0).toString(),
                "--root",
                trainingRoot.toString(),
                "--no-reload"));
    api = new EmbeddedApi();
    api.client()
        .nodes()
        // One node and no drain controller: a single-replica control plane, never drained.
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
    for (String c : List.of(TortureConfigs.A, TortureConfigs.B)) {
      api.client()
          .resource(
              Serialization.unmarshal(
                  TortureConfigs.machineConfig(c), GenericKubernetesResource.class))
          .create();
    }
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), api.url());
    CrashDisk disk = new CrashDisk(root);
    Random rng = new Random(SEED);
    List<String> args =
        List.of(
            "agent",
            "--node",
            NODE,
            "--root",
            root.toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--metrics-address",
            "127.0.0.1:0",
            "--job-timeout",
            "PT30S");
    Map<String, String> env = Map.of("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());

    long started = System.nanoTime();
    List<Long> startToDone = new ArrayList<>();
    agent = java.start(args, work.resolve("agent-0.log"), env);
    String current = TortureConfigs.A;
    desire(current);
    awaitDone(current);
    startToDone.add((System.nanoTime() - started) / 1_000_000);
    // two uncut updates measure desire → Done, to aim the kills
    List<Long> updates = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      current = other(current);
      long t = System.nanoTime();
      desire(current);
      awaitDone(current);
      updates.add(System.nanoTime() - t);
    }
    long window = Math.max(updates.stream().max(Long::compare).orElseThrow(), 50_000_000L);

    Map<String, Integer> classes = new TreeMap<>();
    long kills = 0;
    long crioActions = 0;
    String failure = null;
    try {
      for (int i = 0; i < KILLS; i++) {
        String target = other(current);
        long crioBefore = CrashDisk.crioLog(SANDBOX.dir()).actions();
        desire(target);
        // A random kill moment is the point of the test; parking here is not a wait for a state.
        LockSupport.parkNanos((long) (rng.nextDouble() * window));
        agent.destroyForcibly();
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("agent died on SIGKILL").isTrue();
        kills++;
        Optional<Journal.Phase> phase = disk.phase();
        boolean temp = !disk.tempFiles().isEmpty();
        boolean recorded = disk.recorded().equals(target);
        String cls =
            phase
                .map(Enum::name)
                .orElse(recorded ? "no journal, update recorded" : "no journal, update not begun");
        classes.merge(cls + (temp ? " + temp file" : ""), 1, Integer::sum);
        List<String> torn = disk.tornOrMixed();
        if (!torn.isEmpty()) {
          throw new AssertionError("kill " + i + " (" + cls + "): torn or mixed " + torn);
        }

        long t = System.nanoTime();
        agent = java.start(args, work.resolve("agent-" + ((i + 1) % 4) + ".log"), env);
        awaitDone(target);
        startToDone.add((System.nanoTime() - t) / 1_000_000);
        String at = "kill " + i + " (" + cls + "), after the restart: ";
        assertThat(disk.tempFiles()).as(at + "temporary files").isEmpty();
        assertThat(disk.differencesFrom(target)).as(at + "differences from " + target).isEmpty();
        assertThat(disk.phase()).as(at + "journal").isEmpty();
        assertThat(disk.recorded()).as(at + "recorded config").isEqualTo(target);

        long crio = CrashDisk.crioLog(SANDBOX.dir()).actions() - crioBefore;
        crioActions += crio;
        long min;
        long max;
        if (phase.isEmpty()) {
          // either nothing was begun (the new agent applies: 1) or all was done (1, none after)
          min = max = 1;
        } else {
          switch (phase.get()) {
            case WRITING -> min = max = 1; // rolled back silently, applied by the new agent
            case FILES_WRITTEN -> {
              min = 2; // rollback tells crio, the new agent applies; the killed one may have too
              max = 3;
            }
            default -> min = max = 1; // CRIO_DONE: finished from the journal
          }
        }
        assertThat(crio).as(at + "crio actions (%s)", cls).isBetween(min, max);
        current = target;
      }
      assertThat(CrashDisk.crioLog(SANDBOX.dir()).failed()).as("failed crio actions").isZero();
    } catch (AssertionError | Exception e) {
      failure = e.getMessage();
      throw e;
    } finally {
      Map<String, Number> counts = new LinkedHashMap<>();
      counts.put("kills", kills);
      classes.forEach((k, v) -> counts.put("at kill: " + k, v));
      counts.put("crio actions", crioActions);
      counts.put(
          "median ms from agent start to Done",
          startToDone.stream().sorted().toList().get(startToDone.size() / 2));
      counts.put("ms of an uncut update", window / 1_000_000);
      counts.put("seconds", (System.nanoTime() - started) / 1_000_000_000);
      counts.put("seed", SEED);
      ROWS.add(
          new FaultRows.Row(
              "SIGKILL of the `ccd agent` process at a random moment of an update, then a new"
                  + " agent process",
              "whole files after each kill; the new agent ends Done on the desired config, no"
                  + " journal, no temporary file; one crio action per completed update",
              failure == null
                  ? kills + " kills, none torn or mixed, every new agent ended Done"
                  : "FAILED: " + failure,
              counts,
              failure == null));
      System.out.printf("crash torture (agent): %s%n", counts);
    }
  }

  private void desire(String config) {
    api.client()
        .nodes()
        .withName(NODE)
        .edit(
            n -> {
              Map<String, String> a = new TreeMap<>();
              if (n.getMetadata().getAnnotations() != null) {
                a.putAll(n.getMetadata().getAnnotations());
              }
              a.put(KEYS.desiredConfigKey(), config);
              n.getMetadata().setAnnotations(a);
              return n;
            });
  }

  private void awaitDone(String config) {
    await()
        .atMost(DONE_DEADLINE)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              Map<String, String> a =
                  api.client().nodes().withName(NODE).get().getMetadata().getAnnotations();
              return a != null
                  && "Done".equals(a.get(KEYS.stateKey()))
                  && config.equals(a.get(KEYS.currentConfigKey()))
                  && config.equals(a.get(KEYS.desiredConfigKey()));
            });
  }

  private static String other(String config) {
    return config.equals(TortureConfigs.A) ? TortureConfigs.B : TortureConfigs.A;
  }
}
