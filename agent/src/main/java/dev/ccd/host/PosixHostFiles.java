package dev.ccd.host;

import dev.ccd.host.WriteObserver.Step;
import dev.ccd.machineconfig.FileState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * {@link HostFiles} on a POSIX file system through jnr-posix: every host path is mapped under a
 * root directory, no symbolic link is followed at or under the root, writes are atomic and durable.
 */
public final class PosixHostFiles implements HostFiles {

  private static final int O_RDONLY = OpenFlags.O_RDONLY.intValue();
  private static final int O_WRONLY = OpenFlags.O_WRONLY.intValue();
  private static final int O_CREAT = OpenFlags.O_CREAT.intValue();
  private static final int O_EXCL = OpenFlags.O_EXCL.intValue();
  private static final int O_NOFOLLOW = OpenFlags.O_NOFOLLOW.intValue();
  private static final int O_DIRECTORY = OpenFlags.O_DIRECTORY.intValue();
  private static final int O_CLOEXEC = OpenFlags.O_CLOEXEC.intValue();
  private static final int ENOENT = 2;
  private static final int EEXIST = 17;
  private static final int DIRECTORY_MODE = 0755;
  private static final String TEMP_MARK = ".ccd-tmp-";

  private final POSIX posix;
  private final String rootPrefix;
  private final Path root;
  private final WriteObserver observer;
  private final SecureRandom random = new SecureRandom();
  private final int euid;
  private final int egid;

  /** Host paths map under {@code root} ({@code /} in production). */
  public PosixHostFiles(Path root) {
    this(root, WriteObserver.NONE);
  }

  /** As {@link #PosixHostFiles(Path)}, telling {@code observer} of each durable step. */
  public PosixHostFiles(Path root, WriteObserver observer) {
    this.posix = nativePosix();
    this.root = root.toAbsolutePath().normalize();
    String r = this.root.toString();
    this.rootPrefix = r.equals("/") ? "" : r;
    this.observer = observer;
    this.euid = posix.geteuid();
    this.egid = posix.getegid();
  }

  /**
   * Run by a user other than root (a local {@code --root} for a demo or a test), ownership cannot
   * be given away: the invoking user stands in for root (uid/gid 0) both ways, as in a user
   * namespace, so that plans stay idempotent. Any other owner fails with EPERM as usual.
   */
  private boolean unprivileged() {
    return euid != 0;
  }

  private int toDisk(int id, int self) {
    return unprivileged() && id == 0 ? self : id;
  }

  private int fromDisk(int id, int self) {
    return unprivileged() && id == self ? 0 : id;
  }

