package dev.ccd.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.agent.AppliedConfig;
import dev.ccd.agent.ApplyOutcome;
import dev.ccd.agent.Journal;
import dev.ccd.agent.UpdatePreparation.Prepared;
import dev.ccd.cli.HostWiring;
import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.SystemdSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash torture of {@code ccd apply} (the same Applier, journal and recovery code as the agent):
 * the real jar is SIGKILLed at random moments of updates that alternate between two configs with
 * many files, on two roots in parallel (each with its own systemd sandbox, so crio actions are
 * counted apart). After each kill every managed file must be whole (A's or B's, never torn or
 * mixed); after the restart's recovery and apply the set must be exactly one config, with no
 * journal and no temporary file left, and crio told exactly once per completed update (plus once
 * per rollback of an update crio may have seen).
 *
 * <p>{@code -Dccd.torture.applyKills=N} (default 1000) and {@code -Dccd.torture.seed=S}.
 */
class ApplyCrashTortureIT {
  static final int KILLS = Integer.getInteger("ccd.torture.applyKills", 1000);
  static final long SEED = Long.getLong("ccd.torture.seed", System.nanoTime());

  @RegisterExtension static final SystemdSandbox LANE0 = new SystemdSandbox("lane0");
  @RegisterExtension static final SystemdSandbox LANE1 = new SystemdSandbox("lane1");

  static final FaultRows ROWS = new FaultRows("crash-torture-apply");

