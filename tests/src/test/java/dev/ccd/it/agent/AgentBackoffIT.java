package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.NODE;
import static dev.ccd.it.agent.AgentBed.dropIn;
import static dev.ccd.it.agent.AgentBed.twoFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.plan.DisruptionRules;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8's retry storm, for real: crio's reload fails for 60 s (sandbox flag {@code
 * crio.reload-fail}) while the agent, with its real backoff (1 s doubling to 5 min), tries to apply
 * a new config against the fabric8 mock API and the real systemd sandbox. It must make at most one
 * attempt per backoff step (t = 0, 1, 3, 7, 15, 31 s), each one failed reload and one rollback
 * reload in crio.log and two Node PATCHes (Working, Degraded), and reach Done by itself once crio
 * works. The figures go to {@code target/reliability/backoff.json}.
 */
class AgentBackoffIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final Duration WINDOW = Duration.ofSeconds(60);
  static final Backoff REAL = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
  static final List<Long> SCHEDULE_S = List.of(0L, 1L, 3L, 7L, 15L, 31L, 63L);
  static final Path REPORT = Path.of("target", "reliability", "backoff.json");

  /** Attempts the schedule allows by {@code elapsed} after the first one. */
  static long allowed(Duration elapsed) {
    return SCHEDULE_S.stream().filter(s -> s * 1000 <= elapsed.toMillis()).count();
  }

  @Test
  void aFailingReloadIsRetriedOncePerBackoffStepThenRecoversByItself() throws Exception {
    try (AgentBed bed = new AgentBed(SANDBOX, "backoff")) {
      bed.startAgent(DisruptionRules.defaults(), REAL);
      String a = bed.createConfig("rendered-worker-a", twoFiles(1));
      bed.desire(a);
      bed.awaitState(ConfigState.DONE, a);
      Files.createFile(bed.sandboxFile("crio.reload-fail"));
      int before = bed.crioActions().size();
      drainRequests(bed);

      String b = bed.createConfig("rendered-worker-b", twoFiles(2));
      Instant start = Instant.now();
      bed.desire(b);

      // For the whole window: never Done, never more attempts than the schedule allows so far.
      await("for 60 s: never Done, and no more attempts than the 1 s doubling schedule allows")
          .during(WINDOW)
          .atMost(WINDOW.plusSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                long attempts = attempts(failedSince(bed, before));
                ConfigStatus s = bed.status();
                return s.state() != ConfigState.DONE
                    && attempts <= allowed(Duration.between(start, Instant.now()));
              });
      List<Instant> failed = failedSince(bed, before);
      List<RecordedRequest> requests = drainRequests(bed);
      long nodePatches =
          requests.stream()
                  .filter(r -> r.getMethod().equals("PATCH"))
                  .filter(r -> r.getPath().startsWith("/api/v1/nodes/" + NODE))
                  .count()
              - 1; // the test's own desiredConfig patch; the rest are the agent's
      Files.delete(bed.sandboxFile("crio.reload-fail"));
      Instant healed = Instant.now();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                ConfigStatus s = bed.status();
                return s.state() == ConfigState.DONE && s.currentConfig().equals(b);
              });
      Duration recovery = Duration.between(healed, Instant.now());

      List<Instant> attemptsAt = new ArrayList<>();
      for (int i = 0; i < failed.size(); i += 2) {
        attemptsAt.add(failed.get(i)); // each attempt: its reload, then the rollback's reload
      }
      List<Double> offsets =
          attemptsAt.stream()
              .map(t -> Duration.between(attemptsAt.get(0), t).toMillis() / 1000.0)
              .toList();
      long attempts = attemptsAt.size();
      // the row states whether these checks held; it is written either way
      AssertionError failure = null;
      try {
        assertThat(attempts)
            .as("attempts in 60 s at t=0,1,3,7,15,31 s (fewer when passes are slow)")
            .isBetween(3L, 6L);
        assertThat(failed.size())
            .as("failed reloads: attempt + rollback each")
            .isEqualTo(2 * (int) attempts);
        for (int i = 1; i < attemptsAt.size(); i++) {
          assertThat(Duration.between(attemptsAt.get(i - 1), attemptsAt.get(i)))
              .as("gap before attempt %d (offsets %s)", i + 1, offsets)
              .isGreaterThanOrEqualTo(REAL.delay(i - 1));
        }
        assertThat(nodePatches)
            .as("Node PATCHes: Working and Degraded per attempt")
            .isBetween(attempts, 2 * attempts);
        assertThat(bed.read(AgentBed.DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
        assertThat(bed.crioActions().subList(before, bed.crioActions().size()))
            .as("after the failures, exactly one good reload")
            .endsWith("reload")
            .filteredOn("reload"::equals)
            .hasSize(1);
      } catch (AssertionError e) {
        failure = e;
      }
      write(attempts, failed.size(), nodePatches, offsets, recovery, failure);
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static List<Instant> failedSince(AgentBed bed, int before) throws IOException {
    List<String> lines =
        Files.readAllLines(bed.sandboxFile("crio.log")).stream().filter(l -> !l.isBlank()).toList();
    List<Instant> at = new ArrayList<>();
    for (String l : lines.subList(Math.min(before, lines.size()), lines.size())) {
      String[] f = l.split(" ");
      if (f[0].equals("reload-failed")) {
        at.add(Instant.parse(f[1]));
      }
    }
    return at;
  }

  private static long attempts(List<Instant> failedReloads) {
    return (failedReloads.size() + 1) / 2;
  }

  private static List<RecordedRequest> drainRequests(AgentBed bed) throws InterruptedException {
    List<RecordedRequest> all = new ArrayList<>();
    RecordedRequest r;
    while ((r = bed.api().server().takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      all.add(r);
    }
    return all;
  }

  private static void write(
      long attempts,
      int failedReloads,
      long nodePatches,
      List<Double> offsets,
      Duration recovery,
      AssertionError failure)
      throws IOException {
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("attempts", attempts);
    counts.put("crioActionsFailed", failedReloads);
    counts.put("nodePatches", nodePatches);
    counts.put("attemptOffsetsSeconds", offsets);
    counts.put("recoverySeconds", recovery.toMillis() / 1000.0);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("fault", "crio reload failing for 60 s (systemd sandbox crio.reload-fail)");
    report.put(
        "expected",
        "at most one attempt per backoff step (t=0,1,3,7,15,31 s): <= 6 attempts, 2 crio actions"
            + " and <= 2 Node PATCHes each; Done by itself once crio works");
    report.put(
        "observed",
        failure != null
            ? "FAILED: " + failure.getMessage()
            : attempts
                + " attempts at t="
                + offsets
                + " s, "
                + failedReloads
                + " failed crio reloads, "
                + nodePatches
                + " Node PATCHes; Done "
                + recovery.toMillis() / 1000.0
                + " s after crio was fixed");
    report.put("counts", counts);
    report.put("passed", failure == null);
    Files.createDirectories(REPORT.getParent());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(REPORT.toFile(), report);
  }
}
