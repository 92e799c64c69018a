package dev.ccd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.host.Mounts.WritableWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window's bookkeeping against a mount table in a file that a recording remounter edits the way
 * the kernel would; the real mount(2) path is covered by ReadOnlyWindowIT inside unshare -m.
 */
class LinuxMountsTest {

  @TempDir Path tmp;
  private Path root;
  private Path mountinfo;
  private Path state;
  private final List<String> calls = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Files.createDirectories(root.resolve("etc/containers"));
    mountinfo = tmp.resolve("mountinfo");
    state = root.resolve("run/ccd/writable-mounts");
  }

  private void table(String etcOptions, String etcSuper) throws IOException {
    Files.writeString(
        mountinfo,
        "1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
            + "40 1 8:1 /x "
            + root
            + "/etc "
            + etcOptions
            + " - ext4 /dev/sda1 "
            + etcSuper
            + "\n");
  }

  /** Applies the flags to the fake table like the kernel would for the mount at target. */
  private LinuxMounts.Remounter kernel(boolean superblockStaysReadOnly) {
    return (target, flags) -> {
      boolean ro = (flags & MountFlags.MS_RDONLY) != 0;
      boolean bind = (flags & MountFlags.MS_BIND) != 0;
      calls.add((bind ? "bind " : "super ") + (ro ? "ro " : "rw ") + target);
      String text = Files.readString(mountinfo);
      String line =
          text.lines().filter(l -> l.contains(" " + target + " ")).findFirst().orElseThrow();
      String[] f = line.split(" ");
      String opts = (ro ? "ro" : "rw") + f[5].substring(2);
      String sup = f[f.length - 1];
      if (!bind && !superblockStaysReadOnly) {
        sup = (ro ? "ro" : "rw") + sup.substring(2);
      }
      String updated = line.replace(" " + f[5] + " ", " " + opts + " ");
      updated = updated.substring(0, updated.lastIndexOf(' ') + 1) + sup;
      Files.writeString(mountinfo, text.replace(line, updated));
    };
  }

  @Test
  void aReadOnlyBindMountIsOpenedWithABindRemountAndClosedAgain() throws IOException {
    table("ro,nosuid,relatime", "rw");
    LinuxMounts mounts = new LinuxMounts(root, state, mountinfo, kernel(false));

    try (WritableWindow w = mounts.openWritable("/etc/containers")) {
      assertThat(calls).containsExactly("bind rw " + root + "/etc");
      assertThat(state).content().isEqualTo("bind " + root + "/etc\n");
      assertThat(Files.readString(mountinfo)).contains(root + "/etc rw,nosuid,relatime");
    }

    assertThat(calls).containsExactly("bind rw " + root + "/etc", "bind ro " + root + "/etc");
    assertThat(Files.readString(mountinfo)).contains(root + "/etc ro,nosuid,relatime");
    assertThat(state).doesNotExist();
  }

  @Test
  void aWritableMountIsLeftAlone() throws IOException {
    table("rw,relatime", "rw");
    LinuxMounts mounts = new LinuxMounts(root, state, mountinfo, kernel(false));

    mounts.openWritable("/etc/containers/registries.conf.d").close();

    assertThat(calls).isEmpty();
    assertThat(state).doesNotExist();
  }

  @Test
  void aReadOnlySuperBlockIsRemountedAsAWhole() throws IOException {
    table("ro,relatime", "ro");
    LinuxMounts mounts = new LinuxMounts(root, state, mountinfo, kernel(false));

    mounts.openWritable("/etc/containers").close();

    assertThat(calls).containsExactly("super rw " + root + "/etc", "super ro " + root + "/etc");
  }

  @Test
  void aRemountThatLeavesTheMountReadOnlyIsAnErrorAndUndone() throws IOException {
    table("ro,relatime", "ro");
    LinuxMounts mounts = new LinuxMounts(root, state, mountinfo, kernel(true));

    assertThatThrownBy(() -> mounts.openWritable("/etc/containers"))
        .hasMessageContaining("cannot make /etc/containers writable")
        .hasMessageContaining("stays read-only");
    assertThat(state).doesNotExist();
  }

  @Test
  void restoreAfterCrashClosesRecordedWindowsOnly() throws IOException {
    table("ro,relatime", "rw");
    LinuxMounts crashed = new LinuxMounts(root, state, mountinfo, kernel(false));
    crashed.openWritable("/etc/containers"); // never closed: the process "died"
    calls.clear();

    List<String> restored =
        new LinuxMounts(root, state, mountinfo, kernel(false)).restoreAfterCrash();

    assertThat(restored).containsExactly(root + "/etc");
    assertThat(calls).containsExactly("bind ro " + root + "/etc");
    assertThat(state).doesNotExist();
    assertThat(new LinuxMounts(root, state, mountinfo, kernel(false)).restoreAfterCrash())
        .isEmpty();
  }

  @Test
  void aCorruptStateFileIsNamed() throws IOException {
    table("ro,relatime", "rw");
    Files.createDirectories(state.getParent());
    Files.writeString(state, "sideways /etc\n");

    assertThatThrownBy(
            () -> new LinuxMounts(root, state, mountinfo, kernel(false)).restoreAfterCrash())
        .hasMessageContaining(state.toString())
        .hasMessageContaining("sideways");
  }

  @Test
  void aStateFileNamingAMountThatHoldsNoManagedPathIsRefusedAndNothingRemounted()
      throws IOException {
    table("rw,relatime", "rw");
    Files.createDirectories(state.getParent());
    // crafted: would make the restore remount the host's / read-only
    Files.writeString(state, "superblock /\n");

    assertThatThrownBy(
            () -> new LinuxMounts(root, state, mountinfo, kernel(false)).restoreAfterCrash())
        .hasMessageContaining("refusing state file " + state)
        .hasMessageContaining("line 1: / is not the mount of a path ccd manages (" + root + "/etc)")
        .hasMessageContaining("nothing was remounted");
    assertThat(calls).isEmpty();
    assertThat(state).as("kept for inspection").exists();
  }

  @Test
  void aLinkedStateDirectoryIsRefusedAndNothingRemountedOrWrittenOutside() throws IOException {
    table("ro,relatime", "rw");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(root.resolve("run"));
    Files.createSymbolicLink(root.resolve("run/ccd"), outside);
    LinuxMounts mounts = new LinuxMounts(root, state, mountinfo, kernel(false));

    assertThatThrownBy(() -> mounts.openWritable("/etc/containers"))
        .hasMessageContaining("/run/ccd is a symbolic link");
    assertThatThrownBy(mounts::restoreAfterCrash)
        .hasMessageContaining("/run/ccd is a symbolic link");
    assertThat(calls).as("no remount without its record").isEmpty();
    try (var s = Files.list(outside)) {
      assertThat(s).isEmpty();
    }
  }
}
