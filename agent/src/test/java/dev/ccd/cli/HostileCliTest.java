package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ccd.machineconfig.DataUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The hostile-input matrix at the command line: every command that reads a file, fed /dev/zero, a
 * FIFO, a directory, a missing file, non-UTF-8, a file over the limit and a 2 KB drop-in nested
 * 1,000 deep. Each must answer quickly with exit code 1 and a short error naming the file and the
 * cause in words: no stack trace, no Java class name, nothing written under the root.
 */
class HostileCliTest {
  @TempDir Path dir;
  @TempDir Path root;
  Path emptyDropIns;

  @BeforeEach
  void osFiles() throws IOException {
    Files.createDirectories(root.resolve("etc/containers"));
    Files.writeString(
        root.resolve("etc/containers/registries.conf"),
        "unqualified-search-registries = [\"docker.io\"]\n");
    emptyDropIns = Files.createDirectory(dir.resolve("empty.d"));
  }

  /** A TOML drop-in of about 2 KB: an array nested 1,000 deep. */
  static String deepToml() {
    return "unqualified-search-registries = " + "[".repeat(1000) + "]".repeat(1000) + "\n";
  }

  static String machineConfigWith(String path, String content) {
    return """
        apiVersion: machineconfiguration.openshift.io/v1
        kind: MachineConfig
        metadata: {name: 99-worker-hostile}
        spec:
          config:
            ignition: {version: 3.2.0}
            storage:
              files:
              - path: %s
                contents: {source: "%s"}
        """
        .formatted(path, DataUrl.encode(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** The input of one kind, named as the command expects it. */
  Path input(String kind, String suffix) throws IOException {
    return switch (kind) {
      case "/dev/zero" -> Path.of("/dev/zero");
      case "fifo" -> {
        Path p = dir.resolve("pipe" + suffix);
        assertThat(jnr.posix.POSIXFactory.getPOSIX().mkfifo(p.toString(), 0600)).isZero();
        yield p;
      }
      case "directory" -> Files.createDirectory(dir.resolve("dir" + suffix));
      case "missing" -> dir.resolve("missing" + suffix);
      case "non-utf8" ->
          Files.write(
              dir.resolve("latin1" + suffix),
              "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
      case "over-limit" -> {
        Path p = dir.resolve("huge" + suffix);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
          f.setLength(9L << 20); // sparse: above the 8 MiB MachineConfig limit, costs no disk
        }
        yield p;
      }
      case "deep" ->
          Files.writeString(
              dir.resolve("deep" + suffix),
              suffix.equals(".conf")
                  ? deepToml()
                  : machineConfigWith(
                      "/etc/containers/registries.conf.d/50-deep.conf", deepToml()));
      case "deep-yaml" ->
          Files.writeString(
              dir.resolve("deep" + suffix), "a: " + "[".repeat(1000) + "]".repeat(1000));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  static final Map<String, String> CAUSES =
      Map.of(
          "/dev/zero", "is a character device, not a regular file",
          "fifo", "is a FIFO (named pipe), not a regular file",
          "directory", "is a directory, not a file",
          "missing", "no such file",
          "non-utf8", "not valid UTF-8 at byte 5",
          "over-limit", "larger than the ",
          "deep", "nested deeper than 32 levels",
          "deep-yaml", "nesting depth");

  static Stream<Arguments> matrix() {
    List<Arguments> rows = new ArrayList<>();
    List<String> io =
        List.of("/dev/zero", "fifo", "directory", "missing", "non-utf8", "over-limit");
    for (String kind : io) {
      rows.add(Arguments.of("validate", kind, ".conf"));
      rows.add(Arguments.of("apply", kind, ".yaml"));
      rows.add(Arguments.of("explain", kind, ".conf"));
      rows.add(Arguments.of("render --upgrade", kind, ".conf"));
      if (!kind.equals("directory")) { // a directory of mirror sets is valid input
        rows.add(Arguments.of("render --mirror-sets", kind, ".yaml"));
      }
    }
    rows.add(Arguments.of("validate", "deep", ".conf"));
    rows.add(Arguments.of("validate --dropin-dir", "deep", ".conf"));
    rows.add(Arguments.of("validate", "deep", ".yaml"));
    rows.add(Arguments.of("apply", "deep", ".yaml"));
    rows.add(Arguments.of("explain --dropin-dir", "deep", ".conf"));
    rows.add(Arguments.of("render --upgrade", "deep", ".conf"));
    rows.add(Arguments.of("render --mirror-sets", "deep-yaml", ".yaml"));
    rows.add(Arguments.of("apply", "deep-yaml", ".yaml"));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} {1}{2}")
  @MethodSource("matrix")
  void answersWithOneShortErrorAndChangesNothing(String command, String kind, String suffix)
      throws IOException {
    Path in = input(kind, suffix);
    List<String> args =
        switch (command) {
          case "validate" -> List.of("validate", in.toString());
          case "validate --dropin-dir" -> List.of("validate", "--dropin-dir", dropInDir(in));
          case "apply" -> List.of("apply", "--config", in.toString(), "--root", root.toString());
          case "explain" ->
              List.of(
                  "explain",
                  "--registries-conf",
                  in.toString(),
                  "--dropin-dir",
                  emptyDropIns.toString(),
                  "quay.io/a/b");
          case "explain --dropin-dir" ->
              List.of(
                  "explain",
                  "--registries-conf",
                  root.resolve("etc/containers/registries.conf").toString(),
                  "--dropin-dir",
                  dropInDir(in),
                  "quay.io/a/b");
          case "render --upgrade" -> List.of("render", "--upgrade", in.toString());
          case "render --mirror-sets" -> List.of("render", "--mirror-sets", in.toString());
          default -> throw new IllegalArgumentException(command);
        };
    Map<String, String> before = snapshot(root);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int rc =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> {
              CommandLine cli = Main.commandLine();
              cli.setOut(new PrintWriter(out, true));
              cli.setErr(new PrintWriter(err, true));
              return cli.execute(args.toArray(String[]::new));
            },
            () -> String.join(" ", args) + " did not finish");

    String errors = err.toString();
    assertThat(rc).as("exit code; stderr: %s", errors).isEqualTo(1);
    assertThat(errors.lines().toList())
        .as("stderr")
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .doesNotContain("Exception", "Error:", "java.", "\tat ")
                    .hasSizeLessThan(400));
    assertThat(errors).contains(CAUSES.get(kind));
    if (!kind.equals("/dev/zero")) {
      assertThat(errors).contains(in.getFileName().toString());
    }
    assertThat(snapshot(root)).as("the root after %s", args).isEqualTo(before);
  }

  /** A drop-in directory holding only {@code file}. */
  private String dropInDir(Path file) throws IOException {
    Path d = Files.createDirectories(dir.resolve("registries.conf.d"));
    Files.move(file, d.resolve(file.getFileName()));
    return d.toString();
  }

  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String key = root.relativize(p).toString();
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(key, Files.readString(p, StandardCharsets.ISO_8859_1));
        } else {
          files.put(key, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "<dir>" : "<other>");
        }
      }
    }
    return files;
  }
}
