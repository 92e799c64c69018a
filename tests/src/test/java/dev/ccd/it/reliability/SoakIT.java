package dev.ccd.it.reliability;

import static dev.ccd.it.agent.AgentBed.DROP_IN;
import static dev.ccd.it.agent.AgentBed.dropIn;
import static dev.ccd.it.agent.AgentBed.twoFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.Fabric8NodeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Load over time: 10,000 desiredConfig flips in about a minute must be coalesced (far fewer applies
 * than flips, the last desired ends Done), and the real {@code ccd agent} process, kept busy with
 * an update every few seconds, must hold its resident memory and thread count steady over {@code
 * -Dccd.soak.minutes} (default 5; the last minute's median against the second's).
 */
class SoakIT {
  static final int FLIPS = Integer.getInteger("ccd.soak.flips", 10_000);
  static final int MINUTES = Integer.getInteger("ccd.soak.minutes", 5);
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final FaultRows ROWS = new FaultRows("soak");

  private OutageBed bed;
  private Process agent;

  @AfterEach
  void close() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void tenThousandFlipsAreCoalescedAndTheLastDesiredEndsDone() throws Exception {
    bed = new OutageBed(SANDBOX, "flips");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent("crio.service", Duration.ofSeconds(30));
    bed.desire(a);
    bed.awaitState("Done", a, Duration.ofSeconds(30));
    long reloads0 = bed.crio("reload");
    Fabric8NodeApi nodes = new Fabric8NodeApi(bed.api().client());

    Instant start = Instant.now();
    String last = a;
    for (int i = 1; i <= FLIPS; i++) {
      last = i % 2 == 0 ? a : b;
      nodes.patchAnnotations(OutageBed.NODE, Map.of(OutageBed.KEYS.desiredConfigKey(), last));
    }
    Duration flipping = Duration.between(start, Instant.now());
    bed.awaitState("Done", last, Duration.ofSeconds(60));
    Duration toDone = Duration.between(start, Instant.now());
    long applies = bed.crio("reload") - reloads0;

    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("flips", FLIPS);
    counts.put("seconds flipping", flipping.toMillis() / 1000.0);
    counts.put("applies (crio reloads)", applies);
    counts.put("seconds to the last Done", toDone.toMillis() / 1000.0);
    counts.put("Node PATCHes by the agent", bed.api().count("PATCH nodes") - FLIPS);
    boolean passed = false;
    try {
      assertThat(applies).as("applies for %d flips", FLIPS).isLessThan(FLIPS / 20);
      assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(last.equals(a) ? 1 : 2).getBytes(UTF_8));
      passed = true;
    } finally {
      ROWS.add(
          new FaultRows.Row(
              FLIPS + " desiredConfig flips (A, B, A, …) as fast as the API takes them",
              "coalesced: applies far fewer than flips (< 5 %), the last desired is current and"
                  + " Done, files match it",
              passed ? applies + " applies, last desired Done" : "FAILED",
              counts,
              passed));
    }
  }

  @Test
  void theAgentProcessHoldsItsMemoryAndThreadsSteadyUnderUpdates() throws Exception {
    bed = new OutageBed(SANDBOX, "soak");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    Path work = bed.root().resolveSibling("soak-work");
    AgentBedFiles.reset(work);
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), bed.api().url());
    ChildJava java = ChildJava.withArchive(work.resolve("ccd.jsa"), List.of("--version"));
    agent =
        java.start(
            List.of("-Xmx96m"),
            List.of(
                "agent",
                "--node",
                OutageBed.NODE,
                "--root",
                bed.root().toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--metrics-address",
                "127.0.0.1:0"),
            work.resolve("agent.log"),
            Map.of("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address()));
    bed.desire(a);
    // A cold JVM's first update: generous, since a loaded CI machine may take a minute to start
    // it; the soak measures memory and threads, not latency.
    bed.awaitState("Done", a, Duration.ofMinutes(3));

    List<long[]> samples = new ArrayList<>(); // {second, rssKiB, threads}
    Instant start = Instant.now();
    Instant end = start.plus(Duration.ofMinutes(MINUTES));
    String current = a;
    int updates = 0;
    while (Instant.now().isBefore(end)) {
      current = current.equals(a) ? b : a;
      bed.desire(current);
      bed.awaitState("Done", current, Duration.ofSeconds(60));
      updates++;
      Instant next = Instant.now().plus(SAMPLE_EVERY);
      long[] s = status(agent.pid());
      samples.add(new long[] {Duration.between(start, Instant.now()).toSeconds(), s[0], s[1]});
      // the sampling period is the point; nothing to wait for until the next sample
      await()
          .pollDelay(Duration.between(Instant.now(), next).abs())
          .atMost(SAMPLE_EVERY.plusSeconds(5))
          .until(() -> true);
    }
    assertThat(agent.isAlive()).as("agent alive after the soak").isTrue();

    List<long[]> second = window(samples, 60, 120);
    List<long[]> lastMinute = window(samples, (MINUTES - 1) * 60L, MINUTES * 60L);
    long rss2 = median(second, 1);
    long rssLast = median(lastMinute, 1);
    long thr2 = median(second, 2);
    long thrLast = median(lastMinute, 2);
    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("minutes", MINUTES);
    counts.put("updates", updates);
    counts.put("samples", samples.size());
    counts.put("RSS MiB, 2nd minute median", rss2 / 1024.0);
    counts.put("RSS MiB, last minute median", rssLast / 1024.0);
    counts.put("RSS MiB, max", samples.stream().mapToLong(s -> s[1]).max().orElse(0) / 1024.0);
    counts.put("threads, 2nd minute median", thr2);
    counts.put("threads, last minute median", thrLast);
    counts.put("threads, max", samples.stream().mapToLong(s -> s[2]).max().orElse(0));
    boolean passed = false;
    try {
      assertThat(rssLast)
          .as("last minute's RSS median (KiB) against the second minute's")
          .isLessThanOrEqualTo(rss2 + rss2 / 10 + 8 * 1024);
      assertThat(thrLast).as("threads").isLessThanOrEqualTo(thr2 + 2);
      passed = true;
    } finally {
      ROWS.add(
          new FaultRows.Row(
              "soak: the `ccd agent` process (-Xmx96m) for "
                  + MINUTES
                  + " min, an update every ~"
                  + SAMPLE_EVERY.toSeconds()
                  + " s",
              "no upward trend: the last minute's RSS median within 10 % + 8 MiB of the second"
                  + " minute's, threads within 2",
              passed ? "steady" : "FAILED: grew",
              counts,
              passed));
    }
  }

  private static long[] status(long pid) throws java.io.IOException {
    long rss = -1;
    long threads = -1;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      } else if (line.startsWith("Threads:")) {
        threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {rss, threads};
  }

  private static List<long[]> window(List<long[]> samples, long from, long to) {
    List<long[]> w = samples.stream().filter(s -> s[0] >= from && s[0] < to).toList();
    if (w.isEmpty()) {
      throw new AssertionError("no samples between " + from + " s and " + to + " s");
    }
    return w;
  }

  private static long median(List<long[]> samples, int field) {
    List<Long> v = samples.stream().map(s -> s[field]).sorted().toList();
    return v.get(v.size() / 2);
  }

  /** A clean work directory beside the bed's root. */
  static final class AgentBedFiles {
    private AgentBedFiles() {}

    static void reset(Path dir) throws java.io.IOException {
      dev.ccd.it.agent.AgentBed.deleteTree(dir);
      Files.createDirectories(dir);
    }
  }
}
