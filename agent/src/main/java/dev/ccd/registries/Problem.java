package dev.ccd.registries;

import java.util.Objects;

/**
 * Something wrong (or worth a warning) in an input, said so that a person can find it: the file,
 * the field (a TOML key path, a JSON pointer, a registry prefix …) and what is wrong with it.
 */
public record Problem(Severity severity, String file, String field, String message) {
  public enum Severity {
    ERROR,
    WARNING
  }

  /** Longest line a problem prints as; longer ones are cut, saying how much was left out. */
  public static final int MAX_LINE = 2000;

  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  public static Problem error(String file, String field, String message) {
    return new Problem(Severity.ERROR, file, field, message);
  }

  public static Problem warning(String file, String field, String message) {
    return new Problem(Severity.WARNING, file, field, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * {@code FILE: field: message}, the form the CLI prints and the agent stores in a reason; control
   * characters that came from input are escaped and the line is cut at {@link #MAX_LINE} ({@link
   * SafeText}).
   */
  @Override
  public String toString() {
    String where = field.isEmpty() ? file : file + ": " + field;
    return SafeText.escape(
        (severity == Severity.WARNING ? "warning: " : "") + where + ": " + message);
  }
}
