package dev.ccd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
  @TempDir Path dir;

  @Test
  void oneHolderAtATimeAndThePidIsWritten() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (InstanceLock held = InstanceLock.acquire(root)) {
      assertThat(root.resolve("run/ccd/agent.lock"))
          .hasContent(String.valueOf(ProcessHandle.current().pid()));
      assertThatThrownBy(() -> InstanceLock.acquire(root))
          .hasMessageContaining("another ccd process (agent or apply) holds the lock")
          .hasMessageContaining(root + "/run/ccd/agent.lock");
    }
    InstanceLock.acquire(root).close();
  }

  @Test
  void aLinkedRunDirectoryIsRefusedAndNothingIsCreatedOutsideTheRoot() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root/run"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(root.resolve("ccd"), outside);

    assertThatThrownBy(() -> InstanceLock.acquire(dir.resolve("root")))
        .isInstanceOf(HostFiles.UnsafePathException.class)
        .hasMessageContaining("/run/ccd is a symbolic link");
    assertThat(list(outside)).as("nothing created through the link").isEmpty();
  }

  @Test
  void aLinkAtTheLockFileIsRefusedAndItsTargetLeftAlone() throws IOException {
    Path ccd = Files.createDirectories(dir.resolve("root/run/ccd"));
    Path precious = Files.writeString(dir.resolve("precious"), "precious");
    Files.createSymbolicLink(ccd.resolve("agent.lock"), precious);

    assertThatThrownBy(() -> InstanceLock.acquire(dir.resolve("root")))
        .isInstanceOf(HostFiles.UnsafePathException.class)
        .hasMessageContaining("refusing the lock")
        .hasMessageContaining("a symbolic link");
    assertThat(precious).hasContent("precious");
  }

  private static java.util.List<Path> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }
}
