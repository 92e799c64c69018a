package dev.ccd.host;

import static dev.ccd.host.HostTree.ENOENT;
import static dev.ccd.host.HostTree.O_CLOEXEC;
import static dev.ccd.host.HostTree.O_CREAT;
import static dev.ccd.host.HostTree.O_EXCL;
import static dev.ccd.host.HostTree.O_NOFOLLOW;
import static dev.ccd.host.HostTree.O_NONBLOCK;
import static dev.ccd.host.HostTree.O_RDONLY;
import static dev.ccd.host.HostTree.O_WRONLY;

import dev.ccd.host.WriteObserver.Step;
import dev.ccd.machineconfig.FileState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import jnr.posix.FileStat;

/**
 * {@link HostFiles} on a POSIX file system through jnr-posix and {@code openat(2)}: every host path
 * is mapped under a root directory and reached through file descriptors from it ({@link HostTree}),
 * so no symbolic link is followed at or under the root; writes are atomic and durable.
 */
public final class PosixHostFiles implements HostFiles {

  /** Larger files are refused: managed files and state files are small; a bigger one is hostile. */
  public static final long MAX_READ_BYTES = 64L << 20;

  private static final String TEMP_MARK = ".ccd-tmp-";
  // .NAME.ccd-tmp-HEX, as writeAtomically names them: nothing else matches, so removal is safe.
  private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.ccd-tmp-[0-9a-f]{12}");

