package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InputFileTest {
  @TempDir Path dir;

  /** A named pipe nobody writes to: reading it would block forever. */
  static Path fifo(Path dir) {
    Path p = dir.resolve("pipe.yaml");
    assertThat(POSIXFactory.getPOSIX().mkfifo(p.toString(), 0600)).isZero();
    return p;
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("missing", "no such file"),
        Arguments.of("directory", "is a directory, not a file"),
        Arguments.of("fifo", "is a FIFO (named pipe), not a regular file"),
        Arguments.of("/dev/zero", "is a character device, not a regular file"),
        Arguments.of("non-utf8", "not valid UTF-8 at byte 3"),
        Arguments.of("too-large", "larger than the 1 KiB limit (1025 bytes)"),
        Arguments.of("/proc/self/maps", "larger than the 1 KiB limit"));
  }

  Path input(String what) throws IOException {
    return switch (what) {
      case "missing" -> dir.resolve("nope.conf");
      case "directory" -> Files.createDirectory(dir.resolve("d.conf"));
      case "fifo" -> fifo(dir);
      case "non-utf8" ->
          Files.write(dir.resolve("bad.conf"), new byte[] {'a', 'b', 'c', (byte) 0xff});
      case "too-large" -> Files.write(dir.resolve("big.conf"), new byte[1025]);
      default -> Path.of(what);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithTheFileAndTheCauseInWords(String what, String cause) throws IOException {
    Path p = input(what);
    assertThatThrownBy(() -> InputFile.text(p, 1024))
        .isInstanceOf(InputFile.Unreadable.class)
        .hasMessageStartingWith(p + ": " + cause)
        .hasMessageNotContaining("Exception")
        .hasMessageNotContaining("java.");
  }

  @Test
  void readsAFileOfExactlyTheLimit() throws Exception {
    Path p = Files.writeString(dir.resolve("ok.conf"), "x".repeat(1024));
    assertThat(InputFile.text(p, 1024)).hasSize(1024);
  }

  @Test
  void stopsAtTheLimitWhenTheSizeLies() {
    // /proc files report size 0 and then deliver more: only the bounded read protects us.
    assertThatThrownBy(() -> InputFile.bytes(Path.of("/proc/self/maps"), 16))
        .hasMessageContaining("larger than the 16 bytes limit");
  }

  @Test
  void readsOneByteMoreThanTheLimitFromAnEndlessStream() throws Exception {
    java.io.InputStream endless =
        new java.io.InputStream() {
          @Override
          public int read() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            return len;
          }
        };
    byte[] read =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(10), () -> InputFile.atMost(endless, 1 << 20));
    assertThat(read).hasSize((1 << 20) + 1);
  }

  @Test
  void limitsComeFromTheEnvironment() {
    assertThat(InputFile.Limits.from(Map.of())).isEqualTo(InputFile.Limits.DEFAULT);
    assertThat(InputFile.Limits.DEFAULT).isEqualTo(new InputFile.Limits(1 << 20, 8 << 20));
    assertThat(
            InputFile.Limits.from(
                Map.of(InputFile.FILE_LIMIT_ENV, "64KiB", InputFile.CONFIG_LIMIT_ENV, "2 MiB")))
        .isEqualTo(new InputFile.Limits(64 << 10, 2 << 20));
    assertThatThrownBy(() -> InputFile.Limits.from(Map.of(InputFile.FILE_LIMIT_ENV, "lots")))
        .hasMessage(
            "CCD_MAX_FILE_SIZE=lots: expected a positive size in bytes, KiB or MiB, below 2 GiB");
  }
}
