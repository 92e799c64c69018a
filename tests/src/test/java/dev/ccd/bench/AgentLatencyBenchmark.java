package dev.ccd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.host.DbusSystemd;
import dev.ccd.it.agent.AgentBed;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.Fabric8NodeApi;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a timed test: measures annotation change → Done latency of the real agent (reload path, real
 * systemd sandbox, real files, fabric8 mock API) over N updates, and the API requests each update
 * costs. Not run by default (its name matches neither *Test nor *IT); see tests/README.md.
 */
@Tag("benchmark")
class AgentLatencyBenchmark {
  private static final int WARMUP = Integer.getInteger("ccd.bench.warmup", 5);
  private static final int N = Integer.getInteger("ccd.bench.updates", 50);

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  @Test
  void annotationToDoneLatencyAndRequestsPerUpdate() throws Exception {
    try (AgentBed bed = new AgentBed(SANDBOX, "bench-latency")) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < WARMUP + N; i++) {
        names.add(bed.createConfig("rendered-worker-" + i, AgentBed.twoFiles(i)));
      }
      BlockingQueue<NodeView> seen = new LinkedBlockingQueue<>();
      Fabric8NodeApi nodes = new Fabric8NodeApi(bed.client());
      bed.startAgent();
      try (Watch w = nodes.watch(AgentBed.NODE, listener(seen))) {
        for (int i = 0; i < WARMUP; i++) {
          update(bed, seen, names.get(i));
        }
        int before = settledRequestCount(bed);
        drain(bed, before);
        long[] nanos = new long[N];
        for (int i = 0; i < N; i++) {
          nanos[i] = update(bed, seen, names.get(WARMUP + i));
        }
        int after = settledRequestCount(bed);
        Map<String, Integer> byKind = new TreeMap<>();
        for (int i = 0; i < after - before; i++) {
          RecordedRequest r = bed.api().server().takeRequest(5, TimeUnit.SECONDS);
          byKind.merge(kind(r), 1, Integer::sum);
        }
        report(nanos, after - before, byKind, bed.count("reload"), peers());
      }
    }
  }

  /**
   * Peers measured in the same run on the same sandbox: a bare reload job over D-Bus in this JVM
   * (the floor of any update), and the test bed's {@code systemd-job} process, which does what a
   * daemon that runs one command per reload (as machine-config-daemon runs {@code systemctl reload
   * crio}) pays per update.
   */
  private static String peers() throws Exception {
    DbusSystemd systemd = new DbusSystemd(SANDBOX.address());
    long[] job = new long[N];
    for (int i = 0; i < N; i++) {
      long start = System.nanoTime();
      assertThat(systemd.reload("crio.service", Duration.ofSeconds(30)).succeeded()).isTrue();
      job[i] = System.nanoTime() - start;
    }
    long[] process = new long[N];
    for (int i = 0; i < N; i++) {
      long start = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  SystemdSandbox.systemdJob().toString(),
                  SANDBOX.address(),
                  "reload",
                  "crio.service")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).as("systemd-job reload").isZero();
      process[i] = System.nanoTime() - start;
    }
    Arrays.sort(job);
    Arrays.sort(process);
    return String.format(
        "  peer, bare ReloadUnit job over D-Bus (in-process): p50 %.1f ms  p95 %.1f ms%n"
            + "  peer, systemd-job process per reload: p50 %.1f ms  p95 %.1f ms%n",
        ms(pct(job, 50)), ms(pct(job, 95)), ms(pct(process, 50)), ms(pct(process, 95)));
  }

  /** Sets desiredConfig and returns the nanoseconds until the watch shows Done on it. */
  private static long update(AgentBed bed, BlockingQueue<NodeView> seen, String config)
      throws Exception {
    seen.clear();
    long start = System.nanoTime();
    bed.desire(config);
    while (true) {
      NodeView v = seen.poll(30, TimeUnit.SECONDS);
      assertThat(v).as("Node event before the deadline for %s", config).isNotNull();
      var s = AgentBed.KEYS.read(v.annotations());
      if (s.state() == ConfigState.DONE && s.currentConfig().equals(config)) {
        return System.nanoTime() - start;
      }
      assertThat(s.state())
          .as("state while applying %s", config)
          .isNotEqualTo(ConfigState.DEGRADED);
    }
  }

  /** The request count once no request came for 300 ms (Events are written asynchronously). */
  private static int settledRequestCount(AgentBed bed) {
    int[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              int now = bed.api().server().getRequestCount();
              boolean stable = now == last[0];
              last[0] = now;
              return stable;
            });
    return last[0];
  }

  private static void drain(AgentBed bed, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      bed.api().server().takeRequest(5, TimeUnit.SECONDS);
    }
  }

  /** "PATCH /api/v1/nodes/{name}" and the like: names and queries folded. */
  private static String kind(RecordedRequest r) {
    String path = r.getPath().replaceAll("\\?.*", "");
    path = path.replaceAll("/nodes/[^/]+", "/nodes/{node}");
    path = path.replaceAll("/machineconfigs/[^/]+", "/machineconfigs/{name}");
    path = path.replaceAll("/events/[^/]+", "/events/{name}");
    return r.getMethod() + " " + path;
  }

  private static void report(
      long[] nanos, int requests, Map<String, Integer> byKind, long reloads, String peers)
      throws Exception {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "agent latency, annotation change -> Done (watch), %d updates after %d warm-up%n",
            N, WARMUP));
    b.append(
        String.format(
            "  p50 %.1f ms  p95 %.1f ms  min %.1f ms  max %.1f ms  mean %.1f ms%n",
            ms(pct(sorted, 50)),
            ms(pct(sorted, 95)),
            ms(sorted[0]),
            ms(sorted[N - 1]),
            ms(Arrays.stream(sorted).sum() / N)));
    b.append(peers);
    b.append(String.format("  crio reloads in crio.log: %d (warm-up included)%n", reloads));
    b.append(
        String.format(
            "  API requests received by the mock server: %d, %.2f per update (incl. the benchmark's own PATCH of desiredConfig)%n",
            requests, requests / (double) N));
    byKind.forEach(
        (k, v) -> b.append(String.format("    %-60s %5d  %.2f/update%n", k, v, v / (double) N)));
    System.out.print(b);
    Path out = Path.of("target", "bench-agent-latency.txt");
    Files.writeString(out, b.toString());
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static NodeListener listener(BlockingQueue<NodeView> seen) {
    return new NodeListener() {
      @Override
      public void onNode(NodeView node) {
        seen.add(node);
      }

      @Override
      public void onClose(Exception cause) {}
    };
  }
}
