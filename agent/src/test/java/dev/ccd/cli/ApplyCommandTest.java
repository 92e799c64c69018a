package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.machineconfig.DataUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ApplyCommandTest {
  static final Path EXAMPLE = Path.of("../examples/99-worker-generated-registries.yaml");
  static final String DROPIN =
      "etc/containers/registries.conf.d/99-worker-generated-registries.conf";

  @TempDir Path root;
  @TempDir Path work;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void osFiles() throws IOException {
    Files.createDirectories(root.resolve("etc/containers"));
    Files.writeString(
        root.resolve("etc/containers/registries.conf"),
        "unqualified-search-registries = [\"docker.io\"]\n");
  }

  int ccd(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  static String decodedExampleDropIn() throws IOException {
    String yaml = Files.readString(EXAMPLE);
    int i = yaml.indexOf("\"data:") + 1;
    String url = yaml.substring(i, yaml.indexOf('"', i));
    return new String(DataUrl.decode(url), StandardCharsets.UTF_8);
  }

  @Test
  void appliesTheExampleByteIdenticalThenChangesNothingTheSecondTime() throws IOException {
    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--no-reload");

    assertThat(rc).as("stderr: %s", err).isZero();
    Path dropIn = root.resolve(DROPIN);
    assertThat(Files.readString(dropIn)).isEqualTo(decodedExampleDropIn());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dropIn)))
        .isEqualTo("rw-r--r--");
    assertThat(out.toString())
        .contains("changed: /" + DROPIN)
        .contains("crio action: drain+reload")
        .contains(
            "drain: needed by the safe-change rules, not performed by `ccd apply`; drain the"
                + " node first")
        .contains("crio: reload (recorded, not performed: --no-reload given)");

    out.getBuffer().setLength(0);
    assertThat(
            ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--no-reload"))
        .isZero();
    assertThat(out.toString()).contains("no file changes").contains("no changes:");
  }

  @Test
  void withoutASystemBusApplyRefusesBeforeWritingAnythingAndSuggestsNoReload() throws IOException {
    Map<String, String> before = snapshot(root);

    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString());

    assertThat(rc).isEqualTo(1);
    String socket = root.toAbsolutePath().resolve("run/dbus/system_bus_socket").toString();
    assertThat(err.toString())
        .contains("apply: no system bus at unix:path=" + socket)
        .contains("nothing was written")
        .contains("--no-reload")
        .doesNotContain("Exception");
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(out.toString()).doesNotContain("changed:").doesNotContain("recorded");
    assertThat(snapshot(root)).as("not even the lock file").isEqualTo(before);
  }

  @Test
  void dryRunPrintsAUnifiedDiffAndWritesNothing() throws IOException {
    Map<String, String> before = snapshot(root);

    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--dry-run");

    assertThat(rc).isZero();
    assertThat(out.toString())
        .contains("--- /dev/null")
        .contains("+++ b/etc/containers/registries.conf.d/99-worker-generated-registries.conf")
        .contains("+location = \"quay.io/openshift-release-dev/ocp-release\"")
        .contains("dry run: nothing written");
    assertThat(snapshot(root)).isEqualTo(before);
  }

  @Test
  void theDiffOfANewFileCountsFromZeroAndAddsNoEmptyLine() throws IOException {
    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--dry-run");

    assertThat(rc).isZero();
    String content = decodedExampleDropIn();
    long lines = content.lines().count();
    assertThat(content).endsWith("\n");
    String diff = out.toString();
    assertThat(diff).contains("@@ -0,0 +1," + lines + " @@").doesNotContain("@@ -1,0");
    String hunk = diff.substring(diff.indexOf("@@ -0,0"));
    hunk = hunk.substring(hunk.indexOf('\n') + 1, hunk.indexOf("dry run:"));
    assertThat(hunk.lines().toList())
        .as("one + line per line of the file, no empty + line after the last")
        .hasSize((int) lines)
        .allMatch(l -> l.startsWith("+"))
        .last()
        .isNotEqualTo("+");
  }

  @Test
  void aMirrorSetGivenAsConfigIsNamedWithTheCommandThatRendersIt() throws IOException {
    Map<String, String> before = snapshot(root);
    String sets = "../examples/air-gapped-mirror-sets.yaml";

    int rc = ccd("apply", "--config", sets, "--root", root.toString());

    assertThat(rc).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            sets
                + " is an ImageDigestMirrorSet, not a MachineConfig; render it first: ccd render"
                + " --mirror-sets "
                + sets
                + " -o machineconfig"
                + System.lineSeparator());
    assertThat(snapshot(root)).isEqualTo(before);
  }

  static Stream<Arguments> badInputs() {
    String ok = "[[registry]]\nlocation = \"a.example.com\"\n";
    return Stream.of(
        Arguments.of("outside the allowlist", "/etc/passwd", ok, "/etc/passwd is not managed"),
        Arguments.of("traversal", "/etc/containers/../passwd", ok, "storage.files[0].path"),
        Arguments.of(
            "invalid TOML",
            "/etc/containers/registries.conf",
            "[[registry]\nprefix=\"x\"\n",
            "toml: line"),
        Arguments.of(
            "invalid mirror rule",
            "/etc/containers/registries.conf",
            "[[registry]]\nlocation = \"a.example.com\"\n[[registry.mirror]]\n"
                + "location = \"m.example.com\"\npull-from-mirror = \"sometimes\"\n",
            "unsupported pull-from-mirror value \"sometimes\""),
        Arguments.of(
            "invalid policy.json",
            "/etc/containers/policy.json",
            "{\"transports\": {}}",
            "default"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputExitsOneNamingFileAndFieldAndChangesNothing(
      String name, String path, String content, String expected) throws IOException {
    Path config = machineConfig(path, content);
    Map<String, String> before = snapshot(root);

    int rc = ccd("apply", "--config", config.toString(), "--root", root.toString());

    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains(config.toString()).contains(expected);
    assertThat(snapshot(root)).as("root unchanged").isEqualTo(before);
  }

  @Test
  void aSymlinkedTargetIsRefusedAndNothingIsWritten() throws IOException {
    Path elsewhere = Files.writeString(work.resolve("elsewhere.conf"), "theirs\n");
    Path dir = Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    Files.createSymbolicLink(dir.resolve("99-worker-generated-registries.conf"), elsewhere);
    Map<String, String> before = snapshot(root);

    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--no-reload");

    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("99-worker-generated-registries.conf").contains("link");
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(Files.readString(elsewhere)).isEqualTo("theirs\n");
  }

  @Test
  void aSymlinkedParentDirectoryIsRefused() throws IOException {
    Path real = Files.createDirectories(work.resolve("real-conf.d"));
    Files.createSymbolicLink(root.resolve("etc/containers/registries.conf.d"), real);

    int rc = ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--no-reload");

    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("registries.conf.d");
    try (Stream<Path> s = Files.list(real)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void applyWaitsForNoOneWhileAnotherWriterHoldsTheHostLock() throws IOException {
    try (var lock = dev.ccd.host.InstanceLock.acquire(root)) {
      int rc =
          ccd("apply", "--config", EXAMPLE.toString(), "--root", root.toString(), "--no-reload");

      assertThat(rc).isEqualTo(1);
      assertThat(err.toString()).contains("another ccd process (agent or apply) holds the lock");
      assertThat(root.resolve(DROPIN)).doesNotExist();
    }
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThat(ccd("apply", "--config", "nope.yaml", "--root", root.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("nope.yaml: no such file");
  }

  private Path machineConfig(String path, String content) throws IOException {
    String json =
        "{\"apiVersion\":\"machineconfiguration.openshift.io/v1\",\"kind\":\"MachineConfig\","
            + "\"metadata\":{\"name\":\"bad\"},\"spec\":{\"config\":{\"ignition\":{\"version\":"
            + "\"3.2.0\"},\"storage\":{\"files\":[{\"path\":\""
            + path
            + "\",\"mode\":420,\"contents\":{\"source\":\""
            + DataUrl.encode(content.getBytes(StandardCharsets.UTF_8))
            + "\"}}]}}}}";
    return Files.writeString(work.resolve("bad-mc.json"), json);
  }

  /** Every path under {@code dir} with its bytes and permissions, links as link targets. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String key = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          all.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          all.put(
              key,
              PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                  + " "
                  + Files.readString(p, StandardCharsets.ISO_8859_1));
        } else {
          all.put(key, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
      }
    }
    return all;
  }
}