  @Test
  void everyKillLeavesWholeFilesAndTheRestartEndsOnOneConfig() throws Exception {
    Path work = Path.of("target", "torture-apply").toAbsolutePath();
    AgentBed.deleteTree(work);
    List<Path> configs = TortureConfigs.write(work.resolve("configs"));
    Path trainingRoot = work.resolve("training-root");
    TortureConfigs.seedRoot(trainingRoot);
    long t0 = System.nanoTime();
    ChildJava java =
        ChildJava.withArchive(
            work.resolve("ccd-apply.jsa"),
            List.of(
                "apply",
                "--config",
                configs.get(0).toString(),
                "--root",
                trainingRoot.toString(),
                "--no-reload"));
    long archiveMillis = (System.nanoTime() - t0) / 1_000_000;

    List<Lane> lanes =
        List.of(
            new Lane("lane0", LANE0, work, configs, java, new Random(SEED)),
            new Lane("lane1", LANE1, work, configs, java, new Random(SEED + 1)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    String failure = null;
    try {
      for (Lane lane : lanes) {
        running.add(pool.submit(() -> lane.run(KILLS / lanes.size())));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failure = String.valueOf(e.getCause().getMessage());
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(60, TimeUnit.SECONDS);
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000;

    Map<String, Number> counts = new LinkedHashMap<>();
    Map<String, Integer> classes = new TreeMap<>();
    long kills = 0;
    long crioChecked = 0;
    long byProcess = 0;
    long chained = 0;
    long crioActions = 0;
    List<Long> startup = new ArrayList<>();
    for (Lane l : lanes) {
      l.classes.forEach((k, v) -> classes.merge(k, v, Integer::sum));
      kills += l.kills;
      crioChecked += l.crioChecked;
      byProcess += l.completedByProcess;
      chained += l.chained;
      crioActions += l.crioActions;
      startup.addAll(l.startToJournalMillis);
    }
    counts.put("kills", kills);
    classes.forEach((k, v) -> counts.put("at kill: " + k, v));
    counts.put("restarts in the test JVM", kills - byProcess - chained);
    counts.put("restarts as a ccd apply process", byProcess);
    counts.put("kills left for the next process to recover", chained);
    counts.put("iterations with crio actions counted exactly", crioChecked);
    counts.put("crio actions", crioActions);
    counts.put("median ms from process start to journal", median(startup));
    counts.put("ms to make the CDS archive", archiveMillis);
    counts.put("seconds", seconds);
    counts.put("seed", SEED);
    ROWS.add(
        new FaultRows.Row(
            "SIGKILL of `ccd apply` at a random moment of an update (two roots in parallel, 8"
                + " files, two of 256 KiB)",
            "every managed file A's or B's; after recovery + apply exactly one config, no"
                + " journal, no temporary file; one crio action per completed update",
            failure == null
                ? kills + " kills, none torn or mixed, every restart ended on one config"
                : "FAILED: " + failure,
            counts,
            failure == null));
    System.out.printf("crash torture (apply): %s%n", counts);
    assertThat(failure).as("first violation").isNull();
    assertThat(kills).isGreaterThanOrEqualTo(KILLS - 1);
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> s = values.stream().sorted().toList();
    return s.get(s.size() / 2);
  }

  /** One root, one sandbox, one process at a time. */
  static final class Lane {
    private final String name;
    private final SystemdSandbox sandbox;
    private final Path root;
    private final Path logs;
    private final Map<String, Path> configFiles = new LinkedHashMap<>();
    private final ChildJava java;
    private final Random rng;
    private final CrashDisk disk;
    final Map<String, Integer> classes = new TreeMap<>();
    final List<Long> startToJournalMillis = new ArrayList<>();
    long kills;
    long crioChecked;
    long completedByProcess;
    long chained;
    long crioActions;
    private long updateWindowNanos;
    private long startToJournalNanos;

    Lane(
        String name,
        SystemdSandbox sandbox,
        Path work,
        List<Path> configs,
        ChildJava java,
        Random rng) {
      this.name = name;
      this.sandbox = sandbox;
      this.root = work.resolve(name).resolve("root");
      this.logs = work.resolve(name);
      configFiles.put(TortureConfigs.A, configs.get(0));
      configFiles.put(TortureConfigs.B, configs.get(1));
      this.java = java;
      this.rng = rng;
      this.disk = new CrashDisk(root);
    }

    void run(int kills) {
      try {
        runChecked(kills);
      } catch (Exception e) {
        throw new IllegalStateException(name + ": " + e, e);
      }
    }

    private void runChecked(int killCount) throws Exception {
      TortureConfigs.seedRoot(root);
      AgentBed.resetSandbox(sandbox);
      String current = TortureConfigs.A;
      completeInJvm(current);
      calibrate();
      current = disk.recorded();
      boolean clean = true;
      for (int i = 0; i < killCount; i++) {
        String target = other(current);
        long crioBefore = CrashDisk.crioLog(sandbox.dir()).actions();
        Path log = logs.resolve("apply-" + (i % 4) + ".log");
        long started = System.nanoTime();
        Process p = startApply(target, log);
        String mode = chooseKillMoment(p, started);
        p.destroyForcibly();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new AssertionError("iteration " + i + ": apply did not die on SIGKILL");
        }
        int exit = p.exitValue();
        boolean killed = exit == 137;
        if (!killed && exit != 0) {
          throw new AssertionError(
              "iteration " + i + ": apply exited " + exit + ":\n" + Files.readString(log));
        }
        kills++;
        Optional<Journal.Phase> phase = disk.phase();
        boolean temp = !disk.tempFiles().isEmpty();
        String recorded = disk.recorded();
        String cls =
            !killed
                ? "exited before the kill"
                : phase
                    .map(Enum::name)
                    .orElse(
                        recorded.equals(target)
                            ? "no journal, update recorded"
                            : "no journal, update not begun");
        classes.merge(cls + (temp ? " + temp file" : ""), 1, Integer::sum);
        List<String> torn = disk.tornOrMixed();
        if (!torn.isEmpty()) {
          throw new AssertionError(
              "iteration " + i + " (" + mode + ", " + cls + "): torn or mixed files " + torn);
        }
        current = target;
        // Some kills are left for the next process to recover: that kills recovery too.
        if (killed && rng.nextInt(5) == 0) {
          chained++;
          clean = false;
          continue;
        }
        boolean byProcess = rng.nextInt(20) == 0;
        boolean applied = byProcess ? completeByProcess(target, i) : completeInJvm(target);
        verifyComplete(target, i, cls);
        long crio = CrashDisk.crioLog(sandbox.dir()).actions() - crioBefore;
        crioActions += crio;
        if (clean) {
          checkCrio(i, cls, phase, killed, recorded.equals(target), applied, crio);
        }
        clean = true;
      }
      if (CrashDisk.crioLog(sandbox.dir()).failed() != 0) {
        throw new AssertionError("crio.log shows a failed action");
      }
    }

    private void checkCrio(
        int i,
        String cls,
        Optional<Journal.Phase> phase,
        boolean killed,
        boolean recordedTarget,
        boolean applied,
        long crio) {
      // crio actions of the killed process, then of the recovery, then of the apply
      long min;
      long max;
      if (!killed || (phase.isEmpty() && recordedTarget)) {
        min = max = 1;
      } else if (phase.isEmpty() || phase.get() == Journal.Phase.WRITING) {
        min = max = 0;
      } else if (phase.get() == Journal.Phase.FILES_WRITTEN) {
        min = 1; // the rollback tells crio; the killed process may or may not have
        max = 2;
      } else {
        min = max = 1;
      }
      min += applied ? 1 : 0;
      max += applied ? 1 : 0;
      if (crio < min || crio > max) {
        throw new AssertionError(
            String.format(
                "iteration %d (%s): %d crio actions, expected %d..%d (applied again: %s)",
                i, cls, crio, min, max, applied));
      }
      crioChecked++;
    }

    /** Three uncut updates measure start → journal and journal → exit, to aim the kills. */
    private void calibrate() throws Exception {
      List<Long> windows = new ArrayList<>();
      List<Long> toJournal = new ArrayList<>();
      String current = disk.recorded();
      for (int i = 0; i < 3; i++) {
        String target = other(current);
        Path log = logs.resolve("calibrate-" + i + ".log");
        long started = System.nanoTime();
        Process p = startApply(target, log);
        long journalAt = awaitJournalOrExit(p);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new AssertionError("calibration apply failed:\n" + Files.readString(log));
        }
        long end = System.nanoTime();
        toJournal.add(journalAt - started);
        windows.add(end - journalAt);
        current = target;
      }
      startToJournalNanos = toJournal.stream().sorted().toList().get(1);
      updateWindowNanos = Math.max(windows.stream().sorted().toList().get(1), 5_000_000);
    }

    /** Waits (polling the disk) for a journal, or for the process to end; returns when. */
    private long awaitJournalOrExit(Process p) {
      Path journal = root.resolve("var/lib/ccd/journal.json");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (p.isAlive() && !Files.exists(journal) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(200_000);
      }
      return System.nanoTime();
    }

    private boolean tempPresent() throws java.io.IOException {
      try (Stream<Path> s = Files.list(root.resolve("etc/containers/registries.conf.d"))) {
        return s.anyMatch(f -> f.getFileName().toString().contains(".ccd-tmp-"));
      }
    }

    /**
     * Picks the kill moment. Parking a random time here is the point of the test (a random kill
     * moment), not a wait for a condition.
     */
    private String chooseKillMoment(Process p, long started) throws Exception {
      int r = rng.nextInt(10);
      if (r < 6) {
        long at = awaitJournalOrExit(p);
        startToJournalMillis.add((at - started) / 1_000_000);
        LockSupport.parkNanos((long) (rng.nextDouble() * updateWindowNanos));
        return "during the update";
      }
      if (r < 9) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (p.isAlive() && !tempPresent() && System.nanoTime() < deadline) {
          LockSupport.parkNanos(100_000);
        }
        LockSupport.parkNanos((long) (rng.nextDouble() * 3_000_000));
        return "a temporary file seen";
      }
      LockSupport.parkNanos((long) (rng.nextDouble() * (startToJournalNanos + updateWindowNanos)));
      return "any moment";
    }

    private Process startApply(String target, Path log) throws java.io.IOException {
      return java.start(
          List.of(
              "apply",
              "--config",
              configFiles.get(target).toString(),
              "--root",
              root.toString(),
              "--job-timeout",
              "PT30S"),
          log,
          Map.of("DBUS_SYSTEM_BUS_ADDRESS", sandbox.address()));
    }

    /** The restart, in this JVM: the product's recovery, then its apply (as ccd apply does). */
    private boolean completeInJvm(String target) throws Exception {
      HostWiring host =
          HostWiring.forRoot(
              root,
              HostWiring.Settings.of(false, "crio.service", Duration.ofSeconds(30))
                  .withEnvironment(Map.of("DBUS_SYSTEM_BUS_ADDRESS", sandbox.address())));
      host.mounts().restoreAfterCrash();
      host.applier().recover();
      AppliedConfig previous = host.store().applied();
      Prepared prepared =
          host.preparation()
              .prepare(
                  TortureConfigs.machineConfig(target),
                  configFiles.get(target).toString(),
                  previous);
      if (!(prepared instanceof Prepared.Ready ready)) {
        throw new AssertionError("the torture config is invalid: " + prepared);
      }
      ApplyOutcome outcome = host.applier().apply(ready.plan(), previous, ready.desired());
      if (outcome instanceof ApplyOutcome.Failed f) {
        throw new AssertionError("the restart's apply failed: " + f.reason());
      }
      return outcome instanceof ApplyOutcome.Applied;
    }

    /** The restart as the real process: {@code ccd apply}, not killed. */
    private boolean completeByProcess(String target, int i) throws Exception {
      completedByProcess++;
      Path log = logs.resolve("restart.log");
      Process p = startApply(target, log);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(
            "iteration " + i + ": the restart (ccd apply) failed:\n" + Files.readString(log));
      }
      String out = Files.readString(log);
      return out.contains("applied " + target);
    }

    private void verifyComplete(String target, int i, String cls) throws Exception {
      String at = "iteration " + i + " (killed at " + cls + "), after the restart: ";
      List<Path> temps = disk.tempFiles();
      if (!temps.isEmpty()) {
        throw new AssertionError(at + "temporary files left: " + temps);
      }
      List<String> diff = disk.differencesFrom(target);
      if (!diff.isEmpty()) {
        throw new AssertionError(at + "not exactly " + target + ": " + diff);
      }
      if (disk.phase().isPresent()) {
        throw new AssertionError(at + "journal left");
      }
      if (!disk.recorded().equals(target)) {
        throw new AssertionError(at + "recorded " + disk.recorded() + ", not " + target);
      }
    }

    private static String other(String config) {
      return config.equals(TortureConfigs.A) ? TortureConfigs.B : TortureConfigs.A;
    }
  }
}