  private final HostTree tree;
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
    this.root = root.toAbsolutePath().normalize();
    this.tree = new HostTree(this.root);
    this.observer = observer;
    this.euid = tree.posix.geteuid();
    this.egid = tree.posix.getegid();
  }

  /** Whether {@code name} is one of the temporary files {@link #writeAtomically} creates. */
  public static boolean isTemporaryName(String name) {
    return TEMP_NAME.matcher(name).matches();
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

  /** The root every host path is mapped under. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<FileState> read(String path) throws IOException {
    List<String> parts = components(path);
    if (parts.isEmpty()) {
      throw new UnsafePathException("refusing " + path + ": it is the root directory");
    }
    int dir = tree.directory(path, parts, parts.size() - 1, false, observer);
    if (dir < 0) {
      return Optional.empty();
    }
    try {
      return read(dir, parts.get(parts.size() - 1), path);
    } finally {
      tree.close(dir);
    }
  }

  private Optional<FileState> read(int dir, String name, String path) throws IOException {
    FileStat st = tree.entry(dir, name, path);
    if (st == null) {
      return Optional.empty();
    }
    requireRegular(path, dir, name, st);
    // O_NONBLOCK: should a FIFO be swapped in after the check, opening it must not hang.
    int fd = tree.at.openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
    if (fd < 0) {
      int errno = tree.atErrno();
      if (errno == ENOENT) {
        return Optional.empty();
      }
      throw tree.failure("read", path, "open", errno);
    }
    try {
      // fstat on the open descriptor: what we read is what we describe, even if the name moved.
      FileStat fst = tree.posix.allocateStat();
      tree.check(tree.posix.fstat(fd, fst), "read", path, "fstat");
      if (!fst.isFile()) {
        throw new UnsafePathException(
            "refusing " + path + ": it is not a regular file (" + HostTree.kind(fst) + ")");
      }
      if (fst.st_size() > MAX_READ_BYTES) {
        throw tooLarge(path);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, fst.st_size()));
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n = tree.posix.read(fd, buf, buf.length);
        if (n < 0) {
          throw tree.failure("read", path, "read", tree.posix.errno());
        }
        if (n == 0) {
          break;
        }
        if (out.size() + n > MAX_READ_BYTES) {
          throw tooLarge(path); // it grew while we read
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
      tree.close(fd);
    }
  }

  private static UnsafePathException tooLarge(String path) {
    return new UnsafePathException(
        "refusing " + path + ": it is larger than " + (MAX_READ_BYTES >> 20) + " MiB");
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
    int dir = tree.directory(path, parts, parts.size() - 1, true, observer);
    try {
      write(dir, parts.get(parts.size() - 1), path, content, mode, uid, gid);
    } finally {
      tree.close(dir);
    }
  }

  private void write(int dir, String name, String path, byte[] content, int mode, int uid, int gid)
      throws IOException {
    FileStat st = tree.entry(dir, name, path);
    if (st != null) {
      requireRegular(path, dir, name, st);
    }
    // A crash between create and rename leaves a temporary file; the next write cleans up.
    removeTemporaryFiles(dir, path);

    String temp = "." + name + TEMP_MARK + HexFormat.of().formatHex(randomBytes());
    int fd = tree.at.openat(dir, temp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
      throw tree.failure("write", path, "create temporary file " + temp, tree.atErrno());
    }
    boolean renamed = false;
    try {
      try {
        observer.after(Step.TEMP_CREATED, path);
        // Owner before mode: chown clears set-user/group-id bits, so fchmod must come last.
        int diskUid = toDisk(uid, euid);
        int diskGid = toDisk(gid, egid);
        tree.check(
            tree.posix.fchown(fd, diskUid, diskGid),
            "write",
            path,
            "chown " + diskUid + ":" + diskGid);
        // The umask trimmed the creation mode; fchmod sets the exact bits.
        tree.check(
            tree.posix.fchmod(fd, mode), "write", path, "chmod 0" + Integer.toOctalString(mode));
        writeAll(fd, content, path);
        observer.after(Step.CONTENT_WRITTEN, path);
        tree.check(tree.posix.fsync(fd), "write", path, "fsync");
        observer.after(Step.FILE_SYNCED, path);
      } finally {
        int closed = tree.posix.close(fd);
        if (closed < 0) {
          throw tree.failure("write", path, "close", tree.posix.errno());
        }
      }
      if (tree.at.renameat(dir, temp, dir, name) < 0) {
        throw tree.failure("write", path, "rename " + temp, tree.atErrno());
      }
      renamed = true;
      observer.after(Step.RENAMED, path);
      tree.sync(dir, path, path);
      observer.after(Step.DIRECTORY_SYNCED, path);
    } catch (IOException | RuntimeException e) {
      if (!renamed && tree.at.unlinkat(dir, temp, 0) < 0 && tree.atErrno() != ENOENT) {
        e.addSuppressed(
            tree.failure("write", path, "remove temporary file " + temp, tree.atErrno()));
      }
      throw e;
    }
  }

  @Override
  public void delete(String path) throws IOException {
    List<String> parts = components(path);
    if (parts.isEmpty()) {
      throw new UnsafePathException("cannot delete the root directory itself: " + path);
    }
    int dir = tree.directory(path, parts, parts.size() - 1, false, observer);
    if (dir < 0) {
      return;
    }
    try {
      String name = parts.get(parts.size() - 1);
      FileStat st = tree.entry(dir, name, path);
      if (st == null) {
        return;
      }
      requireRegular(path, dir, name, st);
      if (tree.at.unlinkat(dir, name, 0) < 0) {
        int errno = tree.atErrno();
        if (errno == ENOENT) {
          return;
        }
        throw tree.failure("delete", path, "unlink", errno);
      }
      observer.after(Step.DELETED, path);
      tree.sync(dir, path, path);
      observer.after(Step.DIRECTORY_SYNCED, path);
    } finally {
      tree.close(dir);
    }
  }

  /** Names of the regular files in {@code dir}, sorted; ccd's own temporary files left out. */
  @Override
  public List<String> list(String dir) throws IOException {
    List<String> parts = components(dir);
    int fd = tree.directory(dir, parts, parts.size(), false, observer);
    if (fd < 0) {
      return List.of();
    }
    try {
      List<String> names = new ArrayList<>();
      for (String name : tree.names(fd, dir)) {
        FileStat st = tree.entry(fd, name, dir);
        // never followed: a link to a regular file is not a regular file here
        if (st != null && st.isFile() && !isTemporaryName(name)) {
          names.add(name);
        }
      }
      Collections.sort(names);
      return List.copyOf(names);
    } finally {
      tree.close(fd);
    }
  }

  @Override
  public List<String> removeTemporaryFiles(String dir) throws IOException {
    return temporaryFiles(dir, true);
  }

  @Override
  public List<String> temporaryFiles(String dir) throws IOException {
    return temporaryFiles(dir, false);
  }

  private List<String> temporaryFiles(String dir, boolean remove) throws IOException {
    List<String> parts = components(dir);
    int fd = tree.directory(dir, parts, parts.size(), false, observer);
    if (fd < 0) {
      return List.of();
    }
    try {
      return removeTemporaryFiles(fd, dir.endsWith("/") ? dir : dir + "/", remove);
    } finally {
      tree.close(fd);
    }
  }

  private List<String> removeTemporaryFiles(int dir, String shown) throws IOException {
    return removeTemporaryFiles(dir, shown, true);
  }

  /**
   * The temporary files in an open directory, removed when {@code remove}; {@code shown} ends with
   * "/" or is a file in that directory.
   */
  private List<String> removeTemporaryFiles(int dir, String shown, boolean remove)
      throws IOException {
    String prefix = shown.endsWith("/") ? shown : shown.substring(0, shown.lastIndexOf('/') + 1);
    List<String> removed = new ArrayList<>();
    for (String name : tree.names(dir, shown)) {
      if (!isTemporaryName(name)) {
        continue;
      }
      FileStat st = tree.entry(dir, name, prefix + name);
      if (st == null || !st.isFile()) {
        continue; // not ours: we only ever create regular files under these names
      }
      if (remove && tree.at.unlinkat(dir, name, 0) < 0 && tree.atErrno() != ENOENT) {
        throw tree.failure("remove stale temporary file", prefix + name, "unlink", tree.atErrno());
      }
      removed.add(prefix + name);
    }
    if (remove && !removed.isEmpty()) {
      tree.sync(dir, shown, shown);
    }
    Collections.sort(removed);
    return List.copyOf(removed);
  }

  @Override
  public OptionalInt uidOf(String user) throws IOException {
    return idOf("/etc/passwd", user);
  }

  @Override
  public OptionalInt gidOf(String group) throws IOException {
    return idOf("/etc/group", group);
  }

  /** The third field of the first line whose first field is {@code name} (passwd and group). */
  private OptionalInt idOf(String file, String name) throws IOException {
    Optional<FileState> read = read(file);
    if (read.isEmpty()) {
      return OptionalInt.empty();
    }
    String text = new String(read.get().content(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 3 && fields[0].equals(name)) {
        try {
          return OptionalInt.of(Integer.parseInt(fields[2]));
        } catch (NumberFormatException e) {
          throw new IOException(
              root + file + ": id of " + name + " is not a number: '" + fields[2] + "'");
        }
      }
    }
    return OptionalInt.empty();
  }

  private void writeAll(int fd, byte[] content, String path) throws IOException {
    byte[] rest = content;
    while (rest.length > 0) {
      int n = tree.posix.write(fd, rest, rest.length);
      if (n < 0) {
        throw tree.failure("write", path, "write", tree.posix.errno());
      }
      rest = Arrays.copyOfRange(rest, n, rest.length); // short writes are rare on regular files
    }
  }

  private void requireRegular(String hostPath, int dir, String name, FileStat st)
      throws UnsafePathException {
    if (st.isSymlink()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": it is a symbolic link" + tree.linkTarget(dir, name));
    }
    if (!st.isFile()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": it is not a regular file (" + HostTree.kind(st) + ")");
    }
  }

  private byte[] randomBytes() {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return b;
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
