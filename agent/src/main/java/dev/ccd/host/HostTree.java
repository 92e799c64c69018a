package dev.ccd.host;

import dev.ccd.host.HostFiles.UnsafePathException;
import dev.ccd.host.WriteObserver.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The directory tree under a root, reached only through file descriptors: the root is opened with
 * O_DIRECTORY|O_NOFOLLOW and every component below it with {@code openat(2)} (O_NOFOLLOW), so no
 * symbolic link is followed at or under the root and nothing is looked up twice by name (a
 * directory checked and then used by path could be swapped for a link in between).
 */
final class HostTree {
  static final int O_RDONLY = OpenFlags.O_RDONLY.intValue();
  static final int O_WRONLY = OpenFlags.O_WRONLY.intValue();
  static final int O_RDWR = OpenFlags.O_RDWR.intValue();
  static final int O_CREAT = OpenFlags.O_CREAT.intValue();
  static final int O_EXCL = OpenFlags.O_EXCL.intValue();
  static final int O_NOFOLLOW = OpenFlags.O_NOFOLLOW.intValue();
  static final int O_DIRECTORY = OpenFlags.O_DIRECTORY.intValue();
  static final int O_CLOEXEC = OpenFlags.O_CLOEXEC.intValue();
  static final int O_NONBLOCK = OpenFlags.O_NONBLOCK.intValue();
  // Linux's O_PATH (jnr-constants lacks it): a descriptor to describe a name, opening nothing; with
  // O_NOFOLLOW, fstat on it is fstatat(AT_SYMLINK_NOFOLLOW) and a FIFO or device is never opened.
  static final int O_PATH = 010000000;
  static final int ENOENT = 2;
  static final int EEXIST = 17;
  private static final int DIRECTORY_MODE = 0755;

  final POSIX posix;
  final AtCalls at;
  private final String root;

  HostTree(Path root) {
    this.posix = nativePosix();
    this.at = loadAtCalls();
    this.root = root.toAbsolutePath().normalize().toString();
  }

