package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TomlPreScanTest {
  static Stream<Arguments> shallow() {
    return Stream.of(
        Arguments.of("brackets in a basic string", "a = \"[[[[[[\""),
        Arguments.of("brackets in a literal string", "a = '{{{{{{'"),
        Arguments.of("brackets in a multi-line string", "a = \"\"\"\n[[[[[[\n\"\"\""),
        Arguments.of("brackets in a multi-line literal", "a = '''\n[[[[[['''"),
        Arguments.of("brackets in a comment", "# [[[[[[\na = 1"),
        Arguments.of("escaped quote in a string", "a = \"\\\"[[[[[[\""),
        Arguments.of("table headers", "[[registry]]\n[[registry.mirror]]\n[a.b]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shallow")
  void countsOnlyRealNesting(String name, String text) {
    assertThat(TomlPreScan.tooDeep(text, 3)).as(name).isEmpty();
  }

  @Test
  void findsTheLineOfTooDeepNesting() {
    String text = "a = 1\n# [\nb = [[[\n{x = [1]}]]]\n";
    assertThat(TomlPreScan.tooDeep(text, 4)).isEqualTo(OptionalInt.of(4));
    assertThat(TomlPreScan.tooDeep(text, 5)).isEmpty();
  }

  @Test
  void aDeepDropInIsAProblemNotAStackOverflow() {
    String text = "unqualified-search-registries = " + "[".repeat(1000) + "]".repeat(1000) + "\n";
    ParsedConf parsed = RegistriesToml.parse(text, "deep.conf");
    assertThat(parsed.problems())
        .singleElement()
        .hasToString(
            "deep.conf: toml: line 1: arrays or inline tables nested deeper than 32 levels");
  }

  @Test
  void aHugeStringIsRefusedBeforeTomljSeesIt() {
    String text = "a = 1\nb = \"" + "x".repeat(TomlPreScan.MAX_STRING) + "\"\n";
    ParsedConf parsed = RegistriesToml.parse(text, "long.conf");
    assertThat(parsed.problems())
        .singleElement()
        .hasToString("long.conf: toml: line 2: a string longer than 64 KiB");
    String justFits = "b = \"" + "x".repeat(TomlPreScan.MAX_STRING - 2) + "\"\n";
    assertThat(TomlPreScan.longString(justFits, TomlPreScan.MAX_STRING)).isEmpty();
  }

  /** Found by ParsersFuzzTest: tomlj fails an assertion on a broken unicode escape. */
  @Test
  void aBrokenUnicodeEscapeIsAProblemNotAnAssertionError() {
    String text = "[[registry]]\nprefix = \"qu\\uay.io/a\"\nlocation = \"m.example.com\"\n";
    assertThat(RegistriesToml.parse(text, "esc.conf").problems())
        .singleElement()
        .hasToString(
            "esc.conf: toml: line 2: invalid unicode escape (\\u needs 4 hex digits, \\U needs 8)");
    assertThat(TomlPreScan.badUnicodeEscape("a = \"\\u00e9 \\U0001F600 \\\\u\"\nb = 'x\\uq'"))
        .as("valid escapes, an escaped backslash, a literal string")
        .isEmpty();
  }
}
