package dev.ccd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.packaging.JvmOptionsFile;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a timed test: the real agent as a process ({@code java FLAGS -jar agent/target/ccd.jar
 * agent}) against the fabric8 mock API and the systemd sandbox, once per set of JVM flags. Measures
 * where its memory goes after N updates and an idle period (RSS, threads, NMT, heap, classes), and
 * the time from process start to its first read of its Node. Not run by default; see
 * tests/README.md.
 *
 * <p>Flag sets: the JVM's defaults, {@code agent/src/main/jvm/ccd.jvmopts}, that file with the
 * AppCDS archive {@code agent/target/ccd.jsa} when present, and more given as {@code
 * -Dccd.bench.jvm.extra="label=flag flag;label2=@/other/java flag"} (a first word {@code @PATH}
 * names another java binary; a word {@code env:NAME=VALUE} sets an environment variable of the
 * agent instead of a flag, e.g. {@code env:MALLOC_ARENA_MAX=2}). {@code -Dccd.bench.java=PATH}
 * picks the java binary; {@code -Dccd.bench.jvm.only-extra=true} measures only those, {@code
 * -Dccd.bench.nmt=false} skips the second run of each set with Native Memory Tracking.
 */
@Tag("benchmark")
class AgentMemoryBenchmark {
  private static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));
  private static final Path ARCHIVE = JAR.resolveSibling("ccd.jsa");
  private static final String JAVA = System.getProperty("ccd.bench.java", "java");
  private static final int UPDATES = Integer.getInteger("ccd.bench.updates", 20);
  private static final int STARTS = Integer.getInteger("ccd.bench.starts", 10);
  private static final boolean NMT =
      Boolean.parseBoolean(System.getProperty("ccd.bench.nmt", "true"));
  private static final boolean ONLY_EXTRA = Boolean.getBoolean("ccd.bench.jvm.only-extra");
  private static final Duration IDLE =
      Duration.ofSeconds(Integer.getInteger("ccd.bench.idle-seconds", 10));

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  /** A variant's word that sets an environment variable of the agent: {@code env:NAME=VALUE}. */
  private static final String ENV_PREFIX = "env:";

  /** The variant whose figures go into the summary table: the flags every launcher uses. */
  private static final String SUMMARY_VARIANT = "ccd.jvmopts";

  private static final BenchRows.Lazy ROWS = new BenchRows.Lazy("agent");

  @Test
  void memoryAfterUpdates() throws Exception {
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "agent process memory after %d updates and %d s idle (java: %s)%n",
            UPDATES, IDLE.toSeconds(), JAVA));
    for (Map.Entry<String, List<String>> v : variants().entrySet()) {
      report.append(measureMemory(v.getKey(), v.getValue(), false));
      if (NMT) {
        report.append(measureMemory(v.getKey(), v.getValue(), true));
      }
    }
    write("bench-agent-memory.txt", report.toString());
  }

  @Test
  void startToFirstNodeRead() throws Exception {
    Map<String, List<String>> variants = variants();
    Map<String, long[]> nanos = new LinkedHashMap<>();
    variants.keySet().forEach(k -> nanos.put(k, new long[STARTS]));
    try (AgentBed bed = new AgentBed(SANDBOX, "bench-start")) {
      Path kubeconfig = kubeconfig(bed);
      // Rounds, each variant once per round: they share the machine's load of the same minute.
      for (int round = 0; round < STARTS; round++) {
        for (Map.Entry<String, List<String>> v : variants.entrySet()) {
          drainRequests(bed);
          long start = System.nanoTime();
          Process agent = startAgent(bed, kubeconfig, v.getValue(), "start");
          try {
            firstNodeRequest(bed, agent);
            nanos.get(v.getKey())[round] = System.nanoTime() - start;
          } finally {
            agent.destroyForcibly();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
          }
        }
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "agent start -> first request for its Node, %d runs each, interleaved (java: %s)%n",
            STARTS, JAVA));
    nanos.forEach(
        (label, ns) -> {
          long[] sorted = ns.clone();
          Arrays.sort(sorted);
          b.append(
              String.format(
                  "  %-28s median %6.0f ms  min %6.0f ms  max %6.0f ms   flags: %s%n",
                  label,
                  sorted[sorted.length / 2] / 1e6,
                  sorted[0] / 1e6,
                  sorted[sorted.length - 1] / 1e6,
                  String.join(" ", variants.get(label))));
        });
    write("bench-agent-start.txt", b.toString());
    long[] summary = nanos.get(SUMMARY_VARIANT);
    if (summary != null) {
      long[] sorted = summary.clone();
      Arrays.sort(sorted);
      double median = sorted[sorted.length / 2] / 1e6;
      ROWS.get()
          .add(
              String.format("agent start → first read of its Node (median of %d)", STARTS),
              String.format("%.0f ms", median),
              "",
              "",
              "≤ 300 ms",
              BenchRows.met(median <= 300));
    }
  }

  private static Map<String, List<String>> variants() throws IOException {
    Map<String, List<String>> variants = new LinkedHashMap<>();
    List<String> file = JvmOptionsFile.read(JvmOptionsFile.FROM_MODULE);
    if (!ONLY_EXTRA) {
      variants.put("JVM defaults", List.of());
      variants.put("ccd.jvmopts", file);
    }
    if (!ONLY_EXTRA && Files.isRegularFile(ARCHIVE)) {
      List<String> cds = new ArrayList<>(file);
      cds.add("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath());
      // -Xshare:on: an archive that does not match the jar fails instead of being ignored.
      cds.add("-Xshare:on");
      if (archiveMatchesJar(cds)) {
        variants.put("ccd.jvmopts + ccd.jsa", cds);
      } else {
        System.out.println(
            "skipped: " + ARCHIVE + " was built for another jar (./ccd --version rebuilds it)");
      }
    }
    String extra = System.getProperty("ccd.bench.jvm.extra", "");
    for (String item : extra.split(";")) {
      int eq = item.indexOf('=');
      if (eq > 0) {
        variants.put(item.substring(0, eq), JvmOptionsFile.parse(item.substring(eq + 1)));
      }
    }
    String only = System.getProperty("ccd.bench.only", "");
    if (!only.isEmpty()) {
      variants.keySet().retainAll(List.of(only));
      assertThat(variants).as("the variant -Dccd.bench.only names").isNotEmpty();
    }
    return variants;
  }

  private static boolean archiveMatchesJar(List<String> flags) throws IOException {
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(flags);
    command.addAll(List.of("-jar", JAR.toString(), "--version"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    try {
      return p.waitFor() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String measureMemory(String label, List<String> flags, boolean nmt)
      throws Exception {
    List<String> all = new ArrayList<>(flags);
    if (nmt) {
      all.add("-XX:NativeMemoryTracking=summary");
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n=== %s%s: %s%n", label, nmt ? " (with NMT)" : "", all));
    try (AgentBed bed = new AgentBed(SANDBOX, "bench-memory")) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < UPDATES; i++) {
        names.add(bed.createConfig("rendered-worker-" + i, AgentBed.twoFiles(i)));
      }
      Path kubeconfig = kubeconfig(bed);
      drainRequests(bed);
      long started = System.nanoTime();
      Process agent = startAgent(bed, kubeconfig, all, "memory");
      try {
        firstNodeRequest(bed, agent);
        long firstRead = System.nanoTime() - started;
        long firstUpdate = 0;
        for (String name : names) {
          long t = System.nanoTime();
          bed.desire(name);
          bed.awaitState(ConfigState.DONE, name);
          firstUpdate = firstUpdate == 0 ? System.nanoTime() - t : firstUpdate;
        }
        long pid = agent.pid();
        Map<String, String> busy = procStatus(pid);
        drainRequests(bed);
        int requestsBefore = bed.api().server().getRequestCount();
        long cpuBefore = cpuTicks(pid);
        Map<String, Double> gcBefore = jstatGc(pid);
        // The idle period is what is measured here, not a wait for a condition.
        LockSupport.parkNanos(IDLE.toNanos());
        long idleCpu = cpuTicks(pid) - cpuBefore;
        int idleRequests = bed.api().server().getRequestCount() - requestsBefore;
        Map<String, Double> gcAfter = jstatGc(pid);
        double youngGcs = gcAfter.get("YGC") - gcBefore.get("YGC");
        // Eden grows by what is allocated; each young GC in between emptied an eden of EC KiB.
        double idleAllocKib = gcAfter.get("EU") - gcBefore.get("EU") + youngGcs * gcAfter.get("EC");
        // /proc first: jcmd's attach starts a thread in the agent.
        Map<String, String> status = procStatus(pid);
        b.append(
            String.format(
                "  VmRSS %s  VmHWM %s  RssAnon %s  RssFile %s  Threads %s%n",
                status.get("VmRSS"),
                status.get("VmHWM"),
                status.get("RssAnon"),
                status.get("RssFile"),
                status.get("Threads")));
        b.append(smapsRollup(pid));
        b.append(
            String.format(
                "  right after the updates: VmRSS %s  Threads %s; idle %d s: CPU %d ticks"
                    + " (1/100 s), %d API requests; first Node read %.0f ms after start, first"
                    + " update %.0f ms%n",
                busy.get("VmRSS"),
                busy.get("Threads"),
                IDLE.toSeconds(),
                idleCpu,
                idleRequests,
                firstRead / 1e6,
                firstUpdate / 1e6));
        if (!nmt && label.equals(SUMMARY_VARIANT)) {
          BenchRows rows = ROWS.get();
          double rss = kib(status.get("VmRSS")) / 1024.0;
          rows.add(
              String.format(
                  "agent RSS, %d s idle after %d updates (`ccd.jvmopts`)",
                  IDLE.toSeconds(), UPDATES),
              String.format("%.1f MiB (peak %.1f MiB)", rss, kib(status.get("VmHWM")) / 1024.0),
              "machine-config-daemon's memory request; spegel",
              "50 MiB; ≈ 35 MB (published figures, not run here)",
              "≤ 64 MiB",
              BenchRows.met(rss <= 64));
          rows.add(
              String.format("agent right after %d updates", UPDATES),
              String.format(
                  "RSS %.1f MiB, %s threads", kib(busy.get("VmRSS")) / 1024.0, busy.get("Threads")),
              "",
              "",
              "",
              "");
          rows.add(
              String.format("agent idle %d s: CPU, threads, API requests", IDLE.toSeconds()),
              String.format(
                  "%.2f s CPU, %s threads, %d requests, %.0f KiB allocated (%.0f young GCs)",
                  idleCpu / 100.0, status.get("Threads"), idleRequests, idleAllocKib, youngGcs),
              "",
              "",
              "0 requests beyond the open watches, CPU ≈ 0 (≤ 1 %), no allocation churn (≤ 1 MiB"
                  + " per minute, `jstat -gc`)",
              BenchRows.met(
                  idleRequests == 0
                      && idleCpu <= IDLE.toSeconds()
                      && idleAllocKib <= 1024.0 * IDLE.toSeconds() / 60));
          rows.add(
              "first update after a cold start (agent process, annotation → Done)",
              String.format("%.0f ms", firstUpdate / 1e6),
              "",
              "",
              "≤ 120 ms",
              BenchRows.met(firstUpdate / 1e6 <= 120));
        }
        if (all.stream().anyMatch(f -> f.startsWith("-XX:NativeMemoryTracking="))) {
          b.append(jcmd(pid, "VM.native_memory", "summary"));
        }
        // Every run: the heap as the idle agent holds it, then the live set (the histogram
        // collects first) and the threads.
        b.append(jcmd(pid, "GC.heap_info"));
        b.append(head(jcmd(pid, "GC.class_histogram"), 18));
        b.append(
            jcmd(pid, "GC.heap_info")
                .replace("--- jcmd", "--- after the histogram's full GC: jcmd"));
        b.append(threadNames(jcmd(pid, "Thread.print")));
      } finally {
        agent.destroy();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    System.out.print(b);
    return b.toString();
  }

  private static Process startAgent(
      AgentBed bed, Path kubeconfig, List<String> flags, String logName) throws IOException {
    List<String> command = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    List<String> jvmFlags = new ArrayList<>();
    for (String word : flags) {
      if (word.startsWith(ENV_PREFIX)) {
        String assignment = word.substring(ENV_PREFIX.length());
        int eq = assignment.indexOf('=');
        assertThat(eq).as("%s: NAME=VALUE", word).isPositive();
        env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      } else {
        jvmFlags.add(word);
      }
    }
    // A variant may name its own java binary as its first word, "@/path/to/java".
    boolean ownJava = !jvmFlags.isEmpty() && jvmFlags.get(0).startsWith("@");
    command.add(ownJava ? jvmFlags.get(0).substring(1) : JAVA);
    command.addAll(ownJava ? jvmFlags.subList(1, jvmFlags.size()) : jvmFlags);
    command.addAll(
        List.of(
            "-jar",
            JAR.toString(),
            "agent",
            "--node",
            AgentBed.NODE,
            "--root",
            bed.root().toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--metrics-address",
            "127.0.0.1:0",
            "--shutdown-grace",
            "PT10S"));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "bench-agent-" + logName + ".log").toFile());
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", SANDBOX.address());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static Path kubeconfig(AgentBed bed) throws IOException {
    return AgentKubeconfig.write(
        bed.root().resolveSibling(bed.root().getFileName() + ".kubeconfig"), bed.api().url());
  }

  /** Takes requests until the first one about a Node (the agent's first read of its Node). */
  private static void firstNodeRequest(AgentBed bed, Process agent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      RecordedRequest r = bed.api().server().takeRequest(100, TimeUnit.MILLISECONDS);
      if (r == null) {
        assertThat(agent.isAlive()).as("the agent runs (see target/bench-agent-*.log)").isTrue();
        assertThat(System.nanoTime())
            .as("a request from the agent within 60 s")
            .isLessThan(deadline);
      } else if (r.getPath().startsWith("/api/v1/nodes")) {
        return;
      }
    }
  }

  private static void drainRequests(AgentBed bed) throws InterruptedException {
    while (bed.api().server().takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // discard what the bed itself and earlier runs sent
    }
  }

  /**
   * {@code jstat -gc PID} as column → value (KiB for sizes): it reads the JVM's perf-data file, so
   * unlike jcmd it starts nothing in the agent.
   */
  private static Map<String, Double> jstatGc(long pid) throws Exception {
    Process p =
        new ProcessBuilder("jstat", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String[] lines = out.strip().split("\n");
    assertThat(lines).as("jstat -gc %s: %s", pid, out).hasSize(2);
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[1].trim().split("\\s+");
    Map<String, Double> gc = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      gc.put(names[i], values[i].equals("-") ? 0.0 : Double.parseDouble(values[i]));
    }
    return gc;
  }

  /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat
  }

  /**
   * RSS split by sharing, from /proc/PID/smaps_rollup: what only this process holds (private,
   * anonymous or dirty) against file pages it shares (libjvm, the jar, a CDS archive's clean
   * pages), and PSS, which divides shared pages among the processes that map them.
   */
  private static String smapsRollup(long pid) throws IOException {
    Map<String, String> f = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.endsWith("kB")) {
        f.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return String.format(
        "  smaps_rollup: Rss %s  Pss %s  Private_Clean %s  Private_Dirty %s  Shared_Clean %s"
            + "  Shared_Dirty %s  Anonymous %s%n",
        f.get("Rss"),
        f.get("Pss"),
        f.get("Private_Clean"),
        f.get("Private_Dirty"),
        f.get("Shared_Clean"),
        f.get("Shared_Dirty"),
        f.get("Anonymous"));
  }

  /** "12345 kB" → 12345. */
  private static long kib(String value) {
    return Long.parseLong(value.replaceAll("\\D", ""));
  }

  private static Map<String, String> procStatus(long pid) throws IOException {
    Map<String, String> fields = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static String jcmd(long pid, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return "--- jcmd " + String.join(" ", command) + "\n" + out;
  }

  private static String head(String text, int lines) {
    return String.join("\n", Arrays.asList(text.split("\n")).subList(0, lines)) + "\n";
  }

  /** Thread names from a thread dump, one per line, grouped with counts. */
  private static String threadNames(String dump) {
    Map<String, Integer> names = new TreeMap<>();
    for (String line : dump.split("\n")) {
      if (line.startsWith("\"")) {
        String name = line.substring(1, line.indexOf('"', 1)).replaceAll("\\d+", "N");
        names.merge(name, 1, Integer::sum);
      }
    }
    StringBuilder b = new StringBuilder("--- threads (jcmd Thread.print, digits folded to N)\n");
    names.forEach((n, c) -> b.append(String.format("  %3d  %s%n", c, n)));
    return b.toString();
  }

  private static void write(String name, String text) throws IOException {
    System.out.print(text);
    Files.writeString(Path.of("target", name), text);
  }
}
