package dev.ccd.host;

import static dev.ccd.host.HostTree.O_CLOEXEC;
import static dev.ccd.host.HostTree.O_CREAT;
import static dev.ccd.host.HostTree.O_NOFOLLOW;
import static dev.ccd.host.HostTree.O_RDWR;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import jnr.posix.FileStat;

/**
 * An exclusive lock on a file (under {@code /run/ccd}) held for the life of the process, so that
 * only one agent works on a host. The kernel drops it when the process dies, however it dies. The
 * file is reached like every host path ccd creates: from the root, never through a link, so a
 * linked {@code ROOT/run/ccd} cannot put it (or its truncation) outside the root.
 */
public final class InstanceLock implements AutoCloseable {
  /** Where the agent and {@code ccd apply} take the lock, under the root. */
  public static final String PATH = "/run/ccd/agent.lock";

  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;

  private final HostTree tree;
  private final int fd;

  private InstanceLock(HostTree tree, int fd) {
    this.tree = tree;
    this.fd = fd;
  }

  /** Takes the lock at {@link #PATH} under {@code root}. */
  public static InstanceLock acquire(Path root) throws IOException {
    return acquire(root, PATH);
  }

  /**
   * Takes the lock at host path {@code hostPath} under {@code root} or fails at once naming the
   * file; writes this process's pid into it.
   */
  public static InstanceLock acquire(Path root, String hostPath) throws IOException {
    HostTree tree = new HostTree(root);
    List<String> parts = PosixHostFiles.components(hostPath);
    String shown = root.toAbsolutePath().normalize() + hostPath;
    int dir = tree.directory(hostPath, parts, parts.size() - 1, true, WriteObserver.NONE);
    int fd;
    try {
      String name = parts.get(parts.size() - 1);
      fd = tree.at.openat(dir, name, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) {
        int errno = tree.atErrno();
        FileStat st = tree.entry(dir, name, hostPath);
        if (st != null && !st.isFile()) {
          throw new HostFiles.UnsafePathException(
              "refusing the lock "
                  + shown
                  + ": it is not a regular file ("
                  + HostTree.kind(st)
                  + tree.linkTarget(dir, name)
                  + ")");
        }
        throw tree.failure("lock", shown, "open", errno);
      }
    } finally {
      tree.close(dir);
    }
    try {
      FileStat st = tree.posix.allocateStat();
      tree.check(tree.posix.fstat(fd, st), "lock", shown, "stat");
      if (!st.isFile()) {
        throw new HostFiles.UnsafePathException(
            "refusing the lock "
                + shown
                + ": it is not a regular file ("
                + HostTree.kind(st)
                + ")");
      }
      if (tree.posix.flock(fd, LOCK_EX | LOCK_NB) < 0) {
        throw new IOException(
            "another ccd process (agent or apply) holds the lock "
                + shown
                + "; only one may write");
      }
      tree.check(tree.posix.ftruncate(fd, 0), "lock", shown, "truncate");
      byte[] pid = (tree.posix.getpid() + "\n").getBytes(StandardCharsets.US_ASCII);
      if (tree.posix.write(fd, pid, pid.length) != pid.length) {
        throw tree.failure("lock", shown, "write", tree.posix.errno());
      }
      return new InstanceLock(tree, fd);
    } catch (IOException | RuntimeException e) {
      tree.close(fd);
      throw e;
    }
  }

  @Override
  public void close() {
    tree.close(fd); // closing the last descriptor releases the flock
  }
}
