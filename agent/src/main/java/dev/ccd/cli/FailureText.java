package dev.ccd.cli;

import dev.ccd.registries.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A failure said in words for a person at a terminal: never a Java class name or a stack trace,
 * control characters escaped.
 */
final class FailureText {
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:? ?");

  private FailureText() {}

  /** The cause of {@code t} in words. */
  static String of(Throwable t) {
    Throwable c = t;
    while (c instanceof UncheckedIOException && c.getCause() != null) {
      c = c.getCause();
    }
    String words;
    if (c instanceof NoSuchFileException n) {
      words = (n.getFile() == null ? "" : n.getFile() + ": ") + "no such file";
    } else if (c instanceof AccessDeniedException a) {
      words = (a.getFile() == null ? "" : a.getFile() + ": ") + "permission denied";
    } else if (c instanceof FileSystemException f && f.getReason() != null) {
      words =
          (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason().toLowerCase(Locale.ROOT);
    } else if (c instanceof CharacterCodingException) {
      words = "not valid UTF-8";
    } else if (c instanceof OutOfMemoryError) {
      words = "out of memory (an input larger than the limits?)";
    } else if (c instanceof StackOverflowError) {
      words = "input nested too deeply";
    } else if (c instanceof IOException && c.getMessage() != null) {
      words = c.getMessage();
    } else if (c.getMessage() != null && !c.getMessage().isBlank()) {
      words = "internal error: " + c.getMessage();
    } else {
      words = "internal error";
    }
    String clean = CLASS_NAME.matcher(words).replaceAll("").strip();
    return SafeText.escape(clean.isEmpty() ? "internal error" : clean);
  }
}