  private static POSIX nativePosix() {
    POSIX p;
    try {
      p = POSIXFactory.getNativePOSIX();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "native POSIX calls (jnr-posix) are unavailable on this platform: " + e, e);
    }
    if (!p.isNative()) {
      throw new IllegalStateException(
          "native POSIX calls (jnr-posix) are unavailable on this platform; ccd cannot write"
              + " host files without O_NOFOLLOW, fchown and fsync");
    }
    return p;
  }

  /** The root every host path is mapped under. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<FileState> read(String path) throws IOException {
    List<String> parts = components(path);
    if (!walkDirectories(path, parts, parts.size() - 1, false)) {
      return Optional.empty();
    }
    String real = real(parts, parts.size());
    FileStat st = posix.allocateStat();
    if (posix.lstat(real, st) < 0) {
      int errno = posix.errno();
      if (errno == ENOENT) {
        return Optional.empty();
      }
      throw failure("read", path, "lstat", errno);
    }
    requireRegularOrAbsent(path, real, st);
    int fd = posix.open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      int errno = posix.errno();
      if (errno == ENOENT) {
        return Optional.empty();
      }
      throw failure("read", path, "open", errno);
    }
    try {
      // fstat on the open descriptor: what we read is what we describe, even if the name moved.
      FileStat fst = posix.allocateStat();
      if (posix.fstat(fd, fst) < 0) {
        throw failure("read", path, "fstat", posix.errno());
      }
      if (!fst.isFile()) {
        throw new UnsafePathException(path + " is not a regular file (" + fst.ftype() + ")");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, fst.st_size()));
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n = posix.read(fd, buf, buf.length);
        if (n < 0) {
          throw failure("read", path, "read", posix.errno());
        }
        if (n == 0) {
          break;
        }
        out.write(buf, 0, n);
      }
      return Optional.of(
          new FileState(
              out.toByteArray(),
              fst.mode() & 07777,
              fromDisk(fst.uid(), euid),
              fromDisk(fst.gid(), egid)));
    } finally {
      posix.close(fd);
    }
  }

  @Override
  public void writeAtomically(String path, byte[] content, int mode, int uid, int gid)
      throws IOException {
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException(
          "mode of " + path + " must be within 0..07777, got 0" + Integer.toOctalString(mode));
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException(
          "owner of " + path + " must be non-negative ids, got " + uid + ":" + gid);
    }
    List<String> parts = components(path);
    if (parts.isEmpty()) {
      throw new UnsafePathException("cannot write the root directory itself: " + path);
    }
    walkDirectories(path, parts, parts.size() - 1, true);
    String real = real(parts, parts.size());
    String dir = real(parts, parts.size() - 1);
    String name = parts.get(parts.size() - 1);
    FileStat st = posix.allocateStat();
    if (posix.lstat(real, st) < 0) {
      if (posix.errno() != ENOENT) {
        throw failure("write", path, "lstat", posix.errno());
      }
    } else {
      requireRegularOrAbsent(path, real, st);
    }

    String temp = dir + "/." + name + TEMP_MARK + HexFormat.of().formatHex(randomBytes());
    int fd = posix.open(temp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
      throw failure("write", path, "create temporary file " + temp, posix.errno());
    }
    boolean renamed = false;
    try {
      try {
        observer.after(Step.TEMP_CREATED, path);
        // Owner before mode: chown clears set-user/group-id bits, so fchmod must come last.
        int diskUid = toDisk(uid, euid);
        int diskGid = toDisk(gid, egid);
        check(
            posix.fchown(fd, diskUid, diskGid), "write", path, "fchown " + diskUid + ":" + diskGid);
        // The umask trimmed the creation mode; fchmod sets the exact bits.
        check(posix.fchmod(fd, mode), "write", path, "fchmod 0" + Integer.toOctalString(mode));
        writeAll(fd, content, path);
        observer.after(Step.CONTENT_WRITTEN, path);
        check(posix.fsync(fd), "write", path, "fsync");
        observer.after(Step.FILE_SYNCED, path);
      } finally {
        int closed = posix.close(fd);
        if (closed < 0) {
          throw failure("write", path, "close", posix.errno());
        }
      }
      check(posix.rename(temp, real), "write", path, "rename " + temp);
      renamed = true;
      observer.after(Step.RENAMED, path);
      syncDirectory(dir, path);
    } catch (IOException | RuntimeException e) {
      if (!renamed && posix.unlink(temp) < 0 && posix.errno() != ENOENT) {
        e.addSuppressed(failure("write", path, "remove temporary file " + temp, posix.errno()));
      }
      throw e;
    }
  }

  @Override
  public void delete(String path) throws IOException {
    List<String> parts = components(path);
    if (parts.isEmpty() || !walkDirectories(path, parts, parts.size() - 1, false)) {
      return;
    }
    String real = real(parts, parts.size());
    FileStat st = posix.allocateStat();
    if (posix.lstat(real, st) < 0) {
      if (posix.errno() == ENOENT) {
        return;
      }
      throw failure("delete", path, "lstat", posix.errno());
    }
    requireRegularOrAbsent(path, real, st);
    if (posix.unlink(real) < 0) {
      if (posix.errno() == ENOENT) {
        return;
      }
      throw failure("delete", path, "unlink", posix.errno());
    }
    observer.after(Step.DELETED, path);
    syncDirectory(real(parts, parts.size() - 1), path);
  }

  @Override
  public List<String> list(String dir) throws IOException {
    List<String> parts = components(dir);
    if (!walkDirectories(dir, parts, parts.size(), false)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(Path.of(real(parts, parts.size())))) {
      for (Path entry : entries) {
        FileStat st = posix.allocateStat();
        // lstat: a link to a regular file is not a regular file here.
        if (posix.lstat(entry.toString(), st) == 0 && st.isFile() && !st.isSymlink()) {
          names.add(entry.getFileName().toString());
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    Collections.sort(names);
    return List.copyOf(names);
  }

  @Override
  public OptionalInt uidOf(String user) throws IOException {
    return idOf(Path.of(rootPrefix + "/etc/passwd"), user);
  }

  @Override
  public OptionalInt gidOf(String group) throws IOException {
    return idOf(Path.of(rootPrefix + "/etc/group"), group);
  }

  /** The third field of the first line whose first field is {@code name} (passwd and group). */
  static OptionalInt idOf(Path file, String name) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    }
    for (String line : lines) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 3 && fields[0].equals(name)) {
        try {
          return OptionalInt.of(Integer.parseInt(fields[2]));
        } catch (NumberFormatException e) {
          throw new IOException(
              file + ": id of " + name + " is not a number: '" + fields[2] + "'", e);
        }
      }
    }
    return OptionalInt.empty();
  }

  /**
   * Checks (and with {@code create} makes, mode 0755) the first {@code count} components of {@code
   * parts} as real directories, never links. Returns false when one is missing and not created.
   */
  private boolean walkDirectories(String hostPath, List<String> parts, int count, boolean create)
      throws IOException {
    FileStat st = posix.allocateStat();
    for (int i = 1; i <= count; i++) {
      String real = real(parts, i);
      String shown = "/" + String.join("/", parts.subList(0, i));
      if (posix.lstat(real, st) < 0) {
        int errno = posix.errno();
        if (errno != ENOENT) {
          throw failure("walk to", hostPath, "lstat " + shown, errno);
        }
        if (!create) {
          return false;
        }
        makeDirectory(hostPath, shown, real, real(parts, i - 1));
        if (posix.lstat(real, st) < 0) {
          throw failure("walk to", hostPath, "lstat " + shown, posix.errno());
        }
      }
      if (st.isSymlink()) {
        throw new UnsafePathException(
            "refusing " + hostPath + ": " + shown + " is a symbolic link" + linkTarget(real));
      }
      if (!st.isDirectory()) {
        throw new UnsafePathException(
            "refusing " + hostPath + ": " + shown + " is not a directory (" + st.ftype() + ")");
      }
    }
    return true;
  }

  private void makeDirectory(String hostPath, String shown, String real, String parent)
      throws IOException {
    if (posix.libc().mkdir(real, DIRECTORY_MODE) < 0) {
      int errno = posix.errno();
      if (errno == EEXIST) {
        return; // someone made it meanwhile; the caller's lstat checks what it is
      }
      throw failure("write", hostPath, "mkdir " + shown, errno);
    }
    int fd = posix.open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      throw failure("write", hostPath, "open new directory " + shown, posix.errno());
    }
    try {
      check(posix.fchmod(fd, DIRECTORY_MODE), "write", hostPath, "fchmod 0755 " + shown);
    } finally {
      posix.close(fd);
    }
    observer.after(Step.DIRECTORY_CREATED, shown);
    syncDirectory(parent, shown);
  }

  private void syncDirectory(String realDir, String hostPath) throws IOException {
    int fd =
        posix.open(
            realDir.isEmpty() ? "/" : realDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      throw failure("sync directory of", hostPath, "open", posix.errno());
    }
    try {
      check(posix.fsync(fd), "sync directory of", hostPath, "fsync");
    } finally {
      posix.close(fd);
    }
    observer.after(Step.DIRECTORY_SYNCED, hostPath);
  }

  private void writeAll(int fd, byte[] content, String path) throws IOException {
    byte[] rest = content;
    while (rest.length > 0) {
      int n = posix.write(fd, rest, rest.length);
      if (n < 0) {
        throw failure("write", path, "write", posix.errno());
      }
      rest = Arrays.copyOfRange(rest, n, rest.length); // short writes are rare on regular files
    }
  }

  private void requireRegularOrAbsent(String hostPath, String real, FileStat st)
      throws UnsafePathException {
    if (st.isSymlink()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": it is a symbolic link" + linkTarget(real));
    }
    if (!st.isFile()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": it is not a regular file (" + st.ftype() + ")");
    }
  }

  private String linkTarget(String real) {
    try {
      return " (-> " + posix.readlink(real) + ")";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private void check(int result, String action, String path, String call) throws IOException {
    if (result < 0) {
      throw failure(action, path, call, posix.errno());
    }
  }

  private IOException failure(String action, String path, String call, int errno) {
    return new IOException(
        action
            + " "
            + path
            + ": "
            + call
            + ": "
            + posix.strerror(errno)
            + " (errno "
            + errno
            + ")");
  }

  private byte[] randomBytes() {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return b;
  }

  private String real(List<String> parts, int count) {
    return rootPrefix + (count == 0 ? "" : "/" + String.join("/", parts.subList(0, count)));
  }

  /** The components of an absolute host path; "." and ".." are refused, empty ones dropped. */
  static List<String> components(String path) throws UnsafePathException {
    if (path == null || !path.startsWith("/")) {
      throw new UnsafePathException("not an absolute host path: " + path);
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        throw new UnsafePathException("host path must not contain . or ..: " + path);
      }
      if (part.indexOf('\0') >= 0) {
        throw new UnsafePathException("host path must not contain NUL: " + path);
      }
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }
}
