package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    final Exception failure;

    Boom(Exception failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure;
    }
  }

  static Exception failure(String kind) {
    return switch (kind) {
      case "npe" -> new NullPointerException();
      case "state" -> new IllegalStateException("java.lang.IllegalStateException: queue full");
      case "nosuchfile" -> new NoSuchFileException("/x/y");
      default -> new java.io.IOException("disk on fire");
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "npe, ccd boom: internal error (a bug in ccd; CCD_DEBUG=1 shows where)",
    "state, ccd boom: internal error: queue full (a bug in ccd; CCD_DEBUG=1 shows where)",
    "nosuchfile, ccd boom: /x/y: no such file (a bug in ccd; CCD_DEBUG=1 shows where)",
    "io, ccd boom: disk on fire (a bug in ccd; CCD_DEBUG=1 shows where)"
  })
  void anUnexpectedFailureIsOneLineWithoutATrace(String kind, String line) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("boom", new Boom(failure(kind)));
    cli.setExecutionExceptionHandler(cli.getExecutionExceptionHandler());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int rc = cli.execute("boom");

    assertThat(rc).isEqualTo(Main.INTERNAL_ERROR);
    assertThat(err.toString()).isEqualTo(line + System.lineSeparator());
  }

  @ParameterizedTest
  @CsvSource({"--debug"})
  void debugShowsTheTrace(String flag) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("boom", new Boom(new IllegalStateException("x")));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute(flag, "boom")).isEqualTo(Main.INTERNAL_ERROR);
    assertThat(err.toString())
        .startsWith("ccd boom: internal error: x (a bug in ccd; CCD_DEBUG=1 shows where)")
        .contains("\tat dev.ccd.cli.MainTest.debugShowsTheTrace");
  }

  @ParameterizedTest
  @CsvSource({"abc", "-5s"})
  void aBadDurationIsSaidInWords(String value) {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));

    int rc = cli.execute("apply", "--config", "x.yaml", "--job-timeout", value);

    assertThat(rc).isEqualTo(2);
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .isEqualTo(
            "Invalid value for option '--job-timeout': '"
                + value
                + "' is not a duration (ISO-8601 like PT90S, or seconds)");
  }
}
