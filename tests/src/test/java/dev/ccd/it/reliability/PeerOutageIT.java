package dev.ccd.it.reliability;

import static dev.ccd.it.agent.AgentBed.DROP_IN;
import static dev.ccd.it.agent.AgentBed.POLICY;
import static dev.ccd.it.agent.AgentBed.dropIn;
import static dev.ccd.it.agent.AgentBed.policy;
import static dev.ccd.it.agent.AgentBed.twoFiles;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccd.it.support.SystemdSandbox;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real agent (in this JVM, wired as {@code ccd agent} wires it) while a peer is taken away: the
 * API server stopped and started again on the same port, the system bus gone (dbus-daemon not
 * answering on its socket), crio's reload failing or outlasting the job timeout, the crio unit
 * missing, the Events endpoint failing or hanging. Crio actions are counted in the sandbox's
 * crio.log, API requests at the mock.
 *
 * <p>{@code -Dccd.outage.seconds=N} (default 60) sets the API outage.
 */
class PeerOutageIT {
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("ccd.outage.seconds", 60));
  static final Duration DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  static final FaultRows ROWS = new FaultRows("peer-outages");

  private OutageBed bed;

  @AfterEach
  void close() throws Exception {
    if (bed != null) {
      bed.close();
    }
    busBack(); // a failed bus-gone test must not leave the next test without a bus
    for (String flag : List.of("crio.reload-fail", "crio.reload-delay")) {
      Files.deleteIfExists(SANDBOX.dir().resolve(flag));
    }
  }

  @Test
  void aFailingCrioReloadIsRetriedOnTheBackoffScheduleAndRecoversByItself() throws Exception {
    bed = new OutageBed(SANDBOX, "reload-fail");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent("crio.service", Duration.ofSeconds(30));
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    int offset = bed.crioLog().size();
    long patches0 = bed.api().count("PATCH nodes");
    long events0 = events();

    Files.writeString(bed.sandboxFile("crio.reload-fail"), "");
    Instant failingFrom = Instant.now();
    bed.desire(b);
    // four attempts, each a failed reload and a failed rollback reload
    await().atMost(DEADLINE).until(() -> failed(offset).size() >= 8);
    Files.delete(bed.sandboxFile("crio.reload-fail"));
    Instant failingTo = Instant.now();
    List<Instant> failedLines = failed(offset);
    long patchesFailing = bed.api().count("PATCH nodes") - patches0;
    long eventsFailing = events() - events0;
    bed.awaitState("Done", b, DEADLINE);
    List<Map.Entry<String, Instant>> after = bed.crioLog().subList(offset, bed.crioLog().size());
    long successes = after.stream().filter(e -> e.getKey().equals("reload")).count();

    // Each attempt leaves two failed lines: its reload and the rollback's reload (the flag is on
    // for both). Pairs, not gaps, mark the attempts: under load the two can be 300 ms apart.
    List<List<Instant>> attempts = pairs(failedLines);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1).get(0), attempts.get(i).get(0)).toMillis());
    }
    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("failed reload lines while failing", failedLines.size());
    counts.put("attempts while failing", attempts.size());
    counts.put("largest attempt (reloads)", attempts.stream().mapToInt(List::size).max().orElse(0));
    counts.put("seconds failing", Duration.between(failingFrom, failingTo).toMillis() / 1000.0);
    counts.put("Node PATCHes while failing", patchesFailing);
    counts.put("Events writes while failing", eventsFailing);
    counts.put("successful reloads after recovery", successes);
    String gapText = gaps.toString().replace("[", "").replace("]", "");
    Checks checks =
        () -> {
          for (int i = 0; i < gaps.size(); i++) {
            long want = (long) (0.9 * OutageBed.RETRY.delay(i).toMillis());
            assertThat(gaps.get(i))
                .as("ms between attempt %d and %d", i, i + 1)
                .isGreaterThan(want);
          }
          assertThat(patchesFailing)
              .as("Node PATCHes while failing: at most two per attempt")
              .isLessThanOrEqualTo(2L * attempts.size() + 2);
          assertThat(eventsFailing)
              .as("Event writes while failing: UpdateStarted, Degraded per attempt")
              .isLessThanOrEqualTo(2L * attempts.size() + 2);
          assertThat(successes).as("one successful reload for the update").isEqualTo(1);
          assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
          assertThat(bed.read(POLICY)).isEqualTo(policy(2).getBytes(UTF_8));
        };
    record(
        "crio reload fails (`crio.reload-fail`) until 4 attempts were seen, then works",
        "rollback + Degraded, attempts "
            + OutageBed.RETRY.delay(0).toMillis()
            + " ms doubling"
            + " apart, at most two Node PATCHes and three Events per attempt; Done by itself with one"
            + " reload",
        "attempt gaps (ms): " + gapText + "; Done by itself",
        counts,
        checks);
  }

  @Test
  void aCrioJobOutlastingTheTimeoutIsRolledBackAndRetriedWithBackoff() throws Exception {
    bed = new OutageBed(SANDBOX, "job-timeout");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent("crio.service", Duration.ofSeconds(1));
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    long working0 = bed.api().count("PATCH nodes state=Working");

    Files.writeString(bed.sandboxFile("crio.reload-delay"), "3\n");
    bed.desire(b);
    bed.awaitState("Degraded", b, DEADLINE);
    String reason = bed.annotations().getOrDefault(OutageBed.KEYS.reasonKey(), "");
    // each attempt waits 1 s for the job and 1 s for the rollback's: 0, 2.5, 5.5, 9.5 s …
    Duration window = Duration.ofSeconds(10);
    long bound = 4 + 1;
    boolean bounded =
        holds(window, () -> bed.api().count("PATCH nodes state=Working") - working0 <= bound);
    long attempts = bed.api().count("PATCH nodes state=Working") - working0;
    Files.delete(bed.sandboxFile("crio.reload-delay"));
    if (bounded) {
      bed.awaitState("Done", b, Duration.ofSeconds(60));
    }

    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("attempts (Working PATCHes) in 10 s", attempts);
    counts.put("bound", bound);
    counts.put("Node PATCHes", bed.api().count("PATCH nodes"));
    record(
        "crio reload outlasts the job timeout (`crio.reload-delay` 3 s, `--job-timeout` 1 s)",
        "rollback + Degraded naming the timeout, retries on the backoff schedule, Done once crio"
            + " answers in time",
        "reason: " + reason,
        counts,
        () -> {
          assertThat(attempts)
              .as("attempts (Working PATCHes) in %s", window)
              .isLessThanOrEqualTo(bound);
          assertThat(reason).as("Degraded reason").isNotBlank();
          assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
        });
  }

  @Test
  void aMissingCrioUnitIsDegradedWithBackoffAndTheFilesRolledBack() throws Exception {
    bed = new OutageBed(SANDBOX, "unit-missing");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    bed.startAgent("ccd-no-such-crio.service", Duration.ofSeconds(5));
    long patches0 = bed.api().count("PATCH nodes");
    bed.desire(a);
    bed.awaitState("Degraded", a, DEADLINE);
    String reason = bed.annotations().getOrDefault(OutageBed.KEYS.reasonKey(), "");
    // attempts at 0, 0.5, 1.5, 3.5 s (and 7.5 s): at most 5 in 6 s, two PATCHes each
    Duration window = Duration.ofSeconds(6);
    long bound = 2 * 5 + 2;
    holds(window, () -> bed.api().count("PATCH nodes") - patches0 <= bound);
    long patches = bed.api().count("PATCH nodes") - patches0;

    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("Node PATCHes in the first 6 s", patches);
    counts.put("bound", bound);
    counts.put("crio.log lines", bed.crioLog().size());
    record(
        "the crio unit does not exist (`--crio-unit ccd-no-such-crio.service`)",
        "rollback (the OS's files back) + Degraded naming the unit, retries on the backoff"
            + " schedule",
        "reason: " + reason,
        counts,
        () -> {
          assertThat(patches).as("Node PATCHes in %s", window).isLessThanOrEqualTo(bound);
          assertThat(reason).as("Degraded reason").contains("ccd-no-such-crio.service");
          assertThat(new String(bed.read(POLICY), UTF_8))
              .as("policy.json rolled back to the OS's")
              .isEqualTo(TortureConfigs.OS_POLICY_TEXT);
          assertThat(bed.root().resolve(DROP_IN.substring(1))).doesNotExist();
        });
  }

  @Test
  void aSystemBusGoneIsDegradedNamingTheBusWithBackoffAndRecoversWhenItReturns() throws Exception {
    bed = new OutageBed(SANDBOX, "bus-gone");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent("crio.service", Duration.ofSeconds(30));
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    int crioLines0 = bed.crioLog().size();
    long working0 = bed.api().count("PATCH nodes state=Working");
    long patches0 = bed.api().count("PATCH nodes");

    // dbus-daemon gone as a host sees it: the socket file is still there, nothing listens on it
    // (connect(2) is refused). The real socket waits aside, to come back on the same inode.
    busAway();
    Instant gone = Instant.now();
    bed.desire(b);
    bed.awaitState("Degraded", b, DEADLINE);
    String reason = bed.annotations().getOrDefault(OutageBed.KEYS.reasonKey(), "");
    // attempts at 0, 0.5, 1.5, 3.5, 7.5 s (0.5 s doubling): at most 5 in 8 s, two PATCHes each
    double secondsToDegraded = Duration.between(gone, Instant.now()).toMillis() / 1000.0;
    Duration left = Duration.ofSeconds(8).minus(Duration.between(gone, Instant.now()));
    long attemptBound = 5;
    if (left.compareTo(Duration.ofMillis(500)) > 0) {
      holds(left, () -> bed.api().count("PATCH nodes state=Working") - working0 <= attemptBound);
    }
    long attempts = bed.api().count("PATCH nodes state=Working") - working0;
    long patches = bed.api().count("PATCH nodes") - patches0;
    int crioLinesWhileGone = bed.crioLog().size() - crioLines0;
    byte[] dropInWhileGone = bed.read(DROP_IN);

    busBack();
    Instant back = Instant.now();
    // the next attempt is at most one backoff step away (15.5 s after the first at the latest)
    bed.awaitState("Done", b, Duration.ofSeconds(30));
    double secondsToDone = Duration.between(back, Instant.now()).toMillis() / 1000.0;
    List<Map.Entry<String, Instant>> after =
        bed.crioLog().subList(crioLines0, bed.crioLog().size());
    long reloadsAfter = after.stream().filter(e -> e.getKey().equals("reload")).count();

    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("seconds from the update to Degraded", secondsToDegraded);
    counts.put("attempts (Working PATCHes) in the first 8 s", attempts);
    counts.put("bound", attemptBound);
    counts.put("Node PATCHes in the first 8 s", patches);
    counts.put("crio.log lines while the bus was gone", crioLinesWhileGone);
    counts.put("crio reloads after the bus came back", reloadsAfter);
    counts.put("seconds from the bus's return to Done", secondsToDone);
    record(
        "dbus-daemon gone (the system bus socket refuses connections) while the agent runs, then"
            + " back",
        "rollback (A's files back) + Degraded naming the bus address, retries on the backoff"
            + " schedule (<= 5 attempts in 8 s, <= 2 Node PATCHes each, no crio action); Done by"
            + " itself on B with one reload once the bus is back",
        "reason: " + reason + "; Done " + secondsToDone + " s after the bus came back",
        counts,
        () -> {
          assertThat(reason)
              .as("Degraded reason names the bus address")
              .contains(SANDBOX.address())
              .doesNotContain("Exception");
          assertThat(secondsToDegraded)
              .as("an attempt and its rollback on a gone bus take seconds, not 2 x 10 s")
              .isLessThan(8.0);
          assertThat(attempts).as("attempts in 8 s").isBetween(1L, attemptBound);
          assertThat(patches).as("Node PATCHes in 8 s").isLessThanOrEqualTo(2 * attemptBound + 2);
          assertThat(crioLinesWhileGone).as("crio actions while the bus was gone").isZero();
          assertThat(reason).as("rolled back").contains("previous files restored");
          // read between attempts or during one: whole, A's (rolled back) or B's (being tried)
          assertThat(new String(dropInWhileGone, UTF_8)).isIn(dropIn(1), dropIn(2));
          assertThat(reloadsAfter).as("one reload once the bus is back").isEqualTo(1);
          assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(2).getBytes(UTF_8));
          assertThat(bed.read(POLICY)).isEqualTo(policy(2).getBytes(UTF_8));
        });
  }

  /** The sandbox's bus socket path (its address is {@code unix:path=...}). */
  private static Path busSocket() {
    return Path.of(SANDBOX.address().substring("unix:path=".length()).split(",")[0]);
  }

  private static Path busAside() {
    return busSocket().resolveSibling("system_bus_socket.away");
  }

  /** Moves the real socket aside and leaves a dead one (nothing listening) in its place. */
  private static void busAway() throws IOException {
    Files.move(busSocket(), busAside());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(busSocket()));
    }
    assertThat(busSocket()).as("a dead socket file where the bus was").exists();
  }

  /** Puts the real socket back where it was, if it was moved aside. */
  private static void busBack() throws IOException {
    if (SANDBOX.address() == null || !Files.exists(busAside(), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.deleteIfExists(busSocket());
    Files.move(busAside(), busSocket());
  }

  @Test
  void eventsThatFailOrHangNeverBlockAnUpdate() throws Exception {
    bed = new OutageBed(SANDBOX, "events");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    bed.startAgent("crio.service", Duration.ofSeconds(30));
    Map<String, Number> counts = new LinkedHashMap<>();

    bed.api()
        .fault(
            r ->
                r.getPath() != null && r.getPath().contains("/events")
                    ? Optional.of(new MockResponse().setResponseCode(500).setBody("{}"))
                    : Optional.empty());
    long t = System.nanoTime();
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    counts.put("ms to Done, Events answered 500", (System.nanoTime() - t) / 1_000_000);

    bed.api()
        .fault(
            r ->
                r.getPath() != null && r.getPath().contains("/events")
                    ? Optional.of(
                        new MockResponse()
                            .setResponseCode(201)
                            .setBody("{}")
                            .setBodyDelay(Duration.ofMinutes(10)))
                    : Optional.empty());
    t = System.nanoTime();
    bed.desire(b);
    bed.awaitState("Done", b, DEADLINE);
    counts.put("ms to Done, Events hanging", (System.nanoTime() - t) / 1_000_000);
    t = System.nanoTime();
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    counts.put("ms to the next Done, Events still hanging", (System.nanoTime() - t) / 1_000_000);
    counts.put("Events requests", events());
    record(
        "the Events endpoint answers 500, then hangs (no answer for 10 min)",
        "updates reach Done in time; Events are best effort",
        "three updates Done",
        counts,
        () -> assertThat(bed.crio("reload")).isEqualTo(3));
  }

  @Test
  void anApiOutageInTheMiddleOfAnUpdateEndsDoneWithoutADuplicateCrioAction() throws Exception {
    bed = new OutageBed(SANDBOX, "api-outage");
    String a = bed.createConfig("rendered-worker-a", twoFiles(1));
    String b = bed.createConfig("rendered-worker-b", twoFiles(2));
    String c = bed.createConfig("rendered-worker-c", twoFiles(3));
    bed.startAgent("crio.service", Duration.ofSeconds(30));
    bed.desire(a);
    bed.awaitState("Done", a, DEADLINE);
    Files.writeString(bed.sandboxFile("crio.reload-delay"), "3\n");
    long reloads0 = bed.crio("reload");

    // 1: the API goes away while crio reloads for B, for OUTAGE; the Node comes back as it was
    bed.desire(b);
    bed.awaitState("Working", b, DEADLINE);
    Instant down = Instant.now();
    bed.api().stop();
    Files.delete(bed.sandboxFile("crio.reload-delay"));
    await().atMost(DEADLINE).until(() -> bed.crio("reload") - reloads0 == 1);
    assertThat(bed.read(DROP_IN))
        .as("B on disk during the outage")
        .isEqualTo(dropIn(2).getBytes(UTF_8));
    // The outage's length is the fault itself, not a wait for a condition.
    LockSupport.parkNanos(
        Math.max(0, OUTAGE.minus(Duration.between(down, Instant.now())).toNanos()));
    Map<String, Long> before = bed.api().counts();
    Instant up = Instant.now();
    bed.api().start(n -> n);
    bed.awaitState("Done", b, Duration.ofSeconds(120));
    long secondsToDone = Duration.between(up, Instant.now()).toSeconds();
    long reloadsB = bed.crio("reload") - reloads0;
    Map<String, Long> requests = diff(bed.api().counts(), before);

    // 2: a shorter outage during which desiredConfig changes to C: the newest is applied
    bed.api().stop();
    Duration second = OUTAGE.dividedBy(6);
    LockSupport.parkNanos(second.toNanos());
    bed.api()
        .start(
            n -> {
              Map<String, String> ann = new TreeMap<>(n.getMetadata().getAnnotations());
              ann.put(OutageBed.KEYS.desiredConfigKey(), c);
              n.getMetadata().setAnnotations(ann);
              return n;
            });
    bed.awaitState("Done", c, Duration.ofSeconds(120));
    long reloadsC = bed.crio("reload") - reloads0 - reloadsB;

    Map<String, Number> counts = new LinkedHashMap<>();
    counts.put("outage seconds", OUTAGE.toSeconds());
    counts.put("seconds from the API's return to Done", secondsToDone);
    counts.put("crio reloads for B", reloadsB);
    requests.forEach((k, v) -> counts.put("requests after the return: " + k, v));
    counts.put("second outage seconds", second.toSeconds());
    counts.put("crio reloads for C (desired during the outage)", reloadsC);
    record(
        "API server stopped for "
            + OUTAGE.toSeconds()
            + " s while crio reloads for an update, started again on the same port; then a"
            + " second outage during which desiredConfig changes",
        "the update finishes on disk, the agent reconnects and reports Done without a second"
            + " crio action; the config desired during the outage is applied",
        "Done on B, then on C",
        counts,
        () -> {
          assertThat(reloadsB).as("crio reloads for B").isEqualTo(1);
          assertThat(reloadsC).as("crio reloads for C").isEqualTo(1);
          assertThat(bed.read(DROP_IN)).isEqualTo(dropIn(3).getBytes(UTF_8));
        });
  }

  /**
   * Whether {@code condition} held for the whole {@code window} (checked every 100 ms); false as
   * soon as it does not.
   */
  private static boolean holds(Duration window, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await()
          .during(window)
          .atMost(window.plusSeconds(5))
          .pollInterval(Duration.ofMillis(100))
          .until(condition);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  private long events() {
    return bed.api().count("POST events") + bed.api().count("PATCH events");
  }

  private List<Instant> failed(int offset) throws java.io.IOException {
    List<Map.Entry<String, Instant>> log = bed.crioLog();
    return log.subList(Math.min(offset, log.size()), log.size()).stream()
        .filter(e -> e.getKey().equals("reload-failed"))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** Consecutive pairs of times (an attempt and its rollback), in order. */
  static List<List<Instant>> pairs(List<Instant> times) {
    List<List<Instant>> out = new ArrayList<>();
    for (int i = 0; i < times.size(); i += 2) {
      out.add(times.subList(i, Math.min(i + 2, times.size())));
    }
    return out;
  }

  private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> d = new TreeMap<>();
    now.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    d.values().removeIf(v -> v == 0);
    return d;
  }

  /** Assertions over what a test saw. */
  @FunctionalInterface
  interface Checks {
    void run() throws Exception;
  }

  /** Runs the checks, writes the row either way, rethrows a failure. */
  private static void record(
      String fault, String expected, String observed, Map<String, Number> counts, Checks checks)
      throws Exception {
    AssertionError failure = null;
    try {
      checks.run();
    } catch (AssertionError e) {
      failure = e;
    }
    ROWS.add(
        new FaultRows.Row(
            fault,
            expected,
            failure == null ? observed : "FAILED: " + failure.getMessage(),
            counts,
            failure == null));
    if (failure != null) {
      throw failure;
    }
  }
}
