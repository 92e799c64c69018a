package dev.ccd.cli;

import dev.ccd.agent.AppliedConfig;
import dev.ccd.agent.ApplyOutcome;
import dev.ccd.agent.UpdatePreparation.Prepared;
import dev.ccd.host.InstanceLock;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ccd apply}: the agent's update, once, from a MachineConfig file onto a local root (like
 * machine-config-daemon's {@code --once-from}).
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the /etc/containers files of a MachineConfig to a root directory, once.",
      "Validates everything first (nothing is written on bad input), writes only files that"
          + " differ, atomically, and reloads or restarts crio over D-Bus when a system bus is"
          + " there."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:applied, or nothing to change",
      "1:invalid input or unsafe host state; nothing written",
      "3:the update failed and was rolled back"
    })
final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "MachineConfig (YAML or JSON) with an Ignition 3.x spec.config")
  Path config;

  @Option(
      names = "--root",
      defaultValue = "/",
      paramLabel = "DIR",
      description = "root of the host file system (default: ${DEFAULT-VALUE})")
  Path root;

  @Option(names = "--dry-run", description = "print the plan and a unified diff; write nothing")
  boolean dryRun;

  @Option(names = "--no-reload", description = "do not tell crio; print the action it would need")
  boolean noReload;

  @Option(
      names = "--crio-unit",
      defaultValue = "crio.service",
      description = "systemd unit of the runtime (default: ${DEFAULT-VALUE})")
  String crioUnit;

  @Option(
      names = "--job-timeout",
      defaultValue = "PT90S",
      description = "how long to wait for crio's reload/restart job (ISO-8601, default: 90 s)")
  Duration jobTimeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String source = config.toString();
    String text;
    try {
      text = InputFile.text(config, InputFile.Limits.current().config());
    } catch (InputFile.Unreadable e) {
      err.println(SafeText.escape(e.getMessage()) + "; nothing was written");
      return 1;
    }
    Optional<String> mirrorSet =
        MirrorSetsReader.kinds(text).stream().filter(MirrorSetsReader::reads).findFirst();
    if (mirrorSet.isPresent()) {
      err.println(
          SafeText.escape(
              source
                  + " is an "
                  + mirrorSet.get()
                  + ", not a MachineConfig; render it first: ccd render --mirror-sets "
                  + source
                  + " -o machineconfig"));
      return 1;
    }
    if (!Files.isDirectory(root)) {
      err.println(SafeText.escape("--root " + root + ": not a directory"));
      return 1;
    }
    HostWiring.Settings settings = HostWiring.Settings.of(noReload || dryRun, crioUnit, jobTimeout);
    HostWiring host = HostWiring.forRoot(root, settings);
    try {
      // Validate first, reading only: bad input must leave the root untouched, lock file included.
      Prepared checked = host.preparation().prepare(text, source, host.store().applied());
      if (checked instanceof Prepared.Invalid invalid) {
        PlanPrinter.problems(err, source, invalid.problems());
        err.println(source + ": invalid; nothing was written");
        return 1;
      }
      if (dryRun) {
        Prepared.Ready ready = (Prepared.Ready) checked;
        PlanPrinter.problems(err, source, ready.warnings());
        PlanPrinter.plan(out, ready.plan());
        PlanPrinter.diff(out, ready.plan(), ready.current());
        out.println("dry run: nothing written");
        return 0;
      }
      // Files written without telling crio would be a silent half-update: no bus, nothing written.
      try {
        HostWiring.requireSystemd(
            root,
            settings,
            "ccd apply reloads crio through systemd after writing; nothing was written"
                + " (--no-reload writes the files and only prints the crio action)");
      } catch (IOException e) {
        err.println("apply: " + SafeText.escape(e.getMessage()));
        return 1;
      }
      // One writer per host: the agent holds the same lock while it runs.
      try (InstanceLock lock = InstanceLock.acquire(host.root())) {
        return apply(host, text, source, out, err);
      }
    } catch (IOException e) {
      err.println(SafeText.escape(source) + ": " + FailureText.of(e) + "; nothing was written");
      return 1;
    }
  }

  private int apply(HostWiring host, String text, String source, PrintWriter out, PrintWriter err)
      throws IOException {
    host.mounts()
        .restoreAfterCrash()
        .forEach(m -> out.println("recovered: made " + m + " read-only again"));
    Optional<String> recovered = host.applier().recover();
    recovered.ifPresent(r -> out.println("recovered: " + r));
    AppliedConfig previous = host.store().applied();
    Prepared prepared = host.preparation().prepare(text, source, previous);
    if (prepared instanceof Prepared.Invalid invalid) {
      PlanPrinter.problems(err, source, invalid.problems());
      return 1;
    }
    Prepared.Ready ready = (Prepared.Ready) prepared;
    PlanPrinter.problems(err, source, ready.warnings());
    PlanPrinter.plan(out, ready.plan());
    ApplyOutcome outcome = host.applier().apply(ready.plan(), previous, ready.desired());
    if (outcome instanceof ApplyOutcome.Unchanged u) {
      out.printf("no changes: %s already matches %s%n", host.root(), u.config());
      return 0;
    }
    if (outcome instanceof ApplyOutcome.Applied a) {
      for (String p : a.written()) {
        out.println("changed: " + SafeText.escape(p));
      }
      out.println("crio: " + a.crio().describe());
      out.printf("applied %s to %s%n", ready.desired().configName(), host.root());
      return 0;
    }
    ApplyOutcome.Failed f = (ApplyOutcome.Failed) outcome;
    err.println("update failed: " + SafeText.escape(f.reason()));
    return 3;
  }
}
