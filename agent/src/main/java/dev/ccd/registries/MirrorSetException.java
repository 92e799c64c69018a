package dev.ccd.registries;

import java.util.List;
import java.util.stream.Collectors;

/** Mirror-set input that cannot be read, rendered or migrated; carries every problem found. */
public final class MirrorSetException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public MirrorSetException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a MirrorSetException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public MirrorSetException(Problem problem) {
    this(List.of(problem));
  }

  public List<Problem> problems() {
    return problems;
  }
}
