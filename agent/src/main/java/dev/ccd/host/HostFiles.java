package dev.ccd.host;

import dev.ccd.machineconfig.FileState;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The host's file system as the agent sees it. Every path is an absolute host path such as {@code
 * /etc/containers/registries.conf}; an adapter maps it under its root ({@code --root}). No method
 * follows a symbolic link at or under the path: a link where a managed file or one of its
 * directories should be is an error ({@link UnsafePathException}).
 */
public interface HostFiles {

  /** The regular file at {@code path}, or empty when nothing is there. */
  Optional<FileState> read(String path) throws IOException;

  /**
   * Replaces (or creates) {@code path} atomically: a temporary file in the same directory created
   * with O_EXCL, mode and owner set before any content, content written and fsynced, renamed over
   * the target, the directory fsynced. Missing parent directories are created with mode 0755.
   */
  void writeAtomically(String path, byte[] content, int mode, int uid, int gid) throws IOException;

  /** Removes {@code path} (and fsyncs its directory); nothing happens when it does not exist. */
  void delete(String path) throws IOException;

  /**
   * Names of the regular files directly inside directory {@code dir}, sorted; empty if none. ccd's
   * own temporary files (left by a crash between create and rename) are never listed.
   */
  List<String> list(String dir) throws IOException;

  /**
   * Removes the temporary files a crash between create and rename left directly inside {@code dir};
   * returns their host paths. Nothing happens when {@code dir} does not exist.
   */
  List<String> removeTemporaryFiles(String dir) throws IOException;

  /** The host paths of the temporary files {@link #removeTemporaryFiles} would remove. */
  List<String> temporaryFiles(String dir) throws IOException;

  /** The uid of {@code user} in the host's passwd file ({@code ROOT/etc/passwd}). */
  OptionalInt uidOf(String user) throws IOException;

  /** The gid of {@code group} in the host's group file ({@code ROOT/etc/group}). */
  OptionalInt gidOf(String group) throws IOException;

  /**
   * Thrown when a path (or a directory on the way to it) is a symbolic link, not a directory, or
   * not a regular file (FIFO, device, socket), or too large to be a file ccd writes.
   */
  final class UnsafePathException extends IOException {
    public UnsafePathException(String message) {
      super(message);
    }
  }
}
