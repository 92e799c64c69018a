package dev.ccd.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Fuzzing input for the parsers: realistic seeds changed by random edits (insert, delete,
 * duplicate, replace) drawn towards what breaks parsers: brackets, quotes, anchors, document
 * markers, escapes, control characters, invalid surrogates, long runs.
 */
public final class Mutations {
  private Mutations() {}

  private static final List<String> NASTY =
      List.of(
          "[",
          "]",
          "{",
          "}",
          "[[",
          "]]",
          "\"",
          "'",
          "\"\"\"",
          "'''",
          "\\",
          "\\u",
          "\\U0010FFFF",
          "#",
          "=",
          ",",
          ".",
          ":",
          ": ",
          "- ",
          "---\n",
          "...\n",
          "&a ",
          "*a",
          "!!binary ",
          "!!str ",
          "<<: ",
          "?",
          "|",
          ">",
          "%",
          "%zz",
          "%00",
          ";base64,",
          "data:",
          "@sha256:",
          "@",
          "/",
          "\n",
          "\r\n",
          "\t",
          "\u0000",
          "\u001b[2J",
          "\u0085",
          "\u2028",
          "\u202e",
          "\ud800",
          "\uffff",
          "é",
          "☕",
          "\uD83D\uDE00",
          "0x",
          "-1",
          "1e999",
          "9223372036854775808",
          "true",
          "null",
          "~",
          "a".repeat(300),
          "[".repeat(64),
          "{a=".repeat(40));

  private record Edit(double at, int kind, String text, int length) {}

  private static Arbitrary<Edit> edit() {
    return Combinators.combine(
            Arbitraries.doubles().between(0, 1),
            Arbitraries.integers().between(0, 3),
            Arbitraries.oneOf(
                Arbitraries.of(NASTY),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.strings().ascii().ofMaxLength(20)),
            Arbitraries.integers().between(1, 40))
        .as(Edit::new);
  }

  /** {@code seeds} with 0 to 8 random edits each, and now and then arbitrary text. */
  public static Arbitrary<String> of(List<String> seeds) {
    Arbitrary<String> mutated =
        Combinators.combine(Arbitraries.of(seeds), edit().list().ofMaxSize(8))
            .as(
                (seed, edits) -> {
                  StringBuilder b = new StringBuilder(seed);
                  for (Edit e : edits) {
                    int at = (int) (e.at() * b.length());
                    int end = Math.min(b.length(), at + e.length());
                    switch (e.kind()) {
                      case 0 -> b.insert(at, e.text());
                      case 1 -> b.delete(at, end);
                      case 2 -> b.insert(at, b.substring(at, end));
                      default -> b.replace(at, end, e.text());
                    }
                  }
                  return b.toString();
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(9, mutated),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
  }
}
