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
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.observe.AgentMetrics;
import dev.ccd.observe.UpdateResult;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.Step;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  private final ConfigSource configs;
  private final NodeState node;
  private final UpdatePreparation preparation;
  private final Applier applier;
  private final StateStore store;
  private final HostFiles files;
  private final List<String> watchedDirectories;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final Runnable kick;
  private Set<String> baseline;
  private Map<String, String> settled;
  private Watch desiredWatch;
  private String watchedName;
  private volatile String checkedName;
  private volatile String checkedVersion;
  private volatile boolean configChanged;

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
    this.configs = configs;
    this.node = node;
    this.preparation = preparation;
    this.applier = applier;
    this.store = store;
    this.files = files;
    this.watchedDirectories = List.copyOf(watchedDirectories);
    this.metrics = metrics;
    this.clock = clock;
    this.kick = kick;
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
    settled = next == Next.IDLE ? node.knownAnnotations() : null;
    return next;
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
    try {
      return reconcile(status, desired);
    } catch (IOException | RuntimeException e) {
      LOG.warn("reconcile of {} failed: {}", desired, e.toString());
      try {
        node.degraded("failed to reconcile MachineConfig " + desired + ": " + e.getMessage());
      } catch (IOException | RuntimeException again) {
        LOG.warn("could not report Degraded: {}", again.toString());
      }
      return Next.RETRY;
    } finally {
      MDC.clear();
    }
  }

  private Next reconcile(ConfigStatus status, String desired) throws IOException {
    AppliedConfig applied = store.applied();
    MDC.put("fromConfig", applied.name());
    boolean forceFile = files.read(FORCE_FILE).isPresent();
    boolean force = status.forceReapplyPending() || forceFile;
    boolean alreadyApplied = !applied.isNone() && applied.name().equals(desired);
    if (alreadyApplied && !force && desired.equals(checkedName) && !configChanged) {
      return verify(status, applied); // nothing new: only the disk can differ
    }

    Optional<MachineConfigText> text = configs.machineConfig(desired);
    checked(desired, text.map(MachineConfigText::resourceVersion).orElse(""));
    watchDesired(desired);
    if (text.isEmpty()) {
      node.unreconcilable("MachineConfig " + desired + " not found; waiting for it to be created");
      return Next.IDLE;
    }

    Prepared prepared = preparation.prepare(text.get().json(), desired, applied);
    if (prepared instanceof Prepared.Invalid invalid) {
      if (node.unreconcilable("can't apply MachineConfig " + desired + ": " + invalid.reason())) {
        metrics.updateFinished(UpdateResult.UNRECONCILABLE, Duration.ZERO);
      }
      return Next.IDLE;
    }
    Prepared.Ready ready = (Prepared.Ready) prepared;
    if (alreadyApplied && !force && sameFiles(ready.desired(), applied.files())) {
      return verify(status, applied); // the config is what was applied: a difference is drift
    }
    if (ready.plan().isEmpty()) {
      if (!alreadyApplied) {
        applier.apply(ready.plan(), applied, ready.desired()); // only records the new name
      }
      node.done(desired, status.forceReapply(), false);
      served(forceFile);
      rebaseline(ready.desired());
      return Next.IDLE;
    }

    Instant start = clock.instant();
    node.working(applied.name(), desired);
    if (ready.plan().disruption().drain()) {
      // Draining belongs to the rollout controller; until one drives this node, say so plainly.
      String why = String.join("; ", ready.plan().disruption().reasons());
      LOG.warn("update to {} calls for a drain, which ccd does not perform yet: {}", desired, why);
      node.drainNotPerformed(desired, why);
    }
    ApplyOutcome outcome = applier.apply(ready.plan(), applied, ready.desired());
    Duration took = Duration.between(start, clock.instant());
    if (outcome instanceof Failed failed) {
      crioMetric(
          failed.plan().disruption().crioAction(), failed.step().equals("crio") ? false : null);
      metrics.updateFinished(UpdateResult.ROLLED_BACK, took);
      LOG.warn("update to {} failed: {}", desired, failed.reason());
      node.degraded("failed to apply MachineConfig " + desired + ": " + failed.reason());
      return Next.RETRY;
    }
    if (outcome instanceof Applied done) {
      crioMetric(done.crio().action(), done.crio().performed() ? Boolean.TRUE : null);
      LOG.info(
          "applied {}: {} file(s), crio {}",
          desired,
          done.written().size(),
          done.crio().describe());
    }
    metrics.updateFinished(UpdateResult.SUCCESS, took);
    node.done(desired, status.forceReapply(), true);
    served(forceFile);
    rebaseline(ready.desired());
    return Next.IDLE;
  }

  /**
   * The desired config is the one applied: compare the host with it. A difference is drift,
   * reported and left alone until the file is put back or a re-apply is asked for.
   */
  private Next verify(ConfigStatus status, AppliedConfig applied) throws IOException {
    Prepared.Ready ready = preparation.verify(applied);
    List<String> appeared = appeared(applied.files());
    if (ready.plan().steps().isEmpty() && appeared.isEmpty()) {
      if (status.state() != ConfigState.DONE || !status.currentConfig().equals(applied.name())) {
        node.done(applied.name(), "", false);
      }
      return Next.IDLE;
    }
    node.drift(driftReason(ready, appeared));
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

  /** Drift reasons in machine-config-daemon's words, one per file. */
  private static String driftReason(Prepared.Ready ready, List<String> appeared) {
    List<String> parts = new ArrayList<>();
    for (Step step : ready.plan().steps()) {
      if (step instanceof Step.WriteFile w) {
        Optional<FileState> now = ready.current().file(w.path());
        switch (w.what()) {
          case CREATE -> parts.add("could not stat file \"" + w.path() + "\": no such file");
          case METADATA -> parts.add(metadataMismatch(w.file(), now.orElseThrow()));
          default -> parts.add("content mismatch for file \"" + w.path() + "\"");
        }
      } else {
        parts.add("unexpected file \"" + step.path() + "\"");
      }
    }
    for (String p : appeared) {
      parts.add("unexpected file \"" + p + "\" appeared in a managed directory");
    }
    return String.join("; ", parts);
  }

  private static String metadataMismatch(DesiredFile want, FileState got) {
    if (want.mode() != got.mode()) {
      return String.format(
          "mode mismatch for file: \"%s\"; expected: 0%o; received: 0%o",
          want.path(), want.mode(), got.mode());
    }
    return String.format(
        "owner mismatch for file: \"%s\"; expected: %d:%d; received: %d:%d",
        want.path(),
        want.owner().uid().orElse(0),
        want.owner().gid().orElse(0),
        got.uid(),
        got.gid());
  }

  /** Files in the watched directories that are neither ours nor there when we last finished. */
  private List<String> appeared(DesiredFiles desired) throws IOException {
    if (baseline == null) {
      rebaseline(desired);
      return List.of();
    }
    List<String> found = new ArrayList<>();
    for (String p : listWatched()) {
      if (!baseline.contains(p) && desired.file(p).isEmpty() && !p.contains("/.ccd-tmp-")) {
        found.add(p);
      }
    }
    return found;
  }

  private void rebaseline(DesiredFiles desired) throws IOException {
    Set<String> now = new HashSet<>(listWatched());
    desired.files().forEach(f -> now.remove(f.path()));
    baseline = now;
  }

  private List<String> listWatched() throws IOException {
    List<String> all = new ArrayList<>();
    for (String dir : watchedDirectories) {
      for (String name : files.list(dir)) {
        all.add(dir.endsWith("/") ? dir + name : dir + "/" + name);
      }
    }
    return all;
  }

  private void checked(String name, String resourceVersion) {
    checkedName = name;
    checkedVersion = resourceVersion;
    configChanged = false;
  }

  /**
   * Watches the desired MachineConfig by name: it appearing (after Unreconcilable "not found") or
   * being edited in place makes the next pass read it again. The watch's first delivery carries the
   * version just read and so asks for nothing.
   */
  private void watchDesired(String name) {
    if (name.equals(watchedName)) {
      return;
    }
    closeWatch();
    watchedName = name;
    desiredWatch =
        configs.watch(
            name,
            mc -> {
              if (!(mc.name().equals(checkedName) && mc.resourceVersion().equals(checkedVersion))) {
                configChanged = true;
                kick.run();
              }
            });
  }

  private void closeWatch() {
    if (desiredWatch != null) {
      desiredWatch.close();
      desiredWatch = null;
      watchedName = null;
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
    closeWatch();
  }
}
