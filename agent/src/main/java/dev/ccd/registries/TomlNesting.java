package dev.ccd.registries;

import java.util.OptionalInt;

/**
 * A cheap pre-scan of TOML text for nesting depth, run before tomlj sees it: tomlj's parser
 * recurses once per nested array or inline table, and a 2 KB file nested 1,000 deep overflows the
 * stack. Strings and comments are skipped so brackets inside them do not count.
 */
final class TomlNesting {
  /** Deepest nesting of arrays and inline tables accepted; registries.conf needs 2. */
  static final int MAX_DEPTH = 32;

  private TomlNesting() {}

  /** The 1-based line where nesting first exceeds {@code maxDepth}, if it does. */
  static OptionalInt tooDeep(String text, int maxDepth) {
    int depth = 0;
    int line = 1;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> line++;
        case '#' -> {
          while (i + 1 < n && text.charAt(i + 1) != '\n') {
            i++;
          }
        }
        case '"', '\'' -> {
          boolean multi = text.startsWith(c == '"' ? "\"\"\"" : "'''", i);
          int end = skipString(text, i, c, multi);
          for (int j = i; j < end && j < n; j++) {
            if (text.charAt(j) == '\n') {
              line++;
            }
          }
          i = end - 1;
        }
        case '[', '{' -> {
          if (++depth > maxDepth) {
            return OptionalInt.of(line);
          }
        }
        case ']', '}' -> depth = Math.max(0, depth - 1);
        default -> {}
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
