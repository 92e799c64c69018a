package dev.ccd.cli;

import dev.ccd.agent.Applier;
import dev.ccd.agent.CrioControl;
import dev.ccd.agent.StatePaths;
import dev.ccd.agent.StateStore;
import dev.ccd.agent.UpdatePreparation;
import dev.ccd.host.DbusSystemd;
import dev.ccd.host.HostFiles;
import dev.ccd.host.LinuxMounts;
import dev.ccd.host.Mounts;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.machineconfig.ContentValidator;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.plan.DisruptionPolicy;
import dev.ccd.plan.DisruptionRules;
import dev.ccd.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The host side of ccd for one root: real adapters (jnr-posix files, mount(2), systemd over D-Bus)
 * wired into the preparation and the applier that {@code apply}, {@code demo} and {@code agent}
 * share.
 */
public record HostWiring(
    Path root,
    HostFiles files,
    Mounts mounts,
    StateStore store,
    UpdatePreparation preparation,
    Applier applier,
    CrioControl crio) {

  /**
   * How the host side is wired. {@link #of} gives what the commands use: default disruption rules,
   * no step hook, the process environment (for {@code DBUS_SYSTEM_BUS_ADDRESS}).
   */
  public record Settings(
      boolean noReload,
      String crioUnit,
      Duration jobTimeout,
      DisruptionRules rules,
      Applier.StepHook hook,
      Map<String, String> environment) {
    public Settings {
      environment = Map.copyOf(environment);
    }

    public static Settings of(boolean noReload, String crioUnit, Duration jobTimeout) {
      return new Settings(
          noReload,
          crioUnit,
          jobTimeout,
          DisruptionRules.defaults(),
          Applier.StepHook.NONE,
          System.getenv());
    }

    public Settings withRules(DisruptionRules r) {
      return new Settings(noReload, crioUnit, jobTimeout, r, hook, environment);
    }

    public Settings withHook(Applier.StepHook h) {
      return new Settings(noReload, crioUnit, jobTimeout, rules, h, environment);
    }

    public Settings withEnvironment(Map<String, String> env) {
      return new Settings(noReload, crioUnit, jobTimeout, rules, hook, env);
    }
  }

  /** The wiring the commands use. */
  public static HostWiring forRoot(
      Path root, boolean noReload, String crioUnit, Duration jobTimeout) {
    return forRoot(root, Settings.of(noReload, crioUnit, jobTimeout));
  }

  /** The wiring for {@code root} as {@code settings} say. */
  public static HostWiring forRoot(Path root, Settings settings) {
    Path absolute = root.toAbsolutePath().normalize();
    HostFiles files = new PosixHostFiles(absolute);
    Mounts mounts = new LinuxMounts(absolute, absolute.resolve("run/ccd/writable-mounts"));
    StateStore store = new StateStore(files, StatePaths.DEFAULT);
    CrioControl crio =
        crioControl(
            absolute,
            settings.noReload(),
            settings.crioUnit(),
            settings.jobTimeout(),
            settings.environment());
    UpdatePreparation preparation =
        new UpdatePreparation(
            files,
            ManagedPaths.DEFAULT,
            StatePaths.DEFAULT,
            new Planner(new DisruptionPolicy(settings.rules(), ContentValidator::parseRegistries)),
            ContentValidator::check);
    Applier applier = new Applier(files, mounts, crio, store, Clock.systemUTC(), settings.hook());
    return new HostWiring(absolute, files, mounts, store, preparation, applier, crio);
  }

  /**
   * systemd on the system bus when there is one ({@code DBUS_SYSTEM_BUS_ADDRESS}, else the socket
   * under the root); otherwise crio actions are recorded, not performed, and say why.
   */
  static CrioControl crioControl(
      Path root, boolean noReload, String unit, Duration timeout, Map<String, String> env) {
    if (noReload) {
      return CrioControl.recordingOnly("--no-reload given");
    }
    String address = DbusSystemd.systemBusAddress(root, env);
    if (address.startsWith("unix:path=")) {
      Path socket = Path.of(address.substring("unix:path=".length()).split(",")[0]);
      if (!Files.exists(socket)) {
        return CrioControl.recordingOnly("no system bus at " + socket);
      }
    }
    return CrioControl.using(new DbusSystemd(address), unit, timeout);
  }
}
