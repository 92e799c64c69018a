package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int validate(String... args) {
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "validate";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  @Test
  void aValidRegistriesConfExitsZero() throws IOException {
    Path conf = file("registries.conf", "[[registry]]\nlocation = \"quay.io\"\n");
    assertThat(validate(conf.toString())).isZero();
    assertThat(out.toString()).contains(conf + ": valid");
  }

  @Test
  void tomlSyntaxErrorsNameFileAndLine() throws IOException {
    Path conf = file("registries.conf", "[[registry]]\nprefix = \"x\"\n[[registry]\n");
    assertThat(validate(conf.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(conf.toString()).contains("toml: line 3");
  }

  @Test
  void ruleViolationsNameFilePrefixAndField() throws IOException {
    Path conf =
        file(
            "registries.conf",
            "[[registry]]\nprefix = \"example.com\"\nlocation = \"example.com\"\n"
                + "pull-from-mirror = \"all\"\n");
    assertThat(validate(conf.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(conf.toString())
        .contains("example.com")
        .contains("pull-from-mirror must not be set for a non-mirror registry");
  }

  @Test
  void unknownKeysWarnButPass() throws IOException {
    Path conf = file("registries.conf", "colour = \"blue\"\n");
    assertThat(validate(conf.toString())).isZero();
    assertThat(out.toString()).contains("warning").contains("colour");
  }

  @Test
  void dropInsAreMergedAndAV1DropInIsAnError() throws IOException {
    Path conf = file("registries.conf", "unqualified-search-registries = [\"docker.io\"]\n");
    file("registries.conf.d/10-old.conf", "[registries.search]\nregistries = [\"a.io\"]\n");
    assertThat(
            validate("--dropin-dir", dir.resolve("registries.conf.d").toString(), conf.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("10-old.conf")
        .contains("registry must be in v2 format but is in v1");
  }

  @Test
  void policyJsonIsCheckedAgainstItsSchema() throws IOException {
    Path policy =
        file("policy.json", "{\"default\": [{\"type\": \"signedBy\"}], \"transports\": {}}");
    assertThat(validate(policy.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(policy.toString()).contains("default[0]");
  }

  @Test
  void machineConfigsAreDecodedAndTheirFilesValidated() throws IOException {
    Path mc =
        file(
            "mc.yaml",
            "apiVersion: machineconfiguration.openshift.io/v1\nkind: MachineConfig\n"
                + "metadata: {name: x}\nspec:\n  config:\n    ignition: {version: 3.2.0}\n"
                + "    storage:\n      files:\n      - path: /etc/containers/registries.conf\n"
                + "        contents: {source: 'data:,%5B%5Bregistry%5D%5D%0Aprefix%3D%22a%22%0A'}\n");
    assertThat(validate(mc.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(mc.toString())
        .contains("/etc/containers/registries.conf")
        .contains("location is unset");
  }

  @Test
  void mirrorSetsAreValidatedAsTheControllerWould() throws IOException {
    Path sets =
        file(
            "idms.yaml",
            "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\n"
                + "metadata: {name: m}\nspec:\n  imageDigestMirrors:\n"
                + "  - source: registry.example.com\n    mirrors: [registry.example.com]\n"
                + "    mirrorSourcePolicy: NeverContactSource\n");
    assertThat(validate(sets.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("ImageDigestMirrorSet/m")
        .contains("cannot set mirrorSourcePolicy: NeverContactSource");
  }

  @Test
  void aMisspeltFieldAndAnUnknownEnumValueAreAllReportedInOneRun() throws IOException {
    Path sets =
        file(
            "typos.yaml",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: typo}
            spec:
              imageDigestMirror:
              - source: a.example.com
                mirrors: [m.example.com]
              imageDigestMirrors:
              - source: b.example.com
                mirrors: [n.example.com]
                mirrorSourcePolicy: NeverContactSorce
              - source: "not a source"
                mirrors: [o.example.com]
            """);
    assertThat(validate(sets.toString())).isEqualTo(1);
    assertThat(err.toString().lines())
        .containsExactly(
            sets
                + ": ImageDigestMirrorSet/typo spec.imageDigestMirror: unknown field"
                + " (allowed: imageDigestMirrors)",
            sets
                + ": ImageDigestMirrorSet/typo spec.imageDigestMirrors[0].mirrorSourcePolicy:"
                + " unsupported value \"NeverContactSorce\""
                + " (allowed: NeverContactSource, AllowContactingSource)",
            sets
                + ": ImageDigestMirrorSet/typo spec.imageDigestMirrors[1].source:"
                + " invalid format for source \"not a source\"");
    assertThat(out.toString()).doesNotContain("valid");
  }

  @Test
  void nothingToValidateIsAUsageError() {
    assertThat(validate()).isEqualTo(2);
  }
}
