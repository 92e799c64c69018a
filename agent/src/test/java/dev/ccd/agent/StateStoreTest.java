package dev.ccd.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.host.HostFiles.UnsafePathException;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.plan.CrioAction;
import dev.ccd.testing.FakeMounts;
import dev.ccd.testing.FakeSystemd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ccd's state files are input: hostile ones are refused by name and field, nothing changes. */
class StateStoreTest {
  private static final String JOURNAL = "/var/lib/ccd/journal.json";
  private static final String RECORD = "/var/lib/ccd/current-config.json";
  // base64 of "x"
  private static final String FILE = "{\"content\":\"eA==\",\"mode\":420,\"uid\":0,\"gid\":0}";
  private static final String CONF = "/etc/containers/registries.conf";

  @TempDir Path root;
  PosixHostFiles files;
  StateStore store;

  @BeforeEach
  void setUp() {
    files = new PosixHostFiles(root);
    store = new StateStore(files, StatePaths.DEFAULT);
  }

  static String journal(String before, String desired) {
    return "{\"fromConfig\":\"a\",\"toConfig\":\"b\",\"phase\":\"WRITING\",\"crioAction\":\"RELOAD\","
        + "\"before\":["
        + before
        + "],\"desired\":["
        + desired
        + "]}";
  }

  static String entry(String path, String file) {
    return "{\"path\":\"" + path + "\"" + (file == null ? "" : ",\"file\":" + file) + "}";
  }

