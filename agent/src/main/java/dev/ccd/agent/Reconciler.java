package dev.ccd.agent;

import dev.ccd.agent.ApplyOutcome.Applied;
import dev.ccd.agent.ApplyOutcome.Failed;
import dev.ccd.agent.ReconcileLoop.Next;
import dev.ccd.agent.UpdatePreparation.Prepared;
import dev.ccd.host.HostFiles;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.ConfigState;
import dev.ccd.kube.ConfigStatus;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.NodeView;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.observe.AgentMetrics;
import dev.ccd.observe.UpdatePhase;
import dev.ccd.observe.UpdateResult;
import dev.ccd.plan.CrioAction;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile pass of the agent: from the Node's annotations to the host's files and back.
 *
 * <p>A desired config that differs from the one applied is applied (Working → Done, or Degraded and
 * retried with backoff, or Unreconcilable for input no retry can fix). When the desired config is
 * the one applied, the host is only compared with it: a difference is drift (Degraded, Event {@code
 * ConfigDriftDetected}) and is left alone until the file is put back or an operator asks for a
 * re-apply (annotation {@code ccd.dev/force-reapply} or the file {@code /run/ccd/force-reapply}).
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** A file an operator creates to ask for a re-apply of the current config. */
  public static final String FORCE_FILE = "/run/ccd/force-reapply";

  private final NodeState node;
  private final UpdatePreparation preparation;
  private final Applier applier;
  private final StateStore store;
  private final HostFiles files;
  private final DirectoryBaseline baseline;
  private final DesiredConfigWatch desiredWatch;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanos;
  private Map<String, String> settled;

  public Reconciler(
      ConfigSource configs,
      NodeState node,
      UpdatePreparation preparation,
      Applier applier,
      StateStore store,
      HostFiles files,
      List<String> watchedDirectories,
      AgentMetrics metrics,
      Clock clock,
      Runnable kick) {
    this(
        configs,
        node,
        preparation,
        applier,
        store,
        files,
        watchedDirectories,
        metrics,
        clock,
        System::nanoTime,
        kick);
  }

  /** With the clock that times the phases of each update ({@code System::nanoTime} in use). */
  public Reconciler(
      ConfigSource configs,
      NodeState node,
      UpdatePreparation preparation,
      Applier applier,
      StateStore store,
      HostFiles files,
      List<String> watchedDirectories,
      AgentMetrics metrics,
      Clock clock,
      LongSupplier nanos,
      Runnable kick) {
    this.nanos = nanos;
    this.node = node;
    this.preparation = preparation;
    this.applier = applier;
    this.store = store;
    this.files = files;
    this.baseline = new DirectoryBaseline(files, watchedDirectories);
    this.desiredWatch = new DesiredConfigWatch(configs, kick);
    this.metrics = metrics;
    this.clock = clock;
  }

  /** One full pass over the Node as last seen. Runs on the loop's single worker thread. */
  public Next pass(NodeView view) {
    return pass(view, true);
  }

  /**
   * One pass. A pass that was not asked for by a kick (drift, a config appearing) and sees the very
   * annotations the previous settled pass left behind (the echo of our own patch) has nothing to do
   * and reads nothing.
   */
  public Next pass(NodeView view, boolean kicked) {
    if (!kicked && view.annotations().equals(settled)) {
      return Next.IDLE;
    }
    Next next = fullPass(view);
    settled = next instanceof Next.Idle ? node.knownAnnotations() : null;
    return next;
  }

  /**
   * What {@code view} asks the agent to do: its desired config, a pending force request, the newest
   * version seen of the desired MachineConfig. Any thread; reads only the force file.
   */
  public Intent intentOf(NodeView view) {
    ConfigStatus s = node.statusOf(view);
    return new Intent(
        s.desiredConfig(),
        forceToken(s),
        desiredWatch.knownVersion(s.desiredConfig()),
        forceFilePresent());
  }

  private Intent actedOn(ConfigStatus s, boolean forceFile) {
    return new Intent(
        s.desiredConfig(), forceToken(s), desiredWatch.readVersion(s.desiredConfig()), forceFile);
  }

  private static String forceToken(ConfigStatus s) {
    return s.forceReapplyPending() ? s.forceReapply() : "";
  }

  private boolean forceFilePresent() {
    try {
      return files.read(FORCE_FILE).isPresent();
    } catch (IOException e) {
      // The pass reads it too and reports the error; for the backoff it is simply not there.
      LOG.debug("cannot read {}: {}", FORCE_FILE, e.getMessage());
      return false;
    }
  }

  /** The result of one update, counted once when the pass ends. */
  private static final class Tally {
    private final Instant start;
    private final UpdateTimer timer;
    private UpdateResult result;
    private Duration took = Duration.ZERO;

    Tally(Instant start, UpdateTimer timer) {
      this.start = start;
      this.timer = timer;
    }

    void set(UpdateResult r, Instant end) {
      if (result == null) {
        result = r;
        took = Duration.between(start, end);
      }
    }
  }

  private Next fullPass(NodeView view) {
    node.observed(view);
    ConfigStatus status = node.status();
    Optional<String> wanted = status.desired();
    if (wanted.isEmpty()) {
      return Next.IDLE; // a fresh node: Done on no config
    }
    String desired = wanted.get();
    MDC.put("node", view.name());
    MDC.put("toConfig", desired);
    Tally tally = new Tally(clock.instant(), UpdateTimer.start(nanos));
    boolean forceFile = false;
    try {
      forceFile = files.read(FORCE_FILE).isPresent();
      return reconcile(status, desired, forceFile, tally);
    } catch (IOException | RuntimeException e) {
      tally.set(UpdateResult.FAILURE, clock.instant());
      LOG.warn("reconcile of {} failed: {}", desired, e.toString());
      try {
        node.degraded("failed to reconcile MachineConfig " + desired + ": " + e.getMessage());
      } catch (IOException | RuntimeException again) {
        LOG.warn("could not report Degraded: {}", again.toString());
      }
      return new Next.Retry(actedOn(status, forceFile));
    } finally {
      if (tally.result != null) {
        metrics.updateFinished(tally.result, tally.took);
        metrics.updatePhases(tally.timer.spent());
      }
      MDC.clear();
    }
  }

  private Next reconcile(ConfigStatus status, String desired, boolean forceFile, Tally tally)
      throws IOException {
    AppliedConfig applied = store.applied();
    MDC.put("fromConfig", applied.name());
    boolean force = status.forceReapplyPending() || forceFile;
    boolean alreadyApplied = !applied.isNone() && applied.name().equals(desired);
    if (alreadyApplied && !force && desiredWatch.unchangedSinceRead(desired)) {
      return verify(status, applied); // nothing new: only the disk can differ
    }

    tally.timer.skip(); // reading the force file and the record: not an update yet
    Optional<MachineConfigText> text = desiredWatch.fetch(desired);
    tally.timer.lap(UpdatePhase.FETCH);
    if (text.isEmpty()) {
      if (node.unreconcilable(
          "MachineConfig " + desired + " not found; waiting for it to be created")) {
        tally.set(UpdateResult.UNRECONCILABLE, tally.start);
      }
      return Next.IDLE;
    }

    Prepared prepared = preparation.prepare(text.get().json(), desired, applied, tally.timer);
    if (prepared instanceof Prepared.Invalid invalid) {
      if (node.unreconcilable("can't apply MachineConfig " + desired + ": " + invalid.reason())) {
        tally.set(UpdateResult.UNRECONCILABLE, tally.start);
      }
      return Next.IDLE;
    }
    Prepared.Ready ready = (Prepared.Ready) prepared;
    if (alreadyApplied && !force && sameFiles(ready.desired(), applied.files())) {
      return verify(status, applied); // the config is what was applied: a difference is drift
    }
    if (ready.plan().isEmpty()) {
      // Nothing to write or tell crio: record the new name (and finish a record that failed).
      ApplyOutcome outcome = applier.apply(ready.plan(), applied, ready.desired(), tally.timer);
      if (outcome instanceof Failed failed) {
        return failed(status, desired, failed, tally, forceFile);
      }
      tally.set(UpdateResult.SUCCESS, clock.instant());
      node.done(desired, status.forceReapply(), false);
      tally.timer.lap(UpdatePhase.PATCH);
      served(forceFile);
      baseline.rebase(ready.desired());
      return Next.IDLE;
    }

    DrainGate.Gate gate =
        DrainGate.beforeWrite(ready.plan().disruption(), desired, node.drainState());
    if (gate instanceof DrainGate.Gate.Ask ask) {
      // The controller drains; this pass ends and the Node's next change (lastAppliedDrain)
      // brings the agent back here, also after a restart: the annotations are the memory.
      String why = String.join("; ", ready.plan().disruption().reasons());
      LOG.info("update to {} calls for a drain, asking for {}: {}", desired, ask.request(), why);
      node.drainRequested(ask.request(), applied.name(), why);
      return Next.IDLE;
    }
    if (gate instanceof DrainGate.Gate.Wait wait) {
      LOG.debug("update to {} waits for the controller to carry out {}", desired, wait.request());
      return Next.IDLE;
    }
    if (ready.plan().disruption().drain()) {
      LOG.info("update to {} goes on: {}", desired, ((DrainGate.Gate.Open) gate).why());
    }
    node.working(applied.name(), desired);
    tally.timer.lap(UpdatePhase.PATCH);
    ApplyOutcome outcome = applier.apply(ready.plan(), applied, ready.desired(), tally.timer);
    if (outcome instanceof Failed failed) {
      return failed(status, desired, failed, tally, forceFile);
    }
    if (outcome instanceof Applied done) {
      crioMetric(done.crio().action(), done.crio().performed() ? Boolean.TRUE : null);
      LOG.info(
          "applied {}: {} file(s), crio {}",
          desired,
          done.written().size(),
          done.crio().describe());
    }
    tally.set(UpdateResult.SUCCESS, clock.instant());
    node.done(desired, status.forceReapply(), true);
    tally.timer.lap(UpdatePhase.PATCH);
    served(forceFile);
    baseline.rebase(ready.desired());
    return Next.IDLE;
  }

  private Next failed(
      ConfigStatus status, String desired, Failed failed, Tally tally, boolean forceFile)
      throws IOException {
    if (failed.step().equals("crio")) {
      crioMetric(failed.plan().disruption().crioAction(), false);
    }
    CrioOutcome again = failed.rollback().crio();
    if (again.performed()) {
      crioMetric(again.action(), again.succeeded()); // the rollback's own reload or restart
    }
    tally.set(resultOf(failed.effect()), clock.instant());
    LOG.warn("update to {} failed: {}", desired, failed.reason());
    node.degraded("failed to apply MachineConfig " + desired + ": " + failed.reason());
    return new Next.Retry(actedOn(status, forceFile));
  }

  /** The metric label of a failed attempt: what it left on the host. */
  static UpdateResult resultOf(ApplyOutcome.Effect effect) {
    return switch (effect) {
      case UNCHANGED -> UpdateResult.FAILED_UNCHANGED;
      case ROLLED_BACK -> UpdateResult.ROLLED_BACK;
      case ROLLBACK_INCOMPLETE -> UpdateResult.ROLLBACK_INCOMPLETE;
      case APPLIED_UNRECORDED -> UpdateResult.UNRECORDED;
    };
  }

  /**
   * The desired config is the one applied: compare the host with it. A difference is drift,
   * reported and left alone until the file is put back or a re-apply is asked for.
   */
  private Next verify(ConfigStatus status, AppliedConfig applied) throws IOException {
    Prepared.Ready ready = preparation.verify(applied);
    List<String> appeared = baseline.appeared(applied.files());
    if (ready.plan().steps().isEmpty() && appeared.isEmpty()) {
      if (status.state() != ConfigState.DONE || !status.currentConfig().equals(applied.name())) {
        node.done(applied.name(), "", false);
      }
      return Next.IDLE;
    }
    node.drift(DriftReasons.of(ready, appeared));
    return Next.IDLE;
  }

  private void crioMetric(CrioAction action, Boolean succeeded) {
    if (action != CrioAction.NONE && succeeded != null) {
      metrics.crioAction(action.name().toLowerCase(java.util.Locale.ROOT), succeeded);
    }
  }

  private void served(boolean forceFile) throws IOException {
    if (forceFile) {
      files.delete(FORCE_FILE);
    }
  }

  /** Same paths with the same bytes, mode and numeric owner (names of owners aside). */
  private static boolean sameFiles(DesiredFiles a, DesiredFiles b) {
    if (a.files().size() != b.files().size()) {
      return false;
    }
    for (DesiredFile f : a.files()) {
      Optional<DesiredFile> g = b.file(f.path());
      if (g.isEmpty()
          || !java.util.Arrays.equals(f.content(), g.get().content())
          || f.mode() != g.get().mode()
          || !f.owner().uid().orElse(0).equals(g.get().owner().uid().orElse(0))
          || !f.owner().gid().orElse(0).equals(g.get().owner().gid().orElse(0))) {
        return false;
      }
    }
    return true;
  }

  /** Closes the watch of the desired MachineConfig, if any. */
  public void close() {
    desiredWatch.close();
  }
}
