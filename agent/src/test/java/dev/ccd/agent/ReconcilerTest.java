package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.agent.ReconcileLoop.Next;
import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.machineconfig.Owner;
import dev.ccd.observe.AgentMetrics;
import dev.ccd.plan.DisruptionPolicy;
import dev.ccd.plan.Planner;
import dev.ccd.registries.Problem;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.testing.FakeConfigSource;
import dev.ccd.testing.FakeEventSink;
import dev.ccd.testing.FakeHostFiles;
import dev.ccd.testing.FakeMounts;
import dev.ccd.testing.FakeNodeApi;
import dev.ccd.testing.FakeSystemd;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  static final String NODE = "worker-1";
  static final String DROPIN =
      "/etc/containers/registries.conf.d/99-worker-generated-registries.conf";
  static final NodeAnnotations KEYS = new NodeAnnotations();

  final FakeHostFiles files = new FakeHostFiles();
  final FakeSystemd systemd = new FakeSystemd();
  final FakeNodeApi nodes = new FakeNodeApi(NODE);
  final FakeConfigSource configs = new FakeConfigSource();
  final FakeEventSink events = new FakeEventSink();
  final AgentMetrics metrics =
      new AgentMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
  final List<String> kicks = new ArrayList<>();
  final List<Problem> contentProblems = new ArrayList<>();

  /** How the disruption analysis reads registries.conf; most tests need no analysis. */
  java.util.function.Function<String, RegistriesConf> parser = text -> RegistriesConf.EMPTY;

  final StateStore store = new StateStore(files, StatePaths.DEFAULT);
  final Clock clock = Clock.systemUTC();
  final Applier applier =
      new Applier(
          files,
          new FakeMounts(),
          CrioControl.using(systemd, "crio.service", Duration.ofSeconds(5)),
          store,
          clock);

  /** The phase clock, in nanoseconds. */
  final java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();

  /** Runs once while the next pass prepares (after it took the MachineConfig), as an edit lands. */
  Runnable whilePreparing;

  /** The next watch started fails before its first list answers. */
  RuntimeException nextListFails;

  final ConfigSource configsSeen =
      new ConfigSource() {
        @Override
        public Optional<MachineConfigText> machineConfig(String name) throws KubeApiException {
          throw new AssertionError("the agent reads MachineConfigs only through their watch");
        }

        @Override
        public Watch watch(String name, ConfigListener listener) {
          if (nextListFails != null) {
            RuntimeException e = nextListFails;
            nextListFails = null;
            listener.onClose(e);
            return () -> {};
          }
          return configs.watch(name, listener);
        }
      };

  final Reconciler reconciler = newReconciler();

  Reconciler newReconciler() {
    return new Reconciler(
        configsSeen,
        new NodeState(NODE, nodes, events, KEYS, metrics, clock),
        new UpdatePreparation(
            files,
            ManagedPaths.DEFAULT,
            StatePaths.DEFAULT,
            new Planner(DisruptionPolicy.withDefaults(text -> parser.apply(text))),
            desired -> {
              Runnable r = whilePreparing;
              whilePreparing = null;
              if (r != null) {
                r.run();
              }
              return List.copyOf(contentProblems);
            }),
        applier,
        store,
        files,
        List.of("/etc/containers/registries.conf.d"),
        metrics,
        clock,
        () -> ticks.addAndGet(1_000_000), // each reading of the phase clock is 1 ms later
        () -> kicks.add("kick"));
  }

  @AfterEach
  void close() {
    reconciler.close();
  }

  static String config(String name, String dropinContent) {
    return IgnitionEncoder.machineConfig(
            name,
            "worker",
            List.of(new DesiredFile(DROPIN, dropinContent.getBytes(), 0644, Owner.ROOT)))
        .toString();
  }

  Next desire(String config) {
    return reconciler.pass(nodes.annotate(Map.of(KEYS.desiredConfigKey(), config)));
  }

  String state() {
    return nodes.annotation(KEYS.stateKey());
  }

  @Test
  void aFreshNodeWithoutDesiredConfigIsLeftAlone() {
    assertThat(reconciler.pass(nodes.view())).isEqualTo(Next.IDLE);
    assertThat(nodes.patches()).isEmpty();
    assertThat(configs.lists()).isZero();
  }

  @Test
  void desiredConfigIsAppliedWorkingThenDoneWithOneReload() {
    configs.put("rendered-worker-a", config("rendered-worker-a", "[[registry]]\n"));

    assertThat(desire("rendered-worker-a")).isEqualTo(Next.IDLE);

    assertThat(files.text(DROPIN)).contains("[[registry]]\n");
    assertThat(systemd.calls()).containsExactly("reload crio.service");
    assertThat(nodes.patches())
        .extracting(p -> p.get(KEYS.stateKey()))
        .containsExactly("Working", "Done");
    assertThat(nodes.annotation(KEYS.currentConfigKey())).isEqualTo("rendered-worker-a");
    assertThat(nodes.annotation(KEYS.reasonKey())).isEmpty();
    assertThat(events.reasons()).containsExactly("UpdateStarted", "Applied");
    assertThat(metrics.scrape()).contains("ccd_updates_total{result=\"success\"} 1.0");
  }

  @Test
  void aSecondPassOnTheSameConfigChangesNothing() {
    configs.put("rendered-worker-a", config("rendered-worker-a", "x"));
    desire("rendered-worker-a");
    int patches = nodes.patches().size();

    assertThat(reconciler.pass(nodes.view())).isEqualTo(Next.IDLE);

    assertThat(nodes.patches()).hasSize(patches);
    assertThat(systemd.calls()).hasSize(1);
  }

  @Test
  void failingCrioDegradesWithOldFilesBackThenRecoversWhenTheFaultClears() {
    configs.put("a", config("a", "old"));
    desire("a");
    configs.put("b", config("b", "new"));
    systemd.answer("failed");

    assertThat(desire("b")).isInstanceOf(Next.Retry.class);

    assertThat(state()).isEqualTo("Degraded");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains("failed to apply MachineConfig b", "step crio crio.service", "job failed");
    assertThat(files.text(DROPIN)).contains("old");
    assertThat(nodes.annotation(KEYS.currentConfigKey())).isEqualTo("a");
    assertThat(events.reasons()).contains("Degraded");

    systemd.answer("done");
    assertThat(reconciler.pass(nodes.view())).isEqualTo(Next.IDLE);
    assertThat(state()).isEqualTo("Done");
    assertThat(files.text(DROPIN)).contains("new");
    assertThat(nodes.annotation(KEYS.currentConfigKey())).isEqualTo("b");
  }

  @Test
  void missingMachineConfigIsUnreconcilableUntilItAppears() {
    assertThat(desire("rendered-worker-missing")).isEqualTo(Next.IDLE);

    assertThat(state()).isEqualTo("Unreconcilable");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains("MachineConfig rendered-worker-missing not found");
    assertThat(configs.watchers()).isEqualTo(1);

    configs.put("rendered-worker-missing", config("rendered-worker-missing", "x"));
    assertThat(kicks).hasSize(1);
    reconciler.pass(nodes.view());
    assertThat(state()).isEqualTo("Done");
    assertThat(configs.watchers()).as("still watching the desired config").isEqualTo(1);
  }

  @Test
  void theDesiredConfigIsWatchedAndAnInPlaceEditIsApplied() {
    configs.put("hand-made", config("hand-made", "one"));
    desire("hand-made");
    assertThat(configs.watchers()).isEqualTo(1);
    assertThat(kicks).as("the watch's first delivery is the version just read").isEmpty();
    int reads = configs.lists();

    reconciler.pass(nodes.view());
    assertThat(configs.lists()).as("nothing new: no read").isEqualTo(reads);

    configs.put("hand-made", config("hand-made", "two"));
    assertThat(kicks).hasSize(1);
    reconciler.pass(nodes.view());

    assertThat(files.text(DROPIN)).contains("two");
    assertThat(state()).isEqualTo("Done");
    assertThat(systemd.calls()).hasSize(2);
    assertThat(events.reasons())
        .containsExactly("UpdateStarted", "Applied", "UpdateStarted", "Applied");
  }

  @Test
  void aDifferentDesiredConfigMovesTheWatch() {
    configs.put("a", config("a", "one"));
    configs.put("b", config("b", "two"));
    desire("a");
    desire("b");

    assertThat(configs.watchers()).isEqualTo(1);
    configs.put("a", config("a", "edited"));
    assertThat(kicks).as("edits of a config no longer desired ask for nothing").isEmpty();
  }

  @Test
  void invalidInputIsUnreconcilableAndTouchesNothing() {
    configs.put(
        "bad",
        IgnitionEncoder.machineConfig(
                "bad",
                "worker",
                List.of(new DesiredFile("/etc/passwd", "x".getBytes(), 0644, Owner.ROOT)))
            .toString());

    assertThat(desire("bad")).isEqualTo(Next.IDLE);

    assertThat(state()).isEqualTo("Unreconcilable");
    assertThat(nodes.annotation(KEYS.reasonKey())).contains("/etc/passwd");
    assertThat(files.operations()).isEmpty();
    assertThat(systemd.calls()).isEmpty();
  }

  @Test
  void invalidContentIsUnreconcilable() {
    contentProblems.add(
        Problem.error(DROPIN, "registry[0].location", "invalid location 'https://x'"));
    configs.put("a", config("a", "x"));

    desire("a");

    assertThat(state()).isEqualTo("Unreconcilable");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains(DROPIN, "registry[0].location", "invalid location");
    assertThat(files.operations()).isEmpty();
  }

  @Test
  void driftIsReportedNotRepairedAndClearsWhenTheFileIsRestored() {
    configs.put("a", config("a", "ours"));
    desire("a");
    files.put(DROPIN, "edited by hand", 0644);

    reconciler.pass(nodes.view());

    assertThat(state()).isEqualTo("Degraded");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .isEqualTo("content mismatch for file \"" + DROPIN + "\"");
    assertThat(files.text(DROPIN)).contains("edited by hand");
    assertThat(events.reasons()).contains("ConfigDriftDetected");
    assertThat(metrics.scrape()).doesNotContain("ccd_config_drift 0.0");

    files.put(DROPIN, "ours", 0644);
    reconciler.pass(nodes.view());
    assertThat(state()).isEqualTo("Done");
    assertThat(systemd.calls()).as("no re-apply").hasSize(1);
  }

  @Test
  void modeDriftNamesExpectedAndReceivedMode() {
    configs.put("a", config("a", "ours"));
    desire("a");
    files.put(DROPIN, "ours", 0600);

    reconciler.pass(nodes.view());

    assertThat(nodes.annotation(KEYS.reasonKey()))
        .isEqualTo("mode mismatch for file: \"" + DROPIN + "\"; expected: 0644; received: 0600");
  }

  @Test
  void aFileAppearingInAManagedDirectoryIsDrift() {
    configs.put("a", config("a", "ours"));
    desire("a");
    reconciler.pass(nodes.view());
    files.put("/etc/containers/registries.conf.d/50-sneaky.conf", "[[registry]]", 0644);

    reconciler.pass(nodes.view());

    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains("unexpected file \"/etc/containers/registries.conf.d/50-sneaky.conf\"");
  }

  @Test
  void forceAnnotationReappliesOverDrift() {
    configs.put("a", config("a", "ours"));
    desire("a");
    files.put(DROPIN, "edited", 0644);
    reconciler.pass(nodes.view());

    reconciler.pass(nodes.annotate(Map.of(KEYS.forceReapplyKey(), "2026-11-24T12:00:00Z")));

    assertThat(files.text(DROPIN)).contains("ours");
    assertThat(state()).isEqualTo("Done");
    assertThat(nodes.annotation(KEYS.forceReapplyDoneKey())).isEqualTo("2026-11-24T12:00:00Z");
    assertThat(systemd.calls()).hasSize(2);
  }

  @Test
  void forceFileReappliesAndIsConsumed() throws Exception {
    configs.put("a", config("a", "ours"));
    desire("a");
    files.put(DROPIN, "edited", 0644);
    files.put(Reconciler.FORCE_FILE, "", 0644);

    reconciler.pass(nodes.view());

    assertThat(files.text(DROPIN)).contains("ours");
    assertThat(files.read(Reconciler.FORCE_FILE)).isEmpty();
  }

  static final String TAG_ONLY_MIRROR =
      "[[registry]]\nlocation = \"quay.io\"\n[[registry.mirror]]\n"
          + "location = \"m.example.com\"\npull-from-mirror = \"tag-only\"\n";

  void analyseRegistries() {
    parser = text -> dev.ccd.machineconfig.ContentValidator.parseRegistries(text, DROPIN);
  }

  @Test
  void aChangeThatCallsForADrainAsksForItAndWritesNothingUntilItIsDone() throws Exception {
    analyseRegistries();
    configs.put("a", config("a", TAG_ONLY_MIRROR));

    assertThat(desire("a")).isEqualTo(Next.IDLE);

    assertThat(state()).isEqualTo("Working");
    assertThat(nodes.annotation(KEYS.desiredDrainKey())).isEqualTo("drain-a");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .startsWith("waiting for the controller to drain the node before applying a")
        .contains("new registry \"quay.io\" has mirror m.example.com");
    assertThat(files.read(DROPIN)).isEmpty();
    assertThat(systemd.calls()).isEmpty();
    assertThat(events.reasons()).containsExactly("DrainRequested");

    reconciler.pass(nodes.view()); // a Node change that is not the answer: still waiting
    assertThat(files.read(DROPIN)).isEmpty();
    assertThat(events.reasons()).containsExactly("DrainRequested");

    reconciler.pass(nodes.annotate(Map.of(KEYS.lastAppliedDrainKey(), "drain-a")));

    assertThat(state()).isEqualTo("Done");
    assertThat(files.text(DROPIN).orElseThrow()).contains("m.example.com");
    assertThat(nodes.annotation(KEYS.desiredDrainKey())).isEqualTo("uncordon-a");
    assertThat(nodes.annotation(KEYS.reasonKey())).isEmpty();
    assertThat(events.reasons()).containsExactly("DrainRequested", "UpdateStarted", "Applied");
  }

  @Test
  void aRestartedAgentResumesTheDrainFromTheAnnotations() throws Exception {
    analyseRegistries();
    configs.put("a", config("a", TAG_ONLY_MIRROR));
    desire("a");
    reconciler.close();
    Reconciler restarted = newReconciler();
    try {
      restarted.pass(nodes.view());
      assertThat(files.read(DROPIN)).isEmpty();
      assertThat(events.reasons()).containsExactly("DrainRequested");

      restarted.pass(nodes.annotate(Map.of(KEYS.lastAppliedDrainKey(), "drain-a")));

      assertThat(state()).isEqualTo("Done");
      assertThat(files.text(DROPIN).orElseThrow()).contains("m.example.com");
    } finally {
      restarted.close();
    }
  }

  @Test
  void aSingleReplicaControlPlaneIsNeverDrained() throws Exception {
    analyseRegistries();
    nodes.annotate(Map.of(KEYS.controlPlaneTopologyKey(), "SingleReplica"));
    configs.put("a", config("a", TAG_ONLY_MIRROR));

    desire("a");

    assertThat(state()).isEqualTo("Done");
    assertThat(files.text(DROPIN).orElseThrow()).contains("m.example.com");
    assertThat(nodes.annotation(KEYS.desiredDrainKey())).isNull();
    assertThat(events.reasons()).containsExactly("UpdateStarted", "Applied");
  }

  @Test
  void aSafeChangeNeitherDrainsNorAsksForAnUncordon() throws Exception {
    configs.put("a", config("a", "[[registry]]\nlocation = \"quay.io\"\n"));
    desire("a");
    analyseRegistries();
    configs.put(
        "b",
        config(
            "b",
            "[[registry]]\nlocation = \"quay.io\"\n[[registry.mirror]]\n"
                + "location = \"m.example.com\"\npull-from-mirror = \"digest-only\"\n"));

    desire("b");

    assertThat(state()).isEqualTo("Done");
    assertThat(files.text(DROPIN).orElseThrow()).contains("digest-only");
    assertThat(nodes.annotation(KEYS.desiredDrainKey())).isNull();
    assertThat(events.reasons()).doesNotContain("DrainRequested");
  }

  @Test
  void aNewDesiredConfigIsActedOnWhileUnreconcilable() {
    desire("missing");
    assertThat(state()).isEqualTo("Unreconcilable");
    configs.put("b", config("b", "x"));

    desire("b");

    assertThat(state()).isEqualTo("Done");
    assertThat(nodes.annotation(KEYS.currentConfigKey())).isEqualTo("b");
  }

  @Test
  void updatesReadTheirConfigFromItsWatchOneListPerNewName() {
    configs.put("a", config("a", "one"));
    desire("a");
    assertThat(configs.lists()).as("the watch's first list is the read").isEqualTo(1);
    configs.put("a", config("a", "two"));
    reconciler.pass(nodes.view());
    configs.put("a", config("a", "three"));
    reconciler.pass(nodes.view());

    assertThat(files.text(DROPIN)).contains("three");
    assertThat(configs.lists()).as("edits arrive through the open watch").isEqualTo(1);
    assertThat(configs.gets()).as("no GET").isZero();

    configs.put("b", config("b", "four"));
    desire("b");
    assertThat(files.text(DROPIN)).contains("four");
    assertThat(configs.lists()).as("a new name: one list").isEqualTo(2);
  }

  @Test
  void aWatchThatBreaksBeforeItsFirstListFailsThePassAndTheNextPassRetries() {
    configs.put("a", config("a", "one"));
    nextListFails = new IllegalStateException("connection refused");

    assertThat(desire("a")).isInstanceOf(Next.Retry.class);
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains("watch MachineConfig a: connection refused");

    reconciler.close(); // the broken watch ends; a new pass follows the config afresh
    reconciler.pass(nodes.view());
    assertThat(state()).isEqualTo("Done");
    assertThat(files.text(DROPIN)).contains("one");
  }

  @Test
  void eachPhaseOfAnUpdateIsRecordedOnceAndAVerifyPassRecordsNone() {
    configs.put("a", config("a", "one"));
    desire("a");

    for (String phase :
        List.of("fetch", "decode", "plan", "patch", "journal", "write", "crio", "record")) {
      assertThat(phase(phase, "count"))
          .as("ccd_update_phase_seconds{phase=%s}", phase)
          .isEqualTo(1);
      assertThat(phase(phase, "sum")).as("time of phase %s", phase).isPositive();
    }
    double total = 0;
    for (String phase :
        List.of("fetch", "decode", "plan", "patch", "journal", "write", "crio", "record")) {
      total += phase(phase, "sum");
    }
    assertThat(total)
        .as("the phases add up to the clock's time")
        .isLessThanOrEqualTo(ticks.get() / 1e9);

    reconciler.pass(nodes.view(), true); // nothing new: only the disk is compared
    assertThat(phase("fetch", "count")).isEqualTo(1);
    assertThat(phase("crio", "count")).isEqualTo(1);
  }

  double phase(String phase, String what) {
    Matcher m =
        Pattern.compile(
                "(?m)^ccd_update_phase_seconds_"
                    + what
                    + "\\{phase=\""
                    + phase
                    + "\"\\} ([0-9.E-]+)$")
            .matcher(metrics.scrape());
    assertThat(m.find()).as("series ccd_update_phase_seconds_%s{phase=%s}", what, phase).isTrue();
    return Double.parseDouble(m.group(1));
  }

  double updates(String result) {
    Matcher m =
        Pattern.compile("(?m)^ccd_updates_total\\{result=\"" + result + "\"\\} ([0-9.]+)$")
            .matcher(metrics.scrape());
    assertThat(m.find()).as("series ccd_updates_total{result=%s}", result).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** Every result label with its count; the ones not named must be 0. */
  void assertUpdates(Map<String, Double> want) {
    for (String label :
        List.of(
            "success",
            "failed_unchanged",
            "rolled_back",
            "rollback_incomplete",
            "unrecorded",
            "unreconcilable",
            "failure")) {
      assertThat(updates(label))
          .as("ccd_updates_total{result=%s}", label)
          .isEqualTo(want.getOrDefault(label, 0.0));
    }
  }

  @Test
  void anEditLandingRightAfterTheReadIsNotLost() {
    configs.put("a", config("a", "one"));
    desire("a");
    configs.put("a", config("a", "two"));
    assertThat(kicks).hasSize(1);
    // While the pass reads "two", the config is edited again: the watch delivers "three".
    whilePreparing = () -> configs.put("a", config("a", "three"));
    reconciler.pass(nodes.view());
    assertThat(files.text(DROPIN)).contains("two");
    assertThat(kicks).as("the watch asked for another pass").hasSize(2);

    reconciler.pass(nodes.view());

    assertThat(files.text(DROPIN)).contains("three");
    assertThat(state()).isEqualTo("Done");
  }

  @Test
  void aFailedRecordOfANewNameIsDegradedNotDone() throws Exception {
    configs.put("a", config("a", "same"));
    configs.put("a-again", config("a-again", "same"));
    desire("a");
    files.failWritesTo(p -> p.equals(StatePaths.DEFAULT.appliedConfig()));

    assertThat(desire("a-again")).isInstanceOf(Next.Retry.class);

    assertThat(state()).isEqualTo("Degraded");
    assertThat(nodes.annotation(KEYS.reasonKey()))
        .contains("step record", StatePaths.DEFAULT.appliedConfig(), "No space left");
    assertThat(nodes.annotation(KEYS.currentConfigKey())).isEqualTo("a");
    assertUpdates(Map.of("success", 1.0, "failed_unchanged", 1.0));

    files.failWritesTo(p -> false);
    assertThat(reconciler.pass(nodes.view())).isEqualTo(Next.IDLE);
    assertThat(state()).isEqualTo("Done");
    assertThat(store.applied().name()).isEqualTo("a-again");
  }

  @Test
  void aFailedRecordAfterCrioTookTheFilesIsDegradedAndTheNextPassFinishesIt() throws Exception {
    configs.put("a", config("a", "new"));
    files.failWritesTo(p -> p.equals(StatePaths.DEFAULT.appliedConfig()));

    assertThat(desire("a")).isInstanceOf(Next.Retry.class);

    assertThat(state()).isEqualTo("Degraded");
    assertThat(nodes.annotation(KEYS.reasonKey())).contains("step record");
    assertThat(files.text(DROPIN)).as("crio runs the new files").contains("new");
    assertUpdates(Map.of("unrecorded", 1.0));

    files.failWritesTo(p -> false);
    assertThat(reconciler.pass(nodes.view())).isEqualTo(Next.IDLE);
    assertThat(state()).isEqualTo("Done");
    assertThat(store.applied().name()).isEqualTo("a");
    assertThat(store.journal()).as("the kept journal is finished").isEmpty();
    assertThat(systemd.calls()).as("crio was told once").hasSize(1);
  }

  @Test
  void aFailureBeforeAnyChangeIsCountedAsFailedUnchanged() {
    configs.put("a", config("a", "x"));
    files.failWritesTo(p -> p.equals(StatePaths.DEFAULT.journal()));

    desire("a");

    assertThat(state()).isEqualTo("Degraded");
    assertThat(files.text(DROPIN)).isEmpty();
    assertUpdates(Map.of("failed_unchanged", 1.0));
  }

  @Test
  void aFailedReloadIsCountedAsRolledBackOnce() {
    configs.put("a", config("a", "x"));
    systemd.answer("failed");

    desire("a");

    assertUpdates(Map.of("rolled_back", 1.0));
    assertThat(metrics.scrape())
        .as("the attempt and the rollback's reload")
        .contains("ccd_crio_actions_total{action=\"reload\",result=\"failure\"} 2.0");
  }

  @Test
  void aRollbackThatCannotRestoreAFileIsCountedAsIncomplete() {
    configs.put("a", config("a", "old"));
    desire("a");
    configs.put("b", config("b", "new"));
    systemd.answer("failed");
    // the new file is written; putting the old one back fails
    files.failWritesTo(p -> p.equals(DROPIN) && files.text(DROPIN).orElse("").contains("new"));

    desire("b");

    assertThat(nodes.annotation(KEYS.reasonKey())).contains("rollback incomplete");
    assertUpdates(Map.of("success", 1.0, "rollback_incomplete", 1.0));
  }

  @Test
  void anUnexpectedErrorIsCountedAsFailureAndDegraded() {
    nextListFails = new IllegalStateException("API answered 500");

    assertThat(desire("a")).isInstanceOf(Next.Retry.class);

    assertThat(state()).isEqualTo("Degraded");
    assertThat(nodes.annotation(KEYS.reasonKey())).contains("API answered 500");
    assertUpdates(Map.of("failure", 1.0));
  }

  @Test
  void theEchoOfAFailedPassAsksForTheSameIntent() {
    configs.put("a", config("a", "x"));
    desire("a");
    configs.put("b", config("b", "y"));
    systemd.answer("failed");

    Next next = desire("b");

    assertThat(next).isInstanceOf(Next.Retry.class);
    Intent actedOn = ((Next.Retry) next).actedOn();
    assertThat(reconciler.intentOf(nodes.view()))
        .as("the Degraded patch coming back is no new work")
        .isEqualTo(actedOn);
    configs.put("b", config("b", "z"));
    assertThat(reconciler.intentOf(nodes.view())).as("an edit of b is").isNotEqualTo(actedOn);
    assertThat(reconciler.intentOf(nodes.annotate(Map.of(KEYS.forceReapplyKey(), "now"))))
        .as("a force request is")
        .isNotEqualTo(actedOn);
  }
}
