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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

  /** How crio is told about a change. */
  public enum CrioMode {
    /**
     * The agent and {@code ccd apply}: systemd on the system bus, which must be there; without it
     * the agent does not start and apply writes nothing ({@link #requireSystemd}), and a bus lost
     * later fails the update (rollback, Degraded naming the bus).
     */
    REQUIRED,
    /** Recorded, not performed ({@code apply --no-reload}, the demo); says why. */
    RECORDED
  }

  /**
   * How the host side is wired. {@link #of} gives what {@code apply} uses, {@link #agent} what the
   * agent uses: default disruption rules, no step hook, the process environment (for {@code
   * DBUS_SYSTEM_BUS_ADDRESS}).
   */
  public record Settings(
      CrioMode crio,
      String recordedBecause,
      String crioUnit,
      Duration jobTimeout,
      DisruptionRules rules,
      Applier.StepHook hook,
      Map<String, String> environment) {
    public Settings {
      environment = Map.copyOf(environment);
    }

    /** {@code ccd apply}: systemd on the bus; {@code noReload} records the action instead. */
    public static Settings of(boolean noReload, String crioUnit, Duration jobTimeout) {
      return noReload
          ? recorded("recorded, not performed: --no-reload given", crioUnit)
          : new Settings(
              CrioMode.REQUIRED,
              "",
              crioUnit,
              jobTimeout,
              DisruptionRules.defaults(),
              Applier.StepHook.NONE,
              System.getenv());
    }

    /** The agent: systemd on the system bus, required. */
    public static Settings agent(String crioUnit, Duration jobTimeout) {
      return new Settings(
          CrioMode.REQUIRED,
          "",
          crioUnit,
          jobTimeout,
          DisruptionRules.defaults(),
          Applier.StepHook.NONE,
          System.getenv());
    }

    /**
     * crio actions recorded, not performed; {@code why} is said with every one, in full (e.g.
     * "recorded, not performed: --no-reload given").
     */
    public static Settings recorded(String why, String crioUnit) {
      return new Settings(
          CrioMode.RECORDED,
          why,
          crioUnit,
          Duration.ZERO,
          DisruptionRules.defaults(),
          Applier.StepHook.NONE,
          System.getenv());
    }

    public Settings withRules(DisruptionRules r) {
      return new Settings(crio, recordedBecause, crioUnit, jobTimeout, r, hook, environment);
    }

    public Settings withHook(Applier.StepHook h) {
      return new Settings(crio, recordedBecause, crioUnit, jobTimeout, rules, h, environment);
    }

    public Settings withEnvironment(Map<String, String> env) {
      return new Settings(crio, recordedBecause, crioUnit, jobTimeout, rules, hook, env);
    }
  }

  /**
   * The wiring of the agent: as {@link #forRoot(Path, Settings)} with {@link CrioMode#REQUIRED},
   * after checking that systemd answers on the system bus. Throws, naming the bus address, when it
   * does not: an agent that cannot tell crio must not report Done.
   */
  public static HostWiring forAgent(Path root, Settings settings) throws IOException {
    if (settings.crio() != CrioMode.REQUIRED) {
      throw new IllegalArgumentException("the agent needs CrioMode.REQUIRED");
    }
    requireSystemd(
        root,
        settings,
        "the agent reloads crio through systemd after every change and does not"
            + " start without it");
    return forRoot(root, settings);
  }

  /**
   * Checks, for {@link CrioMode#REQUIRED}, that systemd answers on the system bus {@code settings}
   * name (it reads the crio unit's ActiveState); throws a one-line message naming the bus address
   * and ending with {@code consequence} when it does not. Does nothing for {@link
   * CrioMode#RECORDED}.
   */
  public static void requireSystemd(Path root, Settings settings, String consequence)
      throws IOException {
    if (settings.crio() != CrioMode.REQUIRED) {
      return;
    }
    String address = DbusSystemd.systemBusAddress(root, settings.environment());
    Optional<Path> socket = socketOf(address);
    if (socket.isPresent() && !Files.exists(socket.get())) {
      throw new IOException(
          "no system bus at "
              + address
              + " (no such socket): "
              + consequence
              + "; mount the host's /run/dbus under --root or set DBUS_SYSTEM_BUS_ADDRESS");
    }
    try {
      new DbusSystemd(address).activeState(settings.crioUnit());
    } catch (IOException e) {
      throw new IOException(
          "cannot reach systemd on the system bus at "
              + address
              + ": "
              + e.getMessage()
              + "; "
              + consequence,
          e);
    }
  }

  /** The wiring for {@code root} as {@code settings} say. */
  public static HostWiring forRoot(Path root, Settings settings) {
    Path absolute = root.toAbsolutePath().normalize();
    HostFiles files = new PosixHostFiles(absolute);
    Mounts mounts = new LinuxMounts(absolute, absolute.resolve("run/ccd/writable-mounts"));
    StateStore store = new StateStore(files, StatePaths.DEFAULT);
    CrioControl crio = crioControl(absolute, settings);
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
   * The crio control {@code settings} ask for: systemd on the bus (checked by {@link
   * #requireSystemd}, not here), or a recording one that says why in every outcome.
   */
  static CrioControl crioControl(Path root, Settings settings) {
    String address = DbusSystemd.systemBusAddress(root, settings.environment());
    return switch (settings.crio()) {
      case RECORDED -> CrioControl.recordingOnly(settings.recordedBecause());
      case REQUIRED ->
          CrioControl.using(new DbusSystemd(address), settings.crioUnit(), settings.jobTimeout());
    };
  }

  private static Optional<Path> socketOf(String address) {
    if (!address.startsWith("unix:path=")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(address.substring("unix:path=".length()).split(",")[0]));
  }
}
