package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.host.PosixHostFiles;
import dev.ccd.testing.FakeMounts;
import dev.ccd.testing.FakeSystemd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up recovery on real files: what a crash between create and rename leaves is removed. */
class ApplierRecoveryTest {
  @TempDir Path root;

  @Test
  void temporaryFilesLeftByACrashAreRemovedAtStartUp() throws IOException {
    Path conf = Files.createDirectories(root.resolve("etc/containers"));
    Path dropins = Files.createDirectories(conf.resolve("registries.conf.d"));
    Path state = Files.createDirectories(root.resolve("var/lib/ccd/orig/etc/containers"));
    Files.writeString(conf.resolve("registries.conf"), "kept");
    Files.writeString(conf.resolve(".policy.json.ccd-tmp-0123456789ab"), "torn");
    Files.writeString(dropins.resolve(".99-x.conf.ccd-tmp-00aa11bb22cc"), "torn");
    Files.writeString(
        root.resolve("var/lib/ccd/.current-config.json.ccd-tmp-abcdefabcdef"), "torn");
    Files.writeString(
        state.resolve(".registries.conf.ccdorig.ccd-tmp-a1b2c3d4e5f6"), "torn"); // a backup
    FakeMounts mounts = new FakeMounts();
    FakeSystemd systemd = new FakeSystemd();
    PosixHostFiles files = new PosixHostFiles(root);
    Applier applier =
        new Applier(
            files,
            mounts,
            CrioControl.using(systemd, "crio.service", Duration.ofSeconds(5)),
            new StateStore(files, StatePaths.DEFAULT),
            Clock.systemUTC());

    assertThat(applier.recover())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith("removed 4 temporary file(s)")
                    .contains("/etc/containers/.policy.json.ccd-tmp-0123456789ab"));

    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .as("no temporary file left anywhere")
          .noneMatch(n -> n.contains(".ccd-tmp-"));
    }
    assertThat(conf.resolve("registries.conf")).hasContent("kept");
    assertThat(mounts.events())
        .as("a window only where there was something to remove")
        .containsExactly(
            "rw /etc/containers", "ro /etc/containers",
            "rw /etc/containers/registries.conf.d/", "ro /etc/containers/registries.conf.d/");
    assertThat(systemd.calls()).isEmpty();
    assertThat(applier.recover()).as("nothing left the second time").isEmpty();
  }
}
