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
    // Run by another user, ccd maps that user to 0 both ways (it cannot give files away).
    int uid = root0 ? 1234 : 0;
    int gid = root0 ? 5678 : 0;
    byte[] content = "unqualified-search-registries = [\"docker.io\"]\n".getBytes(UTF_8);

    files.writeAtomically(CONF, content, 0640, uid, gid);

    Path real = root.resolve("etc/containers/registries.conf");
    assertThat(Files.readAllBytes(real)).as("content on disk").isEqualTo(content);
    assertThat(Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS))
        .as("mode bits (file type included) of %s", real)
        .isEqualTo(0100640);
    assertThat(Files.getAttribute(real, "unix:uid"))
        .as("uid")
        .isEqualTo(root0 ? uid : currentUid());
    assertThat(Files.getAttribute(real, "unix:gid"))
        .as("gid")
        .isEqualTo(root0 ? gid : currentGid());
    assertThat(files.read(CONF)).contains(new FileState(content, 0640, uid, gid));
  }

  @Test
  void exactModeDespiteUmaskIncludingSpecialBits() throws IOException {
    // 0777 and set-group-id would be trimmed by a 022 umask / by chown when set before it.
    files.writeAtomically(CONF, new byte[0], 02777, uid(), gid());

    assertThat(files.read(CONF).orElseThrow().mode()).isEqualTo(02777);
  }

  @Test
  void createsMissingParentsWith0755AndSyncsInOrder() throws IOException {
    files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid());

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
    files.writeAtomically(CONF, "old".getBytes(UTF_8), 0644, uid(), gid());
    steps.clear();

    files.writeAtomically(CONF, "new".getBytes(UTF_8), 0600, uid(), gid());

    assertThat(steps)
        .containsExactly(
            "TEMP_CREATED " + CONF,
            "CONTENT_WRITTEN " + CONF,
            "FILE_SYNCED " + CONF,
            "RENAMED " + CONF,
            "DIRECTORY_SYNCED " + CONF);
    assertThat(files.read(CONF).orElseThrow())
        .isEqualTo(new FileState("new".getBytes(UTF_8), 0600, uid(), gid()));
    assertThat(entries(root.resolve("etc/containers"))).containsExactly("registries.conf");
  }

  @ParameterizedTest(name = "failure after {0}")
  @ValueSource(strings = {"TEMP_CREATED", "CONTENT_WRITTEN", "FILE_SYNCED"})
  void aFailureMidWriteLeavesTheOldFileAndNoTemporaryFile(String failAt) throws IOException {
    files.writeAtomically(CONF, "old".getBytes(UTF_8), 0644, uid(), gid());
    PosixHostFiles failing =
        new PosixHostFiles(
            root,
            (step, path) -> {
              if (step.name().equals(failAt)) {
                throw new IOException("injected failure after " + step);
              }
            });

    assertThatThrownBy(
            () -> failing.writeAtomically(CONF, "new".getBytes(UTF_8), 0600, uid(), gid()))
        .hasMessageContaining("injected failure after " + failAt);

    assertThat(entries(root.resolve("etc/containers")))
        .as("no temporary file may be left behind")
        .containsExactly("registries.conf");
    assertThat(files.read(CONF).orElseThrow())
        .isEqualTo(new FileState("old".getBytes(UTF_8), 0644, uid(), gid()));
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

    assertThatThrownBy(() -> racing.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()))
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

    assertThatThrownBy(() -> files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()))
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

    assertThatThrownBy(() -> files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()))
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

    assertThatThrownBy(() -> files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()))
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
    files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid());
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

  @Test
  void listNeverShowsTemporaryFilesAndAWriteCleansThemUp() throws IOException {
    Path d = Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    // what a crash between create and rename leaves: .NAME.ccd-tmp-HEX
    Files.writeString(d.resolve(".99-x.conf.ccd-tmp-0123456789ab"), "torn");
    Files.writeString(d.resolve(".other.conf.ccd-tmp-ba9876543210"), "torn");
    Files.writeString(d.resolve(".hidden.conf"), "not ours");
    Files.createDirectory(d.resolve(".dir.ccd-tmp-0123456789ab"));

    assertThat(files.list("/etc/containers/registries.conf.d")).containsExactly(".hidden.conf");

    files.writeAtomically(
        "/etc/containers/registries.conf.d/99-x.conf", "x".getBytes(UTF_8), 0644, uid(), gid());

    assertThat(entries(d))
        .as("stale temporary files removed before writing into their directory; others kept")
        .containsExactly(".dir.ccd-tmp-0123456789ab", ".hidden.conf", "99-x.conf");
  }

  @Test
  void removeTemporaryFilesRemovesOnlyCcdsOwn() throws IOException {
    Path d = Files.createDirectories(root.resolve("var/lib/ccd"));
    Files.writeString(d.resolve(".journal.json.ccd-tmp-00112233aabb"), "{");
    Files.writeString(d.resolve("journal.json.ccd-tmp-00112233aabb"), "not our name");
    Files.writeString(d.resolve(".journal.json.ccd-tmp-short"), "not our name");

    assertThat(files.removeTemporaryFiles("/var/lib/ccd"))
        .containsExactly("/var/lib/ccd/.journal.json.ccd-tmp-00112233aabb");
    assertThat(entries(d))
        .containsExactly(".journal.json.ccd-tmp-short", "journal.json.ccd-tmp-00112233aabb");
    assertThat(files.removeTemporaryFiles("/no/such/dir")).isEmpty();
  }

  @Test
  void aParentSwappedForALinkAfterTheCheckIsNotFollowed() throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    Path outside = Files.createDirectories(root.resolve("outside"));
    // Between the walk and the write, the directory is moved away and a link put in its place:
    // the write must land in the directory that was checked, never through the link.
    PosixHostFiles racing =
        new PosixHostFiles(
            root,
            (step, path) -> {
              if (step == Step.TEMP_CREATED) {
                Files.move(dir, root.resolve("etc/moved"));
                Files.createSymbolicLink(dir, outside);
              }
            });

    racing.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid());

    assertThat(entries(outside)).as("nothing written through the link").isEmpty();
    assertThat(root.resolve("etc/moved/registries.conf")).hasContent("x");
  }

  @ParameterizedTest(name = "{0} at the target")
  @ValueSource(strings = {"fifo", "socket", "directory", "device"})
  void aSpecialFileAtTheTargetIsRefusedWithItsKindAndLeftAlone(String kind) throws Exception {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    Path target = dir.resolve("registries.conf");
    String words = makeSpecial(kind, target);

    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> files.read(CONF),
            () -> files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()),
            () -> files.delete(CONF))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(UnsafePathException.class)
          .hasMessageContaining(CONF)
          .hasMessageContaining("not a regular file (" + words + ")");
    }
    assertThat(entries(dir)).containsExactly("registries.conf");
    assertThat(files.list("/etc/containers")).isEmpty();
  }

  @ParameterizedTest(name = "{0} at a parent")
  @ValueSource(strings = {"fifo", "socket", "device"})
  void aSpecialFileAtAParentIsRefusedWithItsKind(String kind) throws Exception {
    Files.createDirectories(root.resolve("etc"));
    String words = makeSpecial(kind, root.resolve("etc/containers"));

    assertThatThrownBy(() -> files.writeAtomically(CONF, "x".getBytes(UTF_8), 0644, uid(), gid()))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("/etc/containers is not a directory (" + words + ")");
    assertThatThrownBy(() -> files.read(CONF))
        .hasMessageContaining("/etc/containers is not a directory (" + words + ")");
    assertThat(entries(root.resolve("etc"))).containsExactly("containers");
  }

  @Test
  void aHardLinkAtTheTargetIsReplacedNotWrittenThrough() throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    Path precious = Files.writeString(root.resolve("precious"), "precious");
    Files.createLink(dir.resolve("registries.conf"), precious);

    files.writeAtomically(CONF, "new".getBytes(UTF_8), 0644, uid(), gid());

    assertThat(precious).as("the other name of the file keeps its content").hasContent("precious");
    assertThat(dir.resolve("registries.conf")).hasContent("new");
  }

  @Test
  void aFileLargerThanTheLimitIsRefused() throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/containers"));
    try (var f =
        java.nio.channels.FileChannel.open(
            dir.resolve("registries.conf"),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE)) {
      f.truncate(0);
      f.write(java.nio.ByteBuffer.wrap(new byte[1]), PosixHostFiles.MAX_READ_BYTES);
    }

    assertThatThrownBy(() -> files.read(CONF))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(CONF)
        .hasMessageContaining("larger than 64 MiB");
  }

  @Test
  void aSymlinkedRootIsRefused() throws IOException {
    Path real = Files.createDirectories(root.resolve("real"));
    Path link = Files.createSymbolicLink(root.resolve("link"), real);
    PosixHostFiles viaLink = new PosixHostFiles(link);

    assertThatThrownBy(() -> viaLink.writeAtomically(CONF, new byte[0], 0644, uid(), gid()))
        .hasMessageContaining("cannot open the root directory " + link)
        .hasMessageContaining("without following a link");
    assertThat(entries(real)).isEmpty();
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  /** Makes a {@code kind} at {@code at}; returns how ccd names it. */
  private static String makeSpecial(String kind, Path at) throws IOException {
    switch (kind) {
      case "fifo" -> {
        assertThat(jnr.posix.POSIXFactory.getNativePOSIX().mkfifo(at.toString(), 0644))
            .as("mkfifo")
            .isZero();
        return "a FIFO";
      }
      case "socket" -> {
        try (var s =
            java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
          s.bind(java.net.UnixDomainSocketAddress.of(at));
        }
        return "a socket";
      }
      case "directory" -> {
        Files.createDirectories(at.resolve("inner"));
        return "a directory";
      }
      case "device" -> {
        // mknod needs CAP_MKNOD: only root (as CI runs) can make the device row.
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "mknod needs root");
        assertThat(Mknod.LIBC.mknod(at.toString(), 0020644, (1L << 8) | 3)) // like /dev/null
            .as("mknod")
            .isZero();
        return "a character device";
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  /** mknod(2), which jnr-posix lacks. */
  public interface Mknod {
    Mknod LIBC = jnr.ffi.LibraryLoader.create(Mknod.class).load("c");

    int mknod(String path, int mode, long dev);
  }

  /** The owner ids as ccd reads and writes them: another user than root stands in for 0. */
  private static int uid() {
    return isRoot() ? currentUid() : 0;
  }

  private static int gid() {
    return isRoot() ? currentGid() : 0;
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
