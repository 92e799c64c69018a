package dev.ccd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ccd} command: wires the subcommands and runs one. */
@Command(
    name = "ccd",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps /etc/containers on CRI-O nodes in line with MachineConfigs.",
    subcommands = {
      DemoCommand.class,
      ApplyCommand.class,
      ValidateCommand.class,
      ExplainCommand.class,
      RenderCommand.class,
      MigrateIcspCommand.class,
      AgentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and for {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
