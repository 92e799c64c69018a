package dev.ccd.it.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ccd.agent.AppliedConfig;
import dev.ccd.agent.Applier;
import dev.ccd.agent.ApplyOutcome;
import dev.ccd.agent.StatePaths;
import dev.ccd.agent.StateStore;
import dev.ccd.cli.HostWiring;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.host.WriteObserver;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.Owner;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.Disruption;
import dev.ccd.plan.Plan;
import dev.ccd.plan.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One disk fault, for real: {@code setup FAULT DIR HOSTNS BUS} runs inside {@code unshare -m
 * --propagation private} only (it checks), puts ROOT/etc on a small tmpfs of this namespace, makes
 * the fault, then runs {@code apply FAULT DIR HOSTNS BUS} as a child (with fewer capabilities where
 * the fault needs it) through the real HostWiring and Applier, and checks the disk after it. Prints
 * {@code OUTCOME ...} and {@code CHECK name=value} lines for the IT.
 */
public final class DiskFaultScenario {
  static final String CONF = "/etc/containers/registries.conf";
  static final String DROPIN_DIR = "/etc/containers/registries.conf.d";
  static final String OLD_DROPIN = DROPIN_DIR + "/50-old.conf";
  static final String NEW_DROPIN = DROPIN_DIR + "/99-new.conf";

  private DiskFaultScenario() {}

  public static void main(String[] args) throws Exception {
    String phase = args[0];
    String fault = args[1];
    Path dir = Path.of(args[2]).toAbsolutePath();
    String hostNamespace = args[3];
    String bus = args[4];
    String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
    if (mine.equals(hostNamespace) || !hostNamespace.startsWith("mnt:")) {
      throw new IllegalStateException(
          "refusing to touch mounts: not in a private mount namespace (run under unshare -m)");
    }
    Path root = dir.resolve("root");
    switch (phase) {
      case "setup" -> setup(fault, dir, root, args);
      case "apply" -> apply(fault, root, bus);
      default -> throw new IllegalArgumentException(phase);
    }
  }