  private static POSIX nativePosix() {
    POSIX p;
    try {
      p = POSIXFactory.getNativePOSIX();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "native POSIX calls (jnr-posix) are unavailable on this platform: " + e.getMessage(), e);
    }
    if (!p.isNative()) {
      throw new IllegalStateException(
          "native POSIX calls (jnr-posix) are unavailable on this platform; ccd cannot write"
              + " host files without O_NOFOLLOW, fchown and fsync");
    }
    return p;
  }

  private static AtCalls loadAtCalls() {
    try {
      return LibraryLoader.create(AtCalls.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "the C library's openat/mkdirat/renameat/unlinkat calls are unavailable: "
              + e.getMessage(),
          e);
    }
  }

  /** errno of the last {@link AtCalls} call on this thread. */
  int atErrno() {
    return LastError.getLastError(Runtime.getRuntime(at));
  }

  String root() {
    return root;
  }

  /**
   * An open descriptor of the directory made of the first {@code count} of {@code parts}, each
   * checked to be a real directory; with {@code create}, missing ones are made (mode 0755, parent
   * fsynced, both told to {@code observer}). -1 when one is missing and not created. The caller
   * closes it.
   */
  int directory(
      String hostPath, List<String> parts, int count, boolean create, WriteObserver observer)
      throws IOException {
    int fd = posix.open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      int errno = posix.errno();
      throw new IOException(
          "cannot open the root directory "
              + root
              + " (without following a link) for "
              + hostPath
              + ": "
              + posix.strerror(errno));
    }
    try {
      for (int i = 0; i < count; i++) {
        String shown = "/" + String.join("/", parts.subList(0, i + 1));
        int next = openDirectory(fd, parts.get(i), hostPath, shown);
        if (next == -1) {
          if (!create) {
            close(fd);
            return -1;
          }
          makeDirectory(fd, parts.get(i), hostPath, shown, observer);
          next = openDirectory(fd, parts.get(i), hostPath, shown);
          if (next == -1) {
            throw failure("walk to", hostPath, "open " + shown, ENOENT);
          }
        }
        close(fd);
        fd = next;
      }
      return fd;
    } catch (IOException | RuntimeException e) {
      close(fd);
      throw e;
    }
  }

  /** {@code name} in {@code dirfd} opened as a directory; -1 when absent; refused when no dir. */
  private int openDirectory(int dirfd, String name, String hostPath, String shown)
      throws IOException {
    int fd = at.openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd >= 0) {
      return fd;
    }
    int errno = atErrno();
    if (errno == ENOENT) {
      return -1;
    }
    FileStat st = entry(dirfd, name, hostPath);
    if (st != null && st.isSymlink()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": " + shown + " is a symbolic link" + linkTarget(dirfd, name));
    }
    if (st != null && !st.isDirectory()) {
      throw new UnsafePathException(
          "refusing " + hostPath + ": " + shown + " is not a directory (" + kind(st) + ")");
    }
    throw failure("walk to", hostPath, "open " + shown, errno);
  }

  private void makeDirectory(
      int parent, String name, String hostPath, String shown, WriteObserver observer)
      throws IOException {
    if (at.mkdirat(parent, name, DIRECTORY_MODE) < 0) {
      int errno = atErrno();
      if (errno == EEXIST) {
        return; // made meanwhile; the caller opens it with O_NOFOLLOW and checks what it is
      }
      throw failure("write", hostPath, "mkdir " + shown, errno);
    }
    int fd = at.openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      throw failure("write", hostPath, "open new directory " + shown, atErrno());
    }
    try {
      // The umask trimmed the creation mode.
      check(posix.fchmod(fd, DIRECTORY_MODE), "write", hostPath, "chmod 0755 " + shown);
    } finally {
      close(fd);
    }
    observer.after(Step.DIRECTORY_CREATED, shown);
    sync(parent, hostPath, shown);
    observer.after(Step.DIRECTORY_SYNCED, shown);
  }

  /** What {@code name} in {@code dirfd} is, never following a link; null when nothing is there. */
  FileStat entry(int dirfd, String name, String hostPath) throws IOException {
    int fd = at.openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      int errno = atErrno();
      if (errno == ENOENT) {
        return null;
      }
      throw failure("inspect", hostPath, "open " + name, errno);
    }
    try {
      FileStat st = posix.allocateStat();
      check(posix.fstat(fd, st), "inspect", hostPath, "stat " + name);
      return st;
    } finally {
      close(fd);
    }
  }

  /** The names in an open directory (without "." and ".."). */
  List<String> names(int dirfd, String hostPath) throws IOException {
    // The kernel's link for an open descriptor names the directory we hold, not a path looked up
    // again: a rename or a link swapped in meanwhile does not change what is listed.
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(Path.of("/proc/self/fd/" + dirfd))) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new IOException("list " + hostPath + ": cannot read the directory: " + e.getMessage());
    }
    return names;
  }

  void sync(int dirfd, String hostPath, String shown) throws IOException {
    check(posix.fsync(dirfd), "sync directory of", hostPath, "fsync " + shown);
  }

  String linkTarget(int dirfd, String name) {
    byte[] buf = new byte[4096];
    long n = at.readlinkat(dirfd, name, buf, buf.length);
    return n <= 0
        ? ""
        : " (-> " + new String(Arrays.copyOf(buf, (int) n), StandardCharsets.UTF_8) + ")";
  }

  /** In words: "a FIFO", "a directory", … */
  static String kind(FileStat st) {
    if (st.isSymlink()) {
      return "a symbolic link";
    }
    if (st.isDirectory()) {
      return "a directory";
    }
    if (st.isFifo()) {
      return "a FIFO";
    }
    if (st.isCharDev()) {
      return "a character device";
    }
    if (st.isBlockDev()) {
      return "a block device";
    }
    if (st.isSocket()) {
      return "a socket";
    }
    return st.isFile() ? "a regular file" : "an unknown file type";
  }

  void close(int fd) {
    if (fd >= 0) {
      posix.close(fd);
    }
  }

  void check(int result, String action, String path, String call) throws IOException {
    if (result < 0) {
      throw failure(action, path, call, posix.errno());
    }
  }

  IOException failure(String action, String path, String call, int errno) {
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
}
