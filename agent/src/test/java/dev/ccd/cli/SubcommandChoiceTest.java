package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ccd SUB ...} builds only SUB's model; anything else builds them all. */
class SubcommandChoiceTest {
  static Stream<String> names() {
    return Main.COMMANDS.stream().map(c -> c.getAnnotation(Command.class).name());
  }

  @ParameterizedTest
  @MethodSource("names")
  void aNamedSubcommandIsTheOnlyOneBuilt(String name) {
    CommandLine cl = Main.commandLine(new String[] {"--debug", name, "--help"});
    if (name.equals("help")) {
      assertThat(cl.getSubcommands().keySet()).containsExactlyElementsOf(names().toList());
    } else {
      assertThat(cl.getSubcommands().keySet()).containsExactly(name);
    }
  }

  @ParameterizedTest
  @CsvSource({"''", "--help", "-V", "nosuchcommand", "--debug", "Explain"})
  void otherwiseAllAreBuiltInTheirOrder(String args) {
    String[] words = args.isEmpty() ? new String[0] : args.split(" ");
    assertThat(Main.commandLine(words).getSubcommands().keySet())
        .containsExactlyElementsOf(names().toList());
  }

  @ParameterizedTest
  @MethodSource("names")
  void aSubcommandBuiltAloneAnswersAsWhenAllAreBuilt(String name) {
    String[] args = {name, "--help"};
    assertThat(run(Main.commandLine(args), args)).isEqualTo(run(Main.commandLine(), args));
  }

  @Test
  void anUnknownSubcommandIsStillRefusedWithTheUsage() {
    String[] args = {"explian", "x"};
    List<String> out = run(Main.commandLine(args), args);
    assertThat(out.get(0)).isEqualTo("2");
    assertThat(out.get(1)).contains("Unmatched argument").contains("explain");
  }

  private static List<String> run(CommandLine cl, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return List.of(Integer.toString(code), err + out.toString());
  }
}
