package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentCommandTest {
  @TempDir Path root;

  @Test
  void aMissingKubeconfigIsABadSettingNamingThePath() {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int rc =
        cli.execute(
            "agent", "--node", "n", "--root", root.toString(), "--kubeconfig", "/nonexistent/k");

    assertThat(rc).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("agent: --kubeconfig /nonexistent/k: no such file" + System.lineSeparator());
  }
}