  private static void setup(String fault, Path dir, Path root, String[] args) throws Exception {
    Path etc = Files.createDirectories(root.resolve("etc"));
    // ENOSPC needs a file system that fills; the others get room to spare.
    run(
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "size=" + (fault.equals("enospc") ? "96k" : "4m"),
        "ccd-fault",
        etc.toString());
    Path conf = Files.createDirectories(etc.resolve("containers"));
    Path dropins = Files.createDirectories(conf.resolve("registries.conf.d"));
    Files.writeString(conf.resolve("registries.conf"), "old registries.conf\n");
    Files.writeString(dropins.resolve("50-old.conf"), "old drop-in\n");
    List<String> prefix = new ArrayList<>();
    switch (fault) {
      case "enospc" -> {
        // leave less room than the new file needs
        Files.write(etc.resolve("filler"), new byte[64 * 1024]);
      }
      case "read-only" -> {
        run("mount", "--bind", etc.toString(), etc.toString());
        run("mount", "-o", "remount,bind,ro", etc.toString());
        // without CAP_SYS_ADMIN the window cannot remount it read-write
        prefix.addAll(List.of("setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin"));
      }
      case "eacces" -> {
        run("chmod", "0555", dropins.toString());
        // root without the capabilities that override file permissions: a plain owner
        String caps = "-dac_override,-dac_read_search,-fowner";
        prefix.addAll(List.of("setpriv", "--bounding-set=" + caps, "--inh-caps=" + caps));
      }
      case "immutable" -> run("chattr", "+i", conf.resolve("registries.conf").toString());
      case "vanished" -> {
        // the directory is removed while the write is under way (see apply)
      }
      default -> throw new IllegalArgumentException(fault);
    }
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            DiskFaultScenario.class.getName(),
            "apply",
            fault,
            dir.toString(),
            args[3],
            args[4]));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    System.out.print(out);
    System.out.println("CHECK applyExit=" + p.waitFor());
    if (fault.equals("immutable")) {
      run("chattr", "-i", conf.resolve("registries.conf").toString());
    }
    if (fault.equals("eacces")) {
      run("chmod", "0755", dropins.toString());
    }
    // What the disk holds now.
    System.out.println("CHECK conf=" + read(conf.resolve("registries.conf")));
    System.out.println("CHECK oldDropin=" + read(dropins.resolve("50-old.conf")));
    System.out.println("CHECK newDropin=" + read(dropins.resolve("99-new.conf")));
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> files = all.sorted(Comparator.naturalOrder()).toList();
      System.out.println(
          "CHECK tempFiles="
              + files.stream()
                  .filter(f -> f.getFileName().toString().contains(".ccd-tmp-"))
                  .count());
      System.out.println("CHECK journal=" + Files.exists(root.resolve("var/lib/ccd/journal.json")));
      System.out.println(
          "CHECK windowRecord=" + Files.exists(root.resolve("run/ccd/writable-mounts")));
      System.out.println(
          "CHECK originals="
              + files.stream()
                  .filter(f -> f.getFileName().toString().endsWith(".ccdorig"))
                  .count());
    }
    System.out.println("CHECK etcReadOnly=" + mountOptions(etc).startsWith("ro"));
  }

  private static void apply(String fault, Path root, String bus) throws Exception {
    HostWiring host =
        HostWiring.forRoot(
            root,
            HostWiring.Settings.of(false, "crio.service", Duration.ofSeconds(30))
                .withEnvironment(Map.of("DBUS_SYSTEM_BUS_ADDRESS", bus)));
    Applier applier = host.applier();
    if (fault.equals("vanished")) {
      Path dropins = root.resolve(DROPIN_DIR.substring(1));
      WriteObserver removeDirectory =
          (step, path) -> {
            if (step == WriteObserver.Step.TEMP_CREATED && path.equals(NEW_DROPIN)) {
              // an administrator's rm -rf between our create and our rename
              try (Stream<Path> s = Files.walk(dropins)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                  Files.delete(p);
                }
              }
            }
          };
      PosixHostFiles files = new PosixHostFiles(root, removeDirectory);
      applier =
          new Applier(
              files,
              host.mounts(),
              host.crio(),
              new StateStore(files, StatePaths.DEFAULT),
              Clock.systemUTC());
    }
    DesiredFile conf = file(CONF, fault.equals("enospc") ? 256 * 1024 : 64);
    DesiredFile dropin = file(NEW_DROPIN, 64);
    Plan plan =
        new Plan(
            "",
            "rendered-fault",
            List.of(
                new Step.WriteFile(conf, Step.Change.CONTENT),
                new Step.WriteFile(dropin, Step.Change.CREATE)),
            new Disruption(CrioAction.RELOAD, false, List.of("disk fault test")));
    ApplyOutcome outcome =
        applier.apply(
            plan, AppliedConfig.none(), new DesiredFiles("rendered-fault", List.of(conf, dropin)));
    String line =
        outcome instanceof ApplyOutcome.Failed f
            ? "Failed step="
                + f.step()
                + " path="
                + f.path()
                + " complete="
                + f.rollback().complete()
                + " reason="
                + f.reason()
            : outcome.getClass().getSimpleName();
    System.out.println("OUTCOME " + line.replace('\n', ' '));
  }

  private static DesiredFile file(String path, int size) {
    byte[] content = new byte[size];
    java.util.Arrays.fill(content, (byte) 'n');
    content[size - 1] = '\n';
    return new DesiredFile(path, content, 0644, Owner.ROOT);
  }

  private static String read(Path p) throws Exception {
    return Files.exists(p) ? Files.readString(p).trim() : "<absent>";
  }

  private static String mountOptions(Path p) throws Exception {
    String real = p.toRealPath().toString();
    String options = "";
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals(real)) {
        options = f[5]; // the last mount at that point wins
      }
    }
    return options;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    }
  }
}