  static Stream<Arguments> hostileJournals() {
    return Stream.of(
        Arguments.of(
            "backup names /etc/shadow",
            journal(entry("/etc/shadow", FILE), ""),
            "field before[0].path: path /etc/shadow is not managed by ccd"),
        Arguments.of(
            "desired path climbs out",
            journal("", entry("/etc/containers/../shadow", FILE)),
            "field desired[0].path: path /etc/containers/../shadow contains a '..' segment"),
        Arguments.of(
            "relative path",
            journal(entry("etc/containers/policy.json", null), ""),
            "field before[0].path: path etc/containers/policy.json is not absolute"),
        Arguments.of(
            "mode beyond permission bits",
            journal(entry(CONF, FILE.replace("420", "32768")), ""),
            "field before[0].file.mode: must be within 0..07777"),
        Arguments.of(
            "negative owner",
            journal(entry(CONF, FILE.replace("\"uid\":0", "\"uid\":-1")), ""),
            "field before[0].file: owner ids must not be negative"),
        Arguments.of(
            "path twice",
            journal(entry(CONF, FILE) + "," + entry(CONF, null), ""),
            "field before[1].path: " + CONF + " appears twice"),
        Arguments.of(
            "desired file without content",
            journal("", entry(CONF, null)),
            "field desired[0].file: is missing"),
        Arguments.of(
            "unknown phase",
            journal("", "").replace("WRITING", "EXPLODING"),
            "field phase: has an invalid value"),
        Arguments.of(
            "control characters in a name",
            journal("", "").replace("\"b\"", "\"b\\u001b[2J\""),
            "field toConfig: contains control characters"),
        Arguments.of(
            "mode of the wrong type",
            journal(entry(CONF, FILE.replace("420", "\"rwx\"")), ""),
            "field before[0].file.mode: has an invalid value"),
        Arguments.of("not JSON", "{\"fromConfig\": ", "not valid JSON (line 1"),
        Arguments.of("JSON null", "null", "holds no journal"),
        Arguments.of("an array", "[]", "field"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileJournals")
  void aHostileJournalIsRefusedNamingFileAndField(String name, String json, String reason)
      throws IOException {
    write(JOURNAL, json);

    assertThatThrownBy(() -> store.journal())
        .isInstanceOf(StateFileException.class)
        .hasMessageStartingWith("refusing state file " + JOURNAL + ": ")
        .hasMessageContaining(reason)
        .hasMessageContaining("nothing was changed")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception", "java.", "dev.ccd"));
  }

  static Stream<Arguments> hostileRecords() {
    String ok = "{\"config\":\"c\",\"appliedAt\":\"2026-12-04T10:00:00Z\",\"files\":[";
    String file =
        "{\"path\":\"" + CONF + "\",\"mode\":420,\"uid\":0,\"gid\":0,\"content\":\"eA==\"}";
    return Stream.of(
        Arguments.of(
            "a record naming /etc/passwd",
            ok + file.replace(CONF, "/etc/passwd") + "]}",
            "field files[0].path: path /etc/passwd is not managed by ccd"),
        Arguments.of(
            "a time that is not one",
            ok.replace("2026-12-04T10:00:00Z", "yesterday") + "]}",
            "field appliedAt: is not a UTC time"),
        Arguments.of(
            "no content", ok + file.replace(",\"content\":\"eA==\"", "") + "]}", "has no content"),
        Arguments.of(
            "no files", "{\"config\":\"c\",\"appliedAt\":\"2026-12-04T10:00:00Z\"}", "files"),
        Arguments.of(
            "mode missing", ok + file.replace("\"mode\":420,", "") + "]}", "files[0].mode"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRecords")
  void aHostileCurrentConfigRecordIsRefused(String name, String json, String reason)
      throws IOException {
    write(RECORD, json);

    assertThatThrownBy(() -> store.applied())
        .isInstanceOf(StateFileException.class)
        .hasMessageStartingWith("refusing state file " + RECORD + ": ")
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception", "java.", "dev.ccd"));
  }

  @Test
  void aLinkedOrSpecialJournalIsRefusedWithoutFollowingOrHanging() throws IOException {
    Path dir = Files.createDirectories(root.resolve("var/lib/ccd"));
    Path precious = Files.writeString(root.resolve("precious"), journal("", ""));
    Files.createSymbolicLink(dir.resolve("journal.json"), precious);
    assertThatThrownBy(() -> store.journal())
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(JOURNAL + ": it is a symbolic link");

    Files.delete(dir.resolve("journal.json"));
    assertThat(
            jnr.posix.POSIXFactory.getNativePOSIX()
                .mkfifo(dir.resolve("journal.json").toString(), 0600))
        .isZero();
    assertThatThrownBy(() -> store.journal())
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(JOURNAL + ": it is not a regular file (a FIFO)");
  }

  @Test
  void recoveryFromACraftedJournalWritesNothing() throws IOException {
    // The journal names /etc/shadow as a backup: recovery used to "restore" ROOT/etc/shadow.
    write(JOURNAL, journal(entry("/etc/shadow", FILE), ""));
    FakeSystemd systemd = new FakeSystemd();
    Applier applier =
        new Applier(
            files,
            new FakeMounts(),
            CrioControl.using(systemd, "crio.service", Duration.ofSeconds(5)),
            store,
            Clock.systemUTC());

    assertThatThrownBy(applier::recover)
        .isInstanceOf(StateFileException.class)
        .hasMessageContaining("/etc/shadow is not managed by ccd");

    assertThat(root.resolve("etc")).as("nothing written under ROOT/etc").doesNotExist();
    assertThat(root.resolve("var/lib/ccd/journal.json")).as("journal kept for inspection").exists();
    assertThat(systemd.calls()).as("crio not touched").isEmpty();
  }

  @Test
  void whatItWritesItReadsBack() throws IOException {
    Journal j =
        new Journal(
            "a",
            "b",
            Journal.Phase.FILES_WRITTEN,
            CrioAction.RELOAD,
            List.of(Journal.PathState.absent(CONF)),
            List.of(new Journal.PathState(CONF, new FileState("x".getBytes(UTF_8), 0644, 0, 0))));
    store.writeJournal(j);

    assertThat(store.journal()).contains(j);
  }

  private void write(String hostPath, String json) throws IOException {
    Path p = root.resolve(hostPath.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, json);
  }
}
