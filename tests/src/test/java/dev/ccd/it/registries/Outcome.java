package dev.ccd.it.registries;

import java.util.List;
import java.util.Optional;

/**
 * What one side says about a case: the sources tried in order (each blocked or contacted), or the
 * error that stops the pull before any source is tried.
 */
record Outcome(List<Attempt> attempts, Optional<String> error) {
  Outcome {
    attempts = List.copyOf(attempts);
  }

  /** One pull source: the rewritten reference and whether the transport refuses it. */
  record Attempt(String reference, boolean blocked) {
    @Override
    public String toString() {
      return reference + (blocked ? " (blocked)" : "");
    }
  }

  static Outcome failure(String error) {
    return new Outcome(List.of(), Optional.of(error));
  }

  @Override
  public String toString() {
    return error.map(e -> "error: " + e).orElse("sources: " + attempts);
  }
}
