package dev.ccd.host;

import java.util.List;

/** mount(2) flags for remounting one mount while keeping its other options. */
final class MountFlags {
  static final long MS_RDONLY = 1;
  static final long MS_NOSUID = 2;
  static final long MS_NODEV = 4;
  static final long MS_NOEXEC = 8;
  static final long MS_SYNCHRONOUS = 16;
  static final long MS_REMOUNT = 32;
  static final long MS_MANDLOCK = 64;
  static final long MS_DIRSYNC = 128;
  static final long MS_NOSYMFOLLOW = 256;
  static final long MS_NOATIME = 1024;
  static final long MS_NODIRATIME = 2048;
  static final long MS_BIND = 4096;
  static final long MS_RELATIME = 1 << 21;
  static final long MS_STRICTATIME = 1 << 24;
  static final long MS_LAZYTIME = 1 << 25;

  private MountFlags() {}

  /**
   * The flags that keep {@code entry}'s options (all but read-only) across a remount. A bind
   * remount replaces every per-mount flag, so nosuid/nodev/noexec and the atime mode must be passed
   * again (and, in a user namespace, locked ones must be, or the kernel says EPERM); a super block
   * remount also takes sync/dirsync/mand/lazytime from the super block options.
   */
  static long kept(MountEntry entry, boolean superblock) {
    List<String> o = entry.mountOptions();
    long flags = 0;
    flags |= o.contains("nosuid") ? MS_NOSUID : 0;
    flags |= o.contains("nodev") ? MS_NODEV : 0;
    flags |= o.contains("noexec") ? MS_NOEXEC : 0;
    flags |= o.contains("nosymfollow") ? MS_NOSYMFOLLOW : 0;
    flags |= o.contains("nodiratime") ? MS_NODIRATIME : 0;
    if (o.contains("noatime")) {
      flags |= MS_NOATIME;
    } else if (o.contains("relatime")) {
      flags |= MS_RELATIME;
    } else {
      flags |=
          MS_STRICTATIME; // mountinfo shows neither for strictatime; the kernel's default differs
    }
    if (superblock) {
      List<String> s = entry.superOptions();
      flags |= s.contains("sync") ? MS_SYNCHRONOUS : 0;
      flags |= s.contains("dirsync") ? MS_DIRSYNC : 0;
      flags |= s.contains("mand") ? MS_MANDLOCK : 0;
      flags |= s.contains("lazytime") ? MS_LAZYTIME : 0;
    }
    return flags;
  }

  /** The full mount(2) flags to remount {@code entry} read-write or read-only. */
  static long remount(MountEntry entry, boolean superblock, boolean readOnly) {
    return MS_REMOUNT
        | (superblock ? 0 : MS_BIND)
        | kept(entry, superblock)
        | (readOnly ? MS_RDONLY : 0);
  }
}
