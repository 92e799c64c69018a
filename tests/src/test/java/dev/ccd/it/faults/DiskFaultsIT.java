package dev.ccd.it.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccd.it.support.RootGuard;
import dev.ccd.it.support.SystemdSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Disk faults for real, through HostWiring and the Applier, each in a private mount namespace with
 * ROOT/etc on its own small tmpfs (this machine's mounts are never changed), crio in the systemd
 * sandbox: the update fails naming the cause, the files are as before, no temporary file, journal
 * or window record is left. Writes the observed rows to target/reliability/disk-faults.json.
 */
class DiskFaultsIT {
  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  private static final List<Map<String, Object>> ROWS = new ArrayList<>();
  private static final String OLD_CONF = "old registries.conf";

  @BeforeAll
  static void root() {
    RootGuard.requireRootOrSkip("mount namespaces (unshare -m), tmpfs, chattr, setpriv");
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(
            "enospc",
            "ENOSPC: a 96 KiB tmpfs, a 256 KiB registries.conf",
            "write",
            DiskFaultScenario.CONF,
            "No space left on device"),
        Arguments.of(
            "read-only",
            "read-only bind mount, no CAP_SYS_ADMIN to remount it",
            "remount",
            "/etc/containers",
            "stays read-only"),
        Arguments.of(
            "eacces",
            "EACCES: registries.conf.d mode 0555, no CAP_DAC_OVERRIDE",
            "write",
            DiskFaultScenario.NEW_DROPIN,
            "Permission denied"),
        Arguments.of(
            "immutable",
            "immutable registries.conf (chattr +i)",
            "write",
            DiskFaultScenario.CONF,
            "Operation not permitted"),
        Arguments.of(
            "vanished",
            "registries.conf.d removed between create and rename",
            "write",
            DiskFaultScenario.NEW_DROPIN,
            "No such file or directory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void aDiskFaultFailsTheUpdateWithItsCauseAndLeavesTheFilesAsTheyWere(
      String fault, String description, String step, String path, String cause) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "disk-fault-" + fault).toAbsolutePath());
    deleteTree(dir.resolve("root"));
    Files.createDirectories(dir.resolve("root"));
    List<String> before = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    long reloadsBefore = crioLines("reload");

    Process p =
        new ProcessBuilder(
                "unshare",
                "-m",
                "--propagation",
                "private",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DiskFaultScenario.class.getName(),
                "setup",
                fault,
                dir.toString(),
                Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(),
                SANDBOX.address())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("scenario finished").isTrue();
    assertThat(p.exitValue()).as("scenario %s exit code; output:%n%s", fault, out).isZero();
    Map<String, String> check = checks(out);
    String outcome =
        out.lines().filter(l -> l.startsWith("OUTCOME ")).findFirst().orElse("OUTCOME none");
    long reloads = crioLines("reload") - reloadsBefore;

    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("crioReloads", reloads);
    counts.put("temporaryFilesLeft", Long.parseLong(check.get("tempFiles")));
    counts.put("ccdorigOriginalsKept", Long.parseLong(check.get("originals")));
    counts.put("journalLeft", Boolean.parseBoolean(check.get("journal")) ? 1 : 0);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("fault", description);
    row.put(
        "expected",
        "Failed at "
            + step
            + " "
            + path
            + " naming '"
            + cause
            + "'; rollback complete;"
            + " registries.conf as before; new drop-in absent; no temp file, journal or window"
            + " record left");
    row.put("counts", counts);
    // the row states whether these checks held; it is written either way
    AssertionError failure = null;
    try {
      assertThat(check.get("applyExit")).as(out).isEqualTo("0");
      assertThat(outcome)
          .as(out)
          .startsWith("OUTCOME Failed step=" + step + " path=" + path + " complete=true")
          .contains(cause)
          .doesNotContain("Exception");
      assertThat(check.get("conf")).as("registries.conf as before").isEqualTo(OLD_CONF);
      assertThat(check.get("newDropin")).as("no new drop-in").isEqualTo("<absent>");
      if (!fault.equals("vanished")) {
        assertThat(check.get("oldDropin")).isEqualTo("old drop-in");
      }
      assertThat(check.get("tempFiles")).as("temporary files left").isEqualTo("0");
      assertThat(check.get("journal")).as("journal left").isEqualTo("false");
      assertThat(check.get("windowRecord")).as("window record left").isEqualTo("false");
      assertThat(check.get("etcReadOnly"))
          .as("ROOT/etc read-only exactly when the fault made it so")
          .isEqualTo(String.valueOf(fault.equals("read-only")));
      assertThat(reloads)
          .as("crio told once by the rollback, never for the new files")
          .isEqualTo(1);
      List<String> after = Files.readAllLines(Path.of("/proc/self/mountinfo"));
      assertThat(after).as("host mounts unchanged").containsAll(before);
      assertThat(after).noneMatch(l -> l.contains(dir.toString()));
    } catch (AssertionError e) {
      failure = e;
    }
    row.put(
        "observed",
        (failure == null ? "" : "FAILED: " + failure.getMessage() + "; ")
            + outcome.substring("OUTCOME ".length())
            + "; disk: "
            + check);
    row.put("passed", failure == null);
    synchronized (ROWS) {
      ROWS.add(row);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @AfterAll
  static void writeTable() throws IOException {
    Path file = Path.of("target", "reliability", "disk-faults.json");
    Files.createDirectories(file.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), ROWS);
  }

  private static Map<String, String> checks(String out) {
    Map<String, String> m = new LinkedHashMap<>();
    out.lines()
        .filter(l -> l.startsWith("CHECK "))
        .forEach(
            l -> {
              int eq = l.indexOf('=');
              m.put(l.substring(6, eq), l.substring(eq + 1));
            });
    return m;
  }

  private static long crioLines(String kind) throws IOException {
    Path log = SANDBOX.dir().resolve("crio.log");
    if (!Files.exists(log)) {
      return 0;
    }
    return Files.readAllLines(log).stream().filter(l -> l.startsWith(kind + " ")).count();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
