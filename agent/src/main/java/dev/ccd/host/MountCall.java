package dev.ccd.host;

import java.io.IOException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** mount(2) through jnr-ffi: a subprocess {@code mount} is not available in every container. */
final class MountCall implements LinuxMounts.Remounter {

  /** The one libc function we bind. */
  public interface LibC {
    int mount(String source, String target, String fsType, long flags, Pointer data);

    String strerror(int errno);
  }

  private final LibC libc;
  private final Runtime runtime;

  MountCall() {
    try {
      this.libc = LibraryLoader.create(LibC.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("cannot bind mount(2) from libc through jnr-ffi: " + e, e);
    }
    this.runtime = Runtime.getRuntime(libc);
  }

  @Override
  public void remount(String target, long flags) throws IOException {
    if (libc.mount(null, target, null, flags, null) != 0) {
      int errno = LastError.getLastError(runtime);
      throw new IOException(
          "mount(2) remount of "
              + target
              + " with flags 0x"
              + Long.toHexString(flags)
              + " failed: "
              + libc.strerror(errno)
              + " (errno "
              + errno
              + ")");
    }
  }
}
