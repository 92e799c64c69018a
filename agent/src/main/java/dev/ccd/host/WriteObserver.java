package dev.ccd.host;

import java.io.IOException;

/**
 * Told of each durable step {@link PosixHostFiles} completes, in order; for metrics and for tests
 * that prove the fsync/rename/fsync sequence. An observer that throws aborts the operation there,
 * like a failing system call would (the writer then cleans up as it does for a real failure).
 */
@FunctionalInterface
public interface WriteObserver {

  /** The steps of an atomic write, a delete, and a directory creation. */
  enum Step {
    DIRECTORY_CREATED,
    TEMP_CREATED,
    CONTENT_WRITTEN,
    FILE_SYNCED,
    RENAMED,
    DELETED,
    DIRECTORY_SYNCED
  }

  /** Called after {@code step} succeeded for {@code hostPath} (the host path, not under root). */
  void after(Step step, String hostPath) throws IOException;

  /** Observes nothing. */
  WriteObserver NONE = (step, hostPath) -> {};
}
