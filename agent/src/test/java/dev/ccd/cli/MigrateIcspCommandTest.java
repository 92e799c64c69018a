package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MigrateIcspCommandTest {
  @TempDir Path dir;

  static final String ICSPS =
      """
      apiVersion: operator.openshift.io/v1alpha1
      kind: ImageContentSourcePolicy
      metadata: {name: release}
      spec:
        repositoryDigestMirrors:
        - {source: quay.io/ocp/release, mirrors: [mirror.example.com/ocp/release]}
      ---
      apiVersion: operator.openshift.io/v1alpha1
      kind: ImageContentSourcePolicy
      metadata: {name: operators}
      spec:
        repositoryDigestMirrors:
        - {source: registry.redhat.io/op, mirrors: [mirror.example.com/op]}
      """;

  int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new MigrateIcspCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void writesOneIdmsFilePerIcsp() throws Exception {
    Path in = Files.writeString(dir.resolve("icsp.yaml"), ICSPS);
    Path dest = dir.resolve("out/idms");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = run(out, err, in.toString(), "--dest-dir", dest.toString());

    assertThat(code).as(err.toString()).isZero();
    Path release = dest.resolve("imagedigestmirrorset_release.yaml");
    assertThat(out.toString())
        .contains("wrote ImageDigestMirrorSet to " + release)
        .contains("imagedigestmirrorset_operators.yaml");
    MirrorSets back = MirrorSetsReader.parse(Files.readString(release), release.toString());
    assertThat(back.digestMirrorSets()).hasSize(1);
    assertThat(back.digestMirrorSets().get(0).getSpec().getImageDigestMirrors().get(0).getMirrors())
        .containsExactly("mirror.example.com/ocp/release");
  }

  @Test
  void anythingButIcspsIsRefusedAndNothingIsWritten() throws Exception {
    Path good = Files.writeString(dir.resolve("icsp.yaml"), ICSPS);
    Path other =
        Files.writeString(
            dir.resolve("idms.yaml"),
            "{apiVersion: config.openshift.io/v1, kind: ImageDigestMirrorSet, metadata: {name: x}}");
    Path dest = dir.resolve("dest");
    StringWriter err = new StringWriter();

    int code =
        run(
            new StringWriter(),
            err,
            good.toString(),
            other.toString(),
            "--dest-dir",
            dest.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains(other + ": ImageDigestMirrorSet/x: not an ImageContentSourcePolicy");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aDestinationThatIsAFileIsAnError() throws Exception {
    Path in = Files.writeString(dir.resolve("icsp.yaml"), ICSPS);
    Path file = Files.writeString(dir.resolve("file"), "x");
    StringWriter err = new StringWriter();

    assertThat(run(new StringWriter(), err, in.toString(), "--dest-dir", file.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("exists and is a file");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "name {0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"../../escaped", "a/b", "UPPER", "-dash", "dot.", "with space", "tab\there"})
  void aNameThatIsNoKubernetesNameIsRefusedAndNothingWritten(String name) throws Exception {
    Path in =
        Files.writeString(
            dir.resolve("icsp.yaml"),
            ICSPS.replace("{name: operators}", "{name: \"" + name.replace("\t", "\\t") + "\"}"));
    Path dest = dir.resolve("a/b/out");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = run(out, err, in.toString(), "--dest-dir", dest.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("metadata.name")
        .contains("DNS-1123 subdomain")
        .doesNotContain("\t");
    try (var all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .as("nothing written anywhere")
          .containsExactly("icsp.yaml");
    }
  }

  @Test
  void aLinkedDestinationDirectoryIsRefused() throws Exception {
    Path in = Files.writeString(dir.resolve("icsp.yaml"), ICSPS);
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path dest = Files.createSymbolicLink(dir.resolve("dest"), elsewhere);
    StringWriter err = new StringWriter();

    int code = run(new StringWriter(), err, in.toString(), "--dest-dir", dest.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("--dest-dir " + dest + ": is a symbolic link");
    try (var s = Files.list(elsewhere)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void aLinkAtATargetNameIsRefusedBeforeAnyFileIsWritten() throws Exception {
    Path in = Files.writeString(dir.resolve("icsp.yaml"), ICSPS);
    Path dest = Files.createDirectories(dir.resolve("dest"));
    Path precious = Files.writeString(dir.resolve("precious"), "precious");
    Files.createSymbolicLink(dest.resolve("imagedigestmirrorset_operators.yaml"), precious);
    StringWriter err = new StringWriter();

    int code = run(new StringWriter(), err, in.toString(), "--dest-dir", dest.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot write into " + dest)
        .contains("imagedigestmirrorset_operators.yaml: it is a symbolic link");
    assertThat(precious).hasContent("precious");
    assertThat(dest.resolve("imagedigestmirrorset_release.yaml"))
        .as("not even the valid one: nothing is written unless all can be")
        .doesNotExist();
  }
}
