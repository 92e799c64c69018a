package dev.ccd.cli;

import dev.ccd.registries.SafeText;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ccd} command: wires the subcommands and runs one. */
@Command(
    name = "ccd",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps /etc/containers on CRI-O nodes in line with MachineConfigs.",
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  CCD_MAX_FILE_SIZE    largest registries.conf, drop-in, policy.json",
      "                       or mirror-set file read (default 1MiB)",
      "  CCD_MAX_CONFIG_SIZE  largest MachineConfig file read (default 8MiB)",
      "  CCD_DEBUG=1          print the stack trace of an internal error"
    },
    exitCodeListHeading = "%nExit codes (each command lists its own):%n",
    exitCodeList = {
      "0:success",
      "1:invalid input or a failed operation; one line per problem says file, field and cause",
      "2:invalid command line or setting",
      Main.INTERNAL_ERROR_TEXT
    })
public final class Main implements Callable<Integer> {
  /** The exit code of an error ccd did not expect (a bug): one line, no stack trace. */
  public static final int INTERNAL_ERROR = 70;

  static final String INTERNAL_ERROR_TEXT =
      "70:internal error (a bug; CCD_DEBUG=1 shows the trace)";
  static final String DEBUG_ENV = "CCD_DEBUG";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--debug",
      description = "print the stack trace of an internal error (also: CCD_DEBUG=1)")
  boolean debug;

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine(args).execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // picocli hands only Exceptions to the handler; these must not print a trace either.
      code = internalError(e, "ccd", new PrintWriter(System.err, true), envDebug());
    }
    System.exit(code);
  }

  /** The subcommands, in the order {@code --help} lists them. */
  static final List<Class<?>> COMMANDS =
      List.of(
          DemoCommand.class,
          ApplyCommand.class,
          ValidateCommand.class,
          ExplainCommand.class,
          RenderCommand.class,
          MigrateIcspCommand.class,
          AgentCommand.class,
          ControllerCommand.class,
          StatusCommand.class,
          CommandLine.HelpCommand.class);

  /** The configured command line with every subcommand, for tests. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The configured command line for {@code args}: with only the subcommand they name, when they
   * name one (other than {@code help}), else with all. picocli builds a command's model by
   * reflection over its options; building all ten took 170-220 ms of a 400 ms {@code ccd explain}.
   */
  static CommandLine commandLine(String[] args) {
    Optional<Class<?>> named = named(args);
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> command : COMMANDS) {
      if (named.isEmpty() || named.get() == command) {
        cl.addSubcommand(command);
      }
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(Duration.class, Main::duration);
    cl.setExecutionExceptionHandler(Main::failed);
    // ccd COMMAND --version: every command's standard --version prints ccd's version.
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(new VersionProvider());
    }
    return cl;
  }

  /**
   * The subcommand {@code args} run: their first word that is not an option ({@code ccd}'s own
   * options take no value), when it is a subcommand's name.
   */
  static Optional<Class<?>> named(String[] args) {
    for (String arg : args) {
      if (arg.startsWith("-")) {
        continue;
      }
      return COMMANDS.stream()
          .filter(c -> c != CommandLine.HelpCommand.class)
          .filter(c -> c.getAnnotation(Command.class).name().equals(arg))
          .findFirst();
    }
    return Optional.empty();
  }

  /** ISO-8601 ({@code PT90S}) or a plain number of seconds; an error says so in words. */
  static Duration duration(String value) {
    try {
      return value.matches("\\d+")
          ? Duration.ofSeconds(Long.parseLong(value))
          : Duration.parse(value);
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException(
          "'" + SafeText.escape(value) + "' is not a duration (ISO-8601 like PT90S, or seconds)");
    }
  }

  /**
   * Whatever escapes a command becomes one line on standard error: the command and the cause in
   * words. The trace is for developers, behind {@code --debug} or {@code CCD_DEBUG}.
   */
  private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    if (e instanceof InputFile.BadSetting) {
      err.println(name + ": " + FailureText.of(e));
      err.flush();
      return 2;
    }
    return internalError(e, name, err, debugWanted(command));
  }

  /** One line for an error ccd did not expect; the trace only when asked for. */
  static int internalError(Throwable e, String name, PrintWriter err, boolean debug) {
    err.println(name + ": " + FailureText.of(e) + " (a bug in ccd; CCD_DEBUG=1 shows where)");
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return INTERNAL_ERROR;
  }

  private static boolean envDebug() {
    String env = System.getenv(DEBUG_ENV);
    return env != null && !env.isEmpty() && !env.equals("0");
  }

  private static boolean debugWanted(CommandLine command) {
    if (envDebug()) {
      return true;
    }
    CommandLine root = command;
    while (root.getParent() != null) {
      root = root.getParent();
    }
    return root.getCommand() instanceof Main m && m.debug;
  }

  /** {@code ccd} alone: the usage on standard error, as for any other bad command line. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
