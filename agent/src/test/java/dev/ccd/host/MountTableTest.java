package dev.ccd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountTableTest {

  // Shaped like a container's mountinfo: a read-only bind mount of /etc, a tmpfs with a space in
  // its mount point, a mount stacked twice on one point, optional fields (shared:N, master:N).
  static final String MOUNTINFO =
      String.join(
          "\n",
          "1 0 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro",
          "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
          "30 1 253:1 /srv/etc /etc ro,nosuid,nodev,relatime master:1 - ext4 /dev/vda1 rw",
          "31 30 0:40 / /etc/my\\040dir rw,noatime - tmpfs tmp\\040fs rw,size=1024k",
          "32 1 0:41 / /etcetera rw - tmpfs tmpfs rw",
          "33 1 0:42 / /data ro,relatime - xfs /dev/vdb ro,sync,lazytime",
          "34 1 0:43 / /stack ro - tmpfs one ro",
          "35 1 0:44 / /stack rw - tmpfs two rw",
          "36 1 0:45 / /back\\134slash rw - tmpfs tmpfs rw",
          "");

  private final MountTable table = MountTable.parse(MOUNTINFO);

  @ParameterizedTest(name = "{0} is on {1}")
  @CsvSource({
    "/etc/containers/registries.conf, /etc",
    "/etc, /etc",
    "/etc/my dir/x, /etc/my dir",
    "/etcetera/x, /etcetera",
    "/etc2, /",
    "/var/lib/ccd, /",
    "/, /",
    "/stack/a, /stack",
    "'/back\\slash/a', '/back\\slash'",
  })
  void longestMountPointPrefixOnComponentBoundaries(String path, String mountPoint) {
    assertThat(table.mountOf(path).orElseThrow().mountPoint()).isEqualTo(mountPoint);
  }

  @ParameterizedTest(name = "{0}: read-only={1}, super block read-only={2}")
  @CsvSource({
    "/etc, true, false",
    "/, false, false",
    "/data, true, true",
    "/etc/my dir, false, false",
    "/stack, false, false",
  })
  void readOnlyDetection(String mountPoint, boolean readOnly, boolean superblockReadOnly) {
    MountEntry e = table.at(mountPoint).orElseThrow();
    assertThat(e.readOnly()).as("readOnly of %s", mountPoint).isEqualTo(readOnly);
    assertThat(e.superblockReadOnly())
        .as("superblockReadOnly of %s", mountPoint)
        .isEqualTo(superblockReadOnly);
  }

  @Test
  void parsesFieldsAfterOptionalFieldsAndUnescapes() {
    MountEntry etc = table.at("/etc").orElseThrow();
    assertThat(etc)
        .isEqualTo(
            new MountEntry(
                30,
                "/etc",
                List.of("ro", "nosuid", "nodev", "relatime"),
                "ext4",
                "/dev/vda1",
                List.of("rw")));
    assertThat(table.at("/etc/my dir").orElseThrow().source()).isEqualTo("tmp fs");
  }

  @Test
  void theLastOfStackedMountsIsTheVisibleOne() {
    assertThat(table.at("/stack").orElseThrow().source()).isEqualTo("two");
  }

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "'/a b', '/a\\040b'",
    "'/a\tb', '/a\\011b'",
    "'/a\\b', '/a\\134b'",
    "/plain, /plain",
  })
  void escapesRoundTrip(String plain, String escaped) {
    assertThat(MountTable.escape(plain)).isEqualTo(escaped);
    assertThat(MountTable.unescape(escaped)).isEqualTo(plain);
  }

  @Test
  void aBackslashWithoutThreeOctalDigitsStaysAsIs() {
    assertThat(MountTable.unescape("/a\\9xy\\04")).isEqualTo("/a\\9xy\\04");
  }

  @Test
  void malformedLinesAreNamed() {
    assertThatThrownBy(() -> MountTable.parse("1 0 8:1 / / rw\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void keptFlagsCarryEveryPerMountOption() {
    MountEntry etc = table.at("/etc").orElseThrow();
    assertThat(MountFlags.remount(etc, false, false))
        .isEqualTo(
            MountFlags.MS_REMOUNT
                | MountFlags.MS_BIND
                | MountFlags.MS_NOSUID
                | MountFlags.MS_NODEV
                | MountFlags.MS_RELATIME);
    assertThat(MountFlags.remount(etc, false, true) & MountFlags.MS_RDONLY).isNotZero();

    MountEntry data = table.at("/data").orElseThrow();
    assertThat(MountFlags.remount(data, true, false))
        .isEqualTo(
            MountFlags.MS_REMOUNT
                | MountFlags.MS_RELATIME
                | MountFlags.MS_SYNCHRONOUS
                | MountFlags.MS_LAZYTIME);
    // neither relatime nor noatime shown means strictatime, which must be asked for explicitly
    assertThat(MountFlags.kept(table.at("/stack").orElseThrow(), false))
        .isEqualTo(MountFlags.MS_STRICTATIME);
    assertThat(MountFlags.kept(table.at("/etc/my dir").orElseThrow(), false))
        .isEqualTo(MountFlags.MS_NOATIME);
  }
}
