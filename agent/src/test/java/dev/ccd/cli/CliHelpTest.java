package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The help and version texts, as a new user meets them. */
class CliHelpTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  static List<String> commands() {
    return new ArrayList<>(Main.commandLine().getSubcommands().keySet());
  }

  @Test
  void theTopLevelHelpSummarisesEveryCommandInWholeSentences() {
    assertThat(run("--help")).isZero();
    for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
      String[] description = e.getValue().getCommandSpec().usageMessage().description();
      assertThat(description).as(e.getKey()).isNotEmpty();
      // The summary in `ccd --help` is the first description line: a whole sentence.
      assertThat(description[0]).as("summary of " + e.getKey()).endsWith(".");
    }
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("Run the node agent: apply the MachineConfig named by this Node's desiredConfig.")
        .contains("largest registries.conf, drop-in, policy.json or mirror-set file read");
    assertThat(out.toString().lines())
        .as("no footer line wraps to column 0")
        .noneMatch(l -> l.startsWith("mirror-set"));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void descriptionsAreParagraphsNotBrokenLines(String command) {
    if (command.equals("help")) {
      return; // picocli's own
    }
    for (String paragraph :
        Main.commandLine()
            .getSubcommands()
            .get(command)
            .getCommandSpec()
            .usageMessage()
            .description()) {
      assertThat(paragraph).as(command + ": a paragraph ends a sentence").matches("(?s).*[.:]$");
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyDefaultIsShownAndNoneIsNull(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).doesNotContain("default: null").doesNotContain("Default: null");
    CommandLine sub = Main.commandLine().getSubcommands().get(command);
    for (OptionSpec o : sub.getCommandSpec().options()) {
      if (o.defaultValue() != null && !o.usageHelp() && !o.versionHelp()) {
        assertThat(String.join(" ", o.description()))
            .as(command + " " + o.longestName() + " shows its default")
            .contains("default");
      }
    }
  }

  @Test
  void theCrioUnitOptionNamesItsDefault() {
    run("agent", "--help");
    assertThat(out.toString().replaceAll("\\s+", ""))
        .contains("--crio-unit=<crioUnit>systemdunitofthecontainerruntime(default:crio.service)");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandPrintsTheVersion(String command) {
    if (command.equals("help")) {
      return; // picocli's help command has no --version
    }
    assertThat(run(command, "--version")).isZero();
    assertThat(out.toString()).startsWith("ccd ").contains("Java ");
  }

  @Test
  void ccdAloneIsABadCommandLine() {
    assertThat(run()).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("Usage: ccd").contains("Commands:");
  }
}
