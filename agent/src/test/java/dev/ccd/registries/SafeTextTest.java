package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTextTest {
  static Stream<Arguments> texts() {
    return Stream.of(
        Arguments.of("plain", "quay.io/a/b:1", "quay.io/a/b:1"),
        Arguments.of("newline", "a\nb", "a\\nb"),
        Arguments.of("escape", "\u001b[31mred", "\\x1b[31mred"),
        Arguments.of("DEL and C1", "a\u007fb\u0085c", "a\\x7fb\\x85c"),
        Arguments.of("bidi override", "x\u202eexe.conf", "x\\u202eexe.conf"),
        Arguments.of("line separator", "a\u2028b", "a\\u2028b"),
        Arguments.of("NUL", "a\u0000b", "a\\x00b"),
        Arguments.of("non-ASCII kept", "caf\u00e9 \u2615", "caf\u00e9 \u2615"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("texts")
  void escapesWhatATerminalWouldObey(String name, String in, String expected) {
    assertThat(SafeText.escape(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"10, aaaaaaaaaa", "2000, x"})
  void linesAreCutAndSaySo(int length, String unused) {
    String s = "a".repeat((length + 40) * 3);
    String line = SafeText.line(s, length + 40);
    assertThat(line).hasSizeLessThanOrEqualTo(length + 40 + 30).endsWith("more characters)");
  }

  @Test
  void problemsPrintEscaped() {
    assertThat(
            Problem.error("registries.conf", "prefix", "bad \u001b]0;title\u0007 value").toString())
        .isEqualTo("registries.conf: prefix: bad \\x1b]0;title\\x07 value");
  }
}
