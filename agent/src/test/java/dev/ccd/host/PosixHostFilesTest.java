package dev.ccd.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.host.HostFiles.UnsafePathException;
import dev.ccd.host.WriteObserver.Step;
import dev.ccd.machineconfig.FileState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PosixHostFilesTest {

  private static final String CONF = "/etc/containers/registries.conf";

  @TempDir Path root;
  private final List<String> steps = new ArrayList<>();
  private PosixHostFiles files;

  @BeforeEach
  void setUp() {
    files = new PosixHostFiles(root, (step, path) -> steps.add(step + " " + path));
  }

  @Test
  void writesContentModeAndOwnerExactly() throws IOException {
    boolean root0 = isRoot();
    int uid = root0 ? 1234 : currentUid();
    int gid = root0 ? 5678 : currentGid();
    byte[] content = "unqualified-search-registries = [\"docker.io\"]\n".getBytes(UTF_8);

    files.writeAtomically(CONF, content, 0640, uid, gid);

    Path real = root.resolve("etc/containers/registries.conf");
    assertThat(Files.readAllBytes(real)).as("content on disk").isEqualTo(content);
    assertThat(Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS))
        .as("mode bits (file type included) of %s", real)
        .isEqualTo(0100640);
    assertThat(Files.getAttribute(real, "unix:uid")).as("uid").isEqualTo(uid);
    assertThat(Files.getAttribute(real, "unix:gid")).as("gid").isEqualTo(gid);
    assertThat(files.read(CONF)).contains(new FileState(content, 0640, uid, gid));
  }

  @Test
  void exactModeDespiteUmaskIncludingSpecialBits() throws IOException {
    // 0777 and set-group-id would be trimmed by a 022 umask / by chown when set before it.
    files.writeAtomically(CONF, new byte[0], 02777, currentUid(), currentGid());

    assertThat(files.read(CONF).orElseThrow().mode()).isEqualTo(02777);
  }

  @Test
  void createsMissingParentsWith0755AndSyncsInOrder() throws IOException {
    files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid());

    for (String dir : List.of("etc", "etc/containers")) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(root.resolve(dir), LinkOption.NOFOLLOW_LINKS)))
          .as("permissions of created directory %s", dir)
          .isEqualTo("rwxr-xr-x");
    }
    assertThat(steps)
        .containsExactly(
            "DIRECTORY_CREATED /etc",
            "DIRECTORY_SYNCED /etc",
            "DIRECTORY_CREATED /etc/containers",
            "DIRECTORY_SYNCED /etc/containers",
            "TEMP_CREATED " + CONF,
            "CONTENT_WRITTEN " + CONF,
            "FILE_SYNCED " + CONF,
            "RENAMED " + CONF,
            "DIRECTORY_SYNCED " + CONF);
  }

  @Test
  void replacingAnExistingFileSyncsFileThenRenamesThenSyncsDirectory() throws IOException {
    files.writeAtomically(CONF, "old".getBytes(UTF_8), 0644, currentUid(), currentGid());
    steps.clear();

    files.writeAtomically(CONF, "new".getBytes(UTF_8), 0600, currentUid(), currentGid());

    assertThat(steps)
        .containsExactly(
            "TEMP_CREATED " + CONF,
            "CONTENT_WRITTEN " + CONF,
            "FILE_SYNCED " + CONF,
            "RENAMED " + CONF,
            "DIRECTORY_SYNCED " + CONF);
    assertThat(files.read(CONF).orElseThrow())
        .isEqualTo(new FileState("new".getBytes(UTF_8), 0600, currentUid(), currentGid()));
    assertThat(entries(root.resolve("etc/containers"))).containsExactly("registries.conf");
  }

  @ParameterizedTest(name = "failure after {0}")
  @ValueSource(strings = {"TEMP_CREATED", "CONTENT_WRITTEN", "FILE_SYNCED"})
  void aFailureMidWriteLeavesTheOldFileAndNoTemporaryFile(String failAt) throws IOException {
    files.writeAtomically(CONF, "old".getBytes(UTF_8), 0644, currentUid(), currentGid());
    PosixHostFiles failing =
        new PosixHostFiles(
            root,
            (step, path) -> {
              if (step.name().equals(failAt)) {
                throw new IOException("injected failure after " + step);
              }
            });

    assertThatThrownBy(
            () ->
                failing.writeAtomically(
                    CONF, "new".getBytes(UTF_8), 0600, currentUid(), currentGid()))
        .hasMessageContaining("injected failure after " + failAt);

    assertThat(entries(root.resolve("etc/containers")))
        .as("no temporary file may be left behind")
        .containsExactly("registries.conf");
    assertThat(files.read(CONF).orElseThrow())
        .isEqualTo(new FileState("old".getBytes(UTF_8), 0644, currentUid(), currentGid()));
  }

  @Test
  void aFailingRenameLeavesNoTemporaryFile() throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    // A non-empty directory appears at the target while the temp file is written: rename(2)
    // itself fails (EISDIR), a real system call failure rather than an injected one.
    PosixHostFiles racing =
        new PosixHostFiles(
            root,
            (step, path) -> {
              if (step == Step.TEMP_CREATED) {
                Files.createDirectories(dir.resolve("registries.conf/inner"));
              }
            });

    assertThatThrownBy(
            () ->
                racing.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("rename")
        .hasMessageContaining(CONF);

    assertThat(entries(dir)).containsExactly("registries.conf");
    assertThat(dir.resolve("registries.conf")).isDirectory();
  }

  @Test
  void symlinkAtTargetIsRefusedAndNothingWritten() throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    Path elsewhere = Files.writeString(root.resolve("elsewhere"), "precious");
    Files.createSymbolicLink(dir.resolve("registries.conf"), elsewhere);

    assertThatThrownBy(
            () ->
                files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid()))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(CONF)
        .hasMessageContaining("symbolic link")
        .hasMessageContaining(elsewhere.toString());

    assertThat(Files.readString(elsewhere)).isEqualTo("precious");
    assertThat(entries(dir)).containsExactly("registries.conf");
    assertThatThrownBy(() -> files.read(CONF)).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> files.delete(CONF)).isInstanceOf(UnsafePathException.class);
    assertThat(Files.isSymbolicLink(dir.resolve("registries.conf"))).isTrue();
  }

  @ParameterizedTest(name = "link at {0}")
  @ValueSource(strings = {"etc", "etc/containers"})
  void symlinkAtAParentIsRefusedAndNothingWritten(String linked) throws IOException {
    Path target = Files.createDirectories(root.resolve("outside"));
    Path link = root.resolve(linked);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target);

    assertThatThrownBy(
            () ->
                files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid()))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("/" + linked + " is a symbolic link")
        .hasMessageContaining(CONF);

    try (Stream<Path> all = Files.walk(target)) {
      assertThat(all.filter(p -> !p.equals(target)))
          .as("nothing written through the link")
          .isEmpty();
    }
    assertThatThrownBy(() -> files.read(CONF)).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> files.list("/etc/containers")).isInstanceOf(UnsafePathException.class);
    assertThat(steps).isEmpty();
  }

  @Test
  void aRegularFileWhereADirectoryShouldBeIsRefused() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/containers"), "not a dir");

    assertThatThrownBy(
            () ->
                files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid()))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("/etc/containers is not a directory");
  }

  @Test
  void readOfADirectoryOrMissingFile() throws IOException {
    Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));

    assertThat(files.read(CONF)).isEmpty();
    assertThat(files.read("/nothing/here/at/all")).isEmpty();
    assertThatThrownBy(() -> files.read("/etc/containers/registries.conf.d"))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("not a regular file");
  }

  @ParameterizedTest(name = "mode 0{0}")
  @ValueSource(ints = {010000, -1, 0100644})
  void rejectsModesBeyondPermissionBits(int mode) {
    assertThatThrownBy(() -> files.writeAtomically(CONF, new byte[0], mode, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CONF)
        .hasMessageContaining("07777");
    assertThat(root.resolve("etc")).doesNotExist();
  }

  @ParameterizedTest(name = "path {0}")
  @ValueSource(strings = {"etc/containers/x", "/etc/../x", "/etc/./x", ""})
  void rejectsRelativeAndDottedPaths(String path) {
    assertThatThrownBy(() -> files.writeAtomically(path, new byte[0], 0644, 0, 0))
        .isInstanceOf(UnsafePathException.class);
    assertThat(root.resolve("etc")).doesNotExist();
  }

  @Test
  void deleteRemovesAndSyncsAndIgnoresMissing() throws IOException {
    files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, currentUid(), currentGid());
    steps.clear();

    files.delete(CONF);
    files.delete(CONF);
    files.delete("/no/such/dir/file");

    assertThat(root.resolve("etc/containers/registries.conf")).doesNotExist();
    assertThat(steps).containsExactly("DELETED " + CONF, "DIRECTORY_SYNCED " + CONF);
  }

  @Test
  void listsOnlyRegularFilesSorted() throws IOException {
    Path d = Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    Files.writeString(d.resolve("b.conf"), "");
    Files.writeString(d.resolve("a.conf"), "");
    Files.createDirectory(d.resolve("sub"));
    Files.createSymbolicLink(d.resolve("link.conf"), d.resolve("a.conf"));

    assertThat(files.list("/etc/containers/registries.conf.d")).containsExactly("a.conf", "b.conf");
    assertThat(files.list("/etc/containers/registries.d")).isEmpty();
  }

  @Test
  void resolvesUsersAndGroupsFromTheRootsFiles() throws IOException {
    assertThat(files.uidOf("containers")).isEmpty();
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(
        root.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/bash\ncontainers:x:1001:1002::/home/c:/sbin/nologin\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\ncontainers:x:1002:\n");

    assertThat(files.uidOf("containers")).isEqualTo(OptionalInt.of(1001));
    assertThat(files.gidOf("containers")).isEqualTo(OptionalInt.of(1002));
    assertThat(files.uidOf("root")).isEqualTo(OptionalInt.of(0));
    assertThat(files.uidOf("nobody-here")).isEmpty();
    assertThat(files.gidOf("nobody-here")).isEqualTo(OptionalInt.empty());
  }

  @Test
  void aBrokenIdNamesTheFile() throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "svc:x:abc:0::/:/bin/false\n");

    assertThatThrownBy(() -> files.uidOf("svc"))
        .hasMessageContaining("etc/passwd")
        .hasMessageContaining("svc");
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Optional<Integer> id(String attribute) {
    try {
      return Optional.of((Integer) Files.getAttribute(Path.of("/proc/self"), attribute));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int currentUid() {
    return id("unix:uid").orElseThrow();
  }

  private static int currentGid() {
    return id("unix:gid").orElseThrow();
  }

  private static boolean isRoot() {
    return currentUid() == 0;
  }
}
