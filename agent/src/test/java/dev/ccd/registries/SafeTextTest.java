package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTextTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plain          | quay.io/a/b:1       | quay.io/a/b:1
          newline        | a\nb                | a\\nb
          escape         | \u001b[31mred       | \\x1b[31mred
          DEL and C1     | a\u007fb\u0085c     | a\\x7fb\\x85c
          bidi override  | x\u202eexe.conf     | x\\u202eexe.conf
          line separator | a\u2028b            | a\\u2028b
          NUL            | a\u0000b            | a\\x00b
          non-ASCII kept | café ☕             | café ☕
          """)
  void escapesWhatATerminalWouldObey(String name, String in, String expected) {
    assertThat(SafeText.escape(in.replace("\\n", "\n"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"10, aaaaaaaaaa", "2000, x"})
  void linesAreCutAndSaySo(int length, String unused) {
    String s = "a".repeat(length * 3);
    String line = SafeText.line(s, length + 40);
    assertThat(line).hasSizeLessThanOrEqualTo(length + 40 + 30).endsWith("more characters)");
  }

  @ParameterizedTest
  @CsvSource({"registries.conf, prefix, 'bad \u001b]0;title\u0007 value'"})
  void problemsPrintEscaped(String file, String field, String message) {
    assertThat(Problem.error(file, field, message).toString())
        .isEqualTo("registries.conf: prefix: bad \\x1b]0;title\\x07 value");
  }
}
