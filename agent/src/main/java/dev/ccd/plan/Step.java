package dev.ccd.plan;

import dev.ccd.machineconfig.DesiredFile;

/** One change to the host's files, in the order a {@link Plan} applies them. */
public sealed interface Step permits Step.WriteFile, Step.RemoveFile {

  String path();

  /** Create or replace a file. {@code what} says what differs, for people and logs. */
  record WriteFile(DesiredFile file, Change what) implements Step {
    @Override
    public String path() {
      return file.path();
    }
  }

  /**
   * A path that left the config: put back the original saved before ccd first wrote it, or delete
   * it when there was none.
   */
  record RemoveFile(String path, boolean restoreOriginal) implements Step {}

  /** What a {@link WriteFile} changes. */
  enum Change {
    CREATE,
    CONTENT,
    CONTENT_AND_METADATA,
    METADATA
  }
}
