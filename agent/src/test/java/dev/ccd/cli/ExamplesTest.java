package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped examples stay what the commands make of them. */
class ExamplesTest {
  @Test
  void theExampleMachineConfigIsTheRenderingOfTheExampleMirrorSets() throws IOException {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int rc =
        cli.execute(
            "render",
            "--mirror-sets",
            "../examples/air-gapped-mirror-sets.yaml",
            "-o",
            "machineconfig");

    assertThat(rc).isZero();
    assertThat(out.toString())
        .as(
            "regenerate with: ./ccd render --mirror-sets examples/air-gapped-mirror-sets.yaml"
                + " -o machineconfig > examples/99-worker-generated-registries.yaml")
        .isEqualTo(Files.readString(Path.of("../examples/99-worker-generated-registries.yaml")));
  }

  @Test
  void theExamplesDirectoryRendersTheSameMachineConfigSkippingTheOneInIt() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int rc = cli.execute("render", "--mirror-sets", "../examples/", "-o", "machineconfig");

    assertThat(rc).as(err.toString()).isZero();
    assertThat(err.toString())
        .isEqualTo(
            "note: ../examples/99-worker-generated-registries.yaml: skipped, MachineConfig is not"
                + " a mirror-set kind"
                + System.lineSeparator());
    assertThat(out.toString())
        .isEqualTo(Files.readString(Path.of("../examples/99-worker-generated-registries.yaml")));
  }

  @Test
  void theExamplesValidate() {
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int rc =
        cli.execute(
            "validate",
            "../examples/air-gapped-mirror-sets.yaml",
            "../examples/99-worker-generated-registries.yaml");

    assertThat(rc).as(err.toString()).isZero();
  }
}
