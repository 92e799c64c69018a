package dev.ccd.registries;

import java.util.OptionalInt;

/**
 * A cheap pre-scan of TOML text for nesting depth and string length, run before tomlj sees it:
 * tomlj's parser recurses once per nested array or inline table, and a 2 KB file nested 1,000 deep
 * overflows the stack. Strings and comments are skipped so brackets inside them do not count.
 */
final class TomlPreScan {
  /** Deepest nesting of arrays and inline tables accepted; registries.conf needs 2. */
  static final int MAX_DEPTH = 32;

  /**
   * Longest string accepted: tomlj makes one token per character of a string (about 600 bytes of
   * heap each), so a 10 MB string took gigabytes; real values are registry locations (< 300).
   */
  static final int MAX_STRING = 64 * 1024;

  /** What the pre-scan found wrong, and on which line. */
  record Refusal(int line, String message) {}

  private TomlPreScan() {}

  /** The first nesting deeper than {@link #MAX_DEPTH} or string longer than {@link #MAX_STRING}. */
  static java.util.Optional<Refusal> check(String text) {
    OptionalInt deep = tooDeep(text, MAX_DEPTH);
    if (deep.isPresent()) {
      return java.util.Optional.of(
          new Refusal(
              deep.getAsInt(),
              "arrays or inline tables nested deeper than " + MAX_DEPTH + " levels"));
    }
    OptionalInt escape = badUnicodeEscape(text);
    if (escape.isPresent()) {
      return java.util.Optional.of(
          new Refusal(
              escape.getAsInt(), "invalid unicode escape (\\u needs 4 hex digits, \\U needs 8)"));
    }
    return longString(text, MAX_STRING).stream()
        .mapToObj(line -> new Refusal(line, "a string longer than " + (MAX_STRING / 1024) + " KiB"))
        .findFirst();
  }

  /** The 1-based line where a string longer than {@code max} characters starts, if one does. */
  static OptionalInt longString(String text, int max) {
    return walk(
        text,
        new Visitor() {
          @Override
          public OptionalInt string(int start, int end, char quote, int line) {
            return end - start > max ? OptionalInt.of(line) : OptionalInt.empty();
          }
        });
  }

  /**
   * The 1-based line of a {@code \\u} or {@code \\U} escape without its hex digits in a basic
   * string: tomlj fails an assertion on it (found by fuzzing) instead of reporting an error.
   */
  static OptionalInt badUnicodeEscape(String text) {
    return walk(
        text,
        new Visitor() {
          @Override
          public OptionalInt string(int start, int end, char quote, int line) {
            if (quote != '"') {
              return OptionalInt.empty(); // literal strings have no escapes
            }
            int at = line;
            for (int j = start; j < end; j++) {
              char d = text.charAt(j);
              if (d == '\n') {
                at++;
              } else if (d == '\\' && j + 1 < end) {
                char kind = text.charAt(j + 1);
                int digits = kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
                if (digits > 0 && !hexDigits(text, j + 2, digits, end)) {
                  return OptionalInt.of(at);
                }
                j++; // the escaped character
              }
            }
            return OptionalInt.empty();
          }
        });
  }

  private static boolean hexDigits(String text, int from, int count, int end) {
    if (from + count > end) {
      return false;
    }
    for (int k = from; k < from + count; k++) {
      if (Character.digit(text.charAt(k), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The 1-based line where nesting first exceeds {@code maxDepth}, if it does. */
  static OptionalInt tooDeep(String text, int maxDepth) {
    return walk(
        text,
        new Visitor() {
          private int depth;

          @Override
          public OptionalInt bracket(char c, int line) {
            if (c == '[' || c == '{') {
              return ++depth > maxDepth ? OptionalInt.of(line) : OptionalInt.empty();
            }
            depth = Math.max(0, depth - 1);
            return OptionalInt.empty();
          }
        });
  }

  /** What a walk reports: the first non-empty answer (a line) ends it. */
  private interface Visitor {
    /** A string from {@code start} (its opening quote) to {@code end} (exclusive). */
    default OptionalInt string(int start, int end, char quote, int line) {
      return OptionalInt.empty();
    }

    /** An opening or closing bracket or brace outside strings and comments. */
    default OptionalInt bracket(char c, int line) {
      return OptionalInt.empty();
    }
  }

  /** Walks {@code text}, skipping comments, and shows {@code visitor} its strings and brackets. */
  private static OptionalInt walk(String text, Visitor visitor) {
    int line = 1;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      OptionalInt found = OptionalInt.empty();
      switch (c) {
        case '\n' -> line++;
        case '#' -> {
          while (i + 1 < n && text.charAt(i + 1) != '\n') {
            i++;
          }
        }
        case '"', '\'' -> {
          boolean multi = text.startsWith(c == '"' ? "\"\"\"" : "\'\'\'", i);
          int end = skipString(text, i, c, multi);
          found = visitor.string(i, end, c, line);
          for (int j = i; j < end && j < n; j++) {
            if (text.charAt(j) == '\n') {
              line++;
            }
          }
          i = end - 1;
        }
        case '[', '{', ']', '}' -> found = visitor.bracket(c, line);
        default -> {}
      }
      if (found.isPresent()) {
        return found;
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The index just after the string starting at {@code start}; an unterminated one ends its line.
   */
  private static int skipString(String text, int start, char quote, boolean multi) {
    int n = text.length();
    int i = start + (multi ? 3 : 1);
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\\' && quote == '"') {
        i += 2;
        continue;
      }
      if (!multi && c == '\n') {
        return i; // tomlj reports the unterminated string
      }
      if (c == quote) {
        if (!multi) {
          return i + 1;
        }
        if (text.startsWith(String.valueOf(quote).repeat(3), i)) {
          return i + 3;
        }
      }
      i++;
    }
    return n;
  }
}
