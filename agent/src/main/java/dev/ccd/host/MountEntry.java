package dev.ccd.host;

import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo}: the mount point (unescaped), its per-mount options and
 * the file system's (super block) options.
 */
public record MountEntry(
    int mountId,
    String mountPoint,
    List<String> mountOptions,
    String fsType,
    String source,
    List<String> superOptions) {

  public MountEntry {
    mountOptions = List.copyOf(mountOptions);
    superOptions = List.copyOf(superOptions);
  }

  /** Writes through this mount point fail with EROFS. */
  public boolean readOnly() {
    return mountOptions.contains("ro") || superOptions.contains("ro");
  }

  /** The file system itself is read-only (not just this mount point). */
  public boolean superblockReadOnly() {
    return superOptions.contains("ro");
  }
}
