package dev.ccd.machineconfig;

import dev.ccd.registries.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A MachineConfig or Ignition config that ccd refuses, with every problem found in it. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public InvalidConfigException(List<Problem> problems) {
    super(
        problems.stream()
            .filter(Problem::isError)
            .map(Problem::toString)
            .collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** All problems, errors first as found, warnings included. */
  public List<Problem> problems() {
    return problems;
  }
}
