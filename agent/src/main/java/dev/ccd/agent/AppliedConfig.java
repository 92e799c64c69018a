package dev.ccd.agent;

import dev.ccd.machineconfig.DesiredFiles;
import java.time.Instant;
import java.util.Objects;

/** The config last applied completely: its name, its decoded files, and when. */
public record AppliedConfig(DesiredFiles files, Instant appliedAt) {
  public AppliedConfig {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(appliedAt, "appliedAt");
  }

  public String name() {
    return files.configName();
  }

  /** Nothing applied yet: a fresh node. */
  public static AppliedConfig none() {
    return new AppliedConfig(DesiredFiles.empty(""), Instant.EPOCH);
  }

  public boolean isNone() {
    return files.configName().isEmpty() && files.files().isEmpty();
  }
}
