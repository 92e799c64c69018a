package dev.ccd.host;

import java.io.IOException;

/** Makes a read-only mount writable for as long as the agent writes, and read-only again after. */
public interface Mounts {

  /**
   * Opens a window in which {@code hostDir} (an absolute host path) can be written. If its mount is
   * read-only it is remounted read-write now and read-only again when the window closes; if it is
   * writable already, nothing happens either way.
   */
  WritableWindow openWritable(String hostDir) throws IOException;

  /**
   * At start-up: if a previous run left a mount read-write that it had opened (it records that
   * under the agent's state directory), make it read-only again. Returns what it restored.
   */
  java.util.List<String> restoreAfterCrash() throws IOException;

  /** A writable window; closing it restores read-only when it was read-only before. */
  interface WritableWindow extends AutoCloseable {
    @Override
    void close() throws IOException;
  }
}
