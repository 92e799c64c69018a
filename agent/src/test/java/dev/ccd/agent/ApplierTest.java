package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.agent.ApplyOutcome.Applied;
import dev.ccd.agent.ApplyOutcome.Failed;
import dev.ccd.agent.ApplyOutcome.Unchanged;
import dev.ccd.host.Systemd;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.Owner;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.Disruption;
import dev.ccd.plan.Plan;
import dev.ccd.plan.Step;
import dev.ccd.testing.FakeHostFiles;
import dev.ccd.testing.FakeMounts;
import dev.ccd.testing.FakeSystemd;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplierTest {
  static final String CONF = "/etc/containers/registries.conf";
  static final String DROPIN =
      "/etc/containers/registries.conf.d/99-worker-generated-registries.conf";
  static final String POLICY = "/etc/containers/policy.json";

  final FakeHostFiles files = new FakeHostFiles();
  final FakeMounts mounts = new FakeMounts();
  final FakeSystemd systemd = new FakeSystemd();
  final StateStore state = new StateStore(files, StatePaths.DEFAULT);
  final Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
  final List<String> reached = new ArrayList<>();
  final Applier applier =
      new Applier(
          files,
          mounts,
          CrioControl.using(systemd, "crio.service", java.time.Duration.ofSeconds(5)),
          state,
          clock,
          reached::add);

  static DesiredFile file(String path, String content) {
    return new DesiredFile(path, content.getBytes(), 0644, Owner.ROOT);
  }

  static Plan plan(String from, String to, CrioAction action, Step... steps) {
    return new Plan(from, to, List.of(steps), new Disruption(action, false, List.of("test")));
  }

  @Test
  void writesFilesInsideTheWritableWindowThenReloadsOnceThenRecords() throws IOException {
    DesiredFiles desired = new DesiredFiles("rendered-worker-2", List.of(file(DROPIN, "new")));
    Plan plan =
        plan(
            "",
            "rendered-worker-2",
            CrioAction.RELOAD,
            new Step.WriteFile(file(DROPIN, "new"), Step.Change.CREATE));

    ApplyOutcome outcome = applier.apply(plan, AppliedConfig.none(), desired);

    assertThat(outcome).isInstanceOf(Applied.class);
    assertThat(files.text(DROPIN)).contains("new");
    assertThat(systemd.calls()).containsExactly("reload crio.service");
    assertThat(mounts.events())
        .containsExactly(
            "rw /etc/containers/registries.conf.d", "ro /etc/containers/registries.conf.d");
    assertThat(mounts.writable()).isFalse();
    assertThat(state.applied().name()).isEqualTo("rendered-worker-2");
    assertThat(state.applied().files().files()).containsExactly(file(DROPIN, "new"));
    assertThat(state.journal()).as("journal removed after success").isEmpty();
    assertThat(reached).containsExactly("journal", "write:" + DROPIN, "crio", "record");
  }

  @Test
  void journalIsDurableBeforeTheFirstManagedFileChanges() throws IOException {
    files.put(CONF, "old", 0644);
    List<String> journalSeenBeforeWrite = new ArrayList<>();
    Applier observing =
        new Applier(
            files,
            mounts,
            CrioControl.using(systemd, "crio.service", java.time.Duration.ofSeconds(5)),
            state,
            clock,
            step -> {
              if (step.equals("journal")) {
                try {
                  journalSeenBeforeWrite.add(state.journal().orElseThrow().phase().name());
                  journalSeenBeforeWrite.add(files.text(CONF).orElseThrow());
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "new")));

    observing.apply(
        plan(
            "a",
            "b",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT)),
        AppliedConfig.none(),
        desired);

    assertThat(journalSeenBeforeWrite).containsExactly("WRITING", "old");
  }

  @Test
  void nothingToDoOnlyRenamesTheRecord() throws IOException {
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "same")));
    state.writeApplied(new DesiredFiles("a", List.of(file(CONF, "same"))), clock.instant());

    ApplyOutcome outcome = applier.apply(plan("a", "b", CrioAction.NONE), state.applied(), desired);

    assertThat(outcome).isEqualTo(new Unchanged("b"));
    assertThat(systemd.calls()).isEmpty();
    assertThat(mounts.events()).isEmpty();
    assertThat(state.applied().name()).isEqualTo("b");
  }

  @Test
  void failedReloadRestoresThePreviousFilesAndReloadsAgain() throws IOException {
    files.put(CONF, "old", 0644);
    systemd.answer("failed");
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "new"), file(POLICY, "{}")));
    Plan plan =
        plan(
            "a",
            "b",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT),
            new Step.WriteFile(file(POLICY, "{}"), Step.Change.CREATE));

    ApplyOutcome outcome = applier.apply(plan, AppliedConfig.none(), desired);

    assertThat(outcome).isInstanceOf(Failed.class);
    Failed failed = (Failed) outcome;
    assertThat(failed.step()).isEqualTo("crio");
    assertThat(failed.reason())
        .contains("step crio crio.service failed", "job failed", "previous files restored");
    assertThat(files.text(CONF)).contains("old");
    assertThat(files.read(POLICY)).as("a file the update created is removed again").isEmpty();
    assertThat(systemd.calls()).containsExactly("reload crio.service", "reload crio.service");
    assertThat(state.journal()).isEmpty();
    assertThat(state.applied().isNone()).as("nothing recorded as applied").isTrue();
    assertThat(mounts.writable()).isFalse();
  }

  @Test
  void failedWriteRollsBackTheFilesAlreadyWritten() throws IOException {
    files.put(CONF, "old", 0600);
    files.failWritesTo(p -> p.equals(POLICY));
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "new"), file(POLICY, "{}")));
    Plan plan =
        plan(
            "a",
            "b",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT),
            new Step.WriteFile(file(POLICY, "{}"), Step.Change.CREATE));

    Failed failed = (Failed) applier.apply(plan, AppliedConfig.none(), desired);

    assertThat(failed.step()).isEqualTo("write");
    assertThat(failed.path()).isEqualTo(POLICY);
    assertThat(failed.error()).contains("No space left on device");
    assertThat(files.read(CONF).orElseThrow().mode()).isEqualTo(0600);
    assertThat(files.text(CONF)).contains("old");
    assertThat(failed.rollback().complete()).isTrue();
  }

  @Test
  void aFailedWriteIsRolledBackInsideTheOpenWindowAndCrioIsToldAfterItClosed() throws IOException {
    files.put(CONF, "old", 0644);
    files.failWritesTo(p -> p.equals(POLICY));
    List<String> seen = new ArrayList<>();
    dev.ccd.host.Systemd watching =
        new Systemd() {
          @Override
          public Systemd.JobOutcome reload(String unit, java.time.Duration timeout)
              throws IOException {
            seen.add("reload while " + (mounts.writable() ? "writable" : "read-only"));
            return systemd.reload(unit, timeout);
          }

          @Override
          public Systemd.JobOutcome restart(String unit, java.time.Duration timeout)
              throws IOException {
            seen.add("restart while " + (mounts.writable() ? "writable" : "read-only"));
            return systemd.restart(unit, timeout);
          }

          @Override
          public String activeState(String unit) throws IOException {
            return systemd.activeState(unit);
          }
        };
    Applier watched =
        new Applier(
            files,
            mounts,
            CrioControl.using(watching, "crio.service", java.time.Duration.ofSeconds(5)),
            state,
            clock);
    Plan plan =
        plan(
            "a",
            "b",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT),
            new Step.WriteFile(file(POLICY, "{}"), Step.Change.CREATE));

    Failed failed =
        (Failed)
            watched.apply(
                plan,
                AppliedConfig.none(),
                new DesiredFiles("b", List.of(file(CONF, "new"), file(POLICY, "{}"))));

    assertThat(failed.rollback().complete()).isTrue();
    assertThat(files.text(CONF)).contains("old");
    assertThat(mounts.events())
        .as("one window: the restore happens in the window the writes opened")
        .containsExactly("rw /etc/containers", "ro /etc/containers");
    assertThat(seen)
        .as("the rollback's crio job runs with the mount read-only again")
        .containsExactly("reload while read-only");
  }

  @Test
  void originalIsSavedOnceAndRestoredWhenThePathLeavesTheConfig() throws IOException {
    files.put(CONF, "from the OS", 0644);
    DesiredFiles first = new DesiredFiles("a", List.of(file(CONF, "ours 1")));
    applier.apply(
        plan(
            "",
            "a",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "ours 1"), Step.Change.CONTENT)),
        AppliedConfig.none(),
        first);
    DesiredFiles second = new DesiredFiles("b", List.of(file(CONF, "ours 2")));
    applier.apply(
        plan(
            "a",
            "b",
            CrioAction.RELOAD,
            new Step.WriteFile(file(CONF, "ours 2"), Step.Change.CONTENT)),
        state.applied(),
        second);

    String saved = StatePaths.DEFAULT.original(CONF);
    assertThat(files.text(saved)).as("saved once, never refreshed").contains("from the OS");

    applier.apply(
        plan("b", "c", CrioAction.RELOAD, new Step.RemoveFile(CONF, true)),
        state.applied(),
        DesiredFiles.empty("c"));

    assertThat(files.text(CONF)).contains("from the OS");
    assertThat(files.read(saved)).isEmpty();
  }

  @Test
  void recoveryRollsBackAnUpdateInterruptedWhileWriting() throws IOException {
    files.put(CONF, "old", 0644);
    Applier crashing = crashingAt("write:" + CONF);
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "new"), file(POLICY, "{}")));
    try {
      crashing.apply(
          plan(
              "a",
              "b",
              CrioAction.RELOAD,
              new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT),
              new Step.WriteFile(file(POLICY, "{}"), Step.Change.CREATE)),
          AppliedConfig.none(),
          desired);
    } catch (Crash expected) {
      // the process "died" here
    }
    assertThat(files.text(CONF)).contains("new");

    assertThat(applier.recover()).hasValueSatisfying(s -> assertThat(s).contains("rolled back"));

    assertThat(files.text(CONF)).contains("old");
    assertThat(files.read(POLICY)).isEmpty();
    assertThat(systemd.calls()).as("crio never saw the new files").isEmpty();
    assertThat(state.journal()).isEmpty();
  }

  @Test
  void recoveryAfterTheCrioCallRollsBackAndTellsCrioAgain() throws IOException {
    files.put(CONF, "old", 0644);
    Applier crashing = crashingAt("crio");
    try {
      crashing.apply(
          plan(
              "a",
              "b",
              CrioAction.RELOAD,
              new Step.WriteFile(file(CONF, "new"), Step.Change.CONTENT)),
          AppliedConfig.none(),
          new DesiredFiles("b", List.of(file(CONF, "new"))));
    } catch (Crash expected) {
      // died after the D-Bus call returned, before the journal said so
    }

    applier.recover();

    assertThat(files.text(CONF)).contains("old");
    assertThat(systemd.calls()).containsExactly("reload crio.service", "reload crio.service");
  }

  @Test
  void recoveryFinishesAnUpdateWhoseCrioActionSucceeded() throws IOException {
    DesiredFiles desired = new DesiredFiles("b", List.of(file(CONF, "new")));
    // The state a crash leaves between the successful crio job and the applied record.
    state.writeJournal(
        new Journal(
            "a",
            "b",
            Journal.Phase.CRIO_DONE,
            CrioAction.RELOAD,
            List.of(Journal.PathState.absent(CONF)),
            List.of(
                new Journal.PathState(
                    CONF, new dev.ccd.machineconfig.FileState("new".getBytes(), 0644, 0, 0)))));
    files.writeAtomically(CONF, "new".getBytes(), 0644, 0, 0);

    assertThat(applier.recover()).hasValueSatisfying(s -> assertThat(s).contains("finished"));

    assertThat(state.applied().files()).isEqualTo(desired);
    assertThat(files.text(CONF)).contains("new");
    assertThat(systemd.calls()).isEmpty();
  }

  @Test
  void withoutSystemdTheActionIsRecordedNotPerformed() throws IOException {
    Applier local =
        new Applier(
            files,
            mounts,
            CrioControl.recordingOnly("recorded, not performed: --no-reload given"),
            state,
            clock);

    Applied applied =
        (Applied)
            local.apply(
                plan(
                    "",
                    "b",
                    CrioAction.RELOAD,
                    new Step.WriteFile(file(CONF, "x"), Step.Change.CREATE)),
                AppliedConfig.none(),
                new DesiredFiles("b", List.of(file(CONF, "x"))));

    assertThat(applied.crio().performed()).isFalse();
    assertThat(applied.crio().describe())
        .isEqualTo("reload (recorded, not performed: --no-reload given)");
  }

  @Test
  void commonDirectoryOfManagedPaths() {
    assertThat(Applier.commonDirectoryOf(List.of(CONF, POLICY))).isEqualTo("/etc/containers");
    assertThat(Applier.commonDirectoryOf(List.of(DROPIN, CONF))).isEqualTo("/etc/containers");
    assertThat(Applier.commonDirectoryOf(List.of(DROPIN)))
        .isEqualTo("/etc/containers/registries.conf.d");
    assertThat(Applier.commonDirectoryOf(List.of("/a", "/b"))).isEqualTo("/");
  }

  static final class Crash extends RuntimeException {
    Crash(String at) {
      super("crash at " + at);
    }
  }

  Applier crashingAt(String step) {
    return new Applier(
        files,
        mounts,
        CrioControl.using(systemd, "crio.service", java.time.Duration.ofSeconds(5)),
        state,
        clock,
        s -> {
          if (s.equals(step)) {
            throw new Crash(s);
          }
        });
  }
}
